import { LetterpressError } from "../errors";

/** What an `<img>` of the filled template says: its file, and its text alternative or that it is decorative. */
export interface ImageElement {
  src: string;
  /** The text alternative, tagged as the Figure's /Alt in the PDF; "" for a decorative image. */
  alt: string;
  /** `role="presentation"` (or `none`) with `alt=""`: an ornament, an artifact in the PDF. */
  decorative: boolean;
}

/**
 * Reads and checks an `<img>`'s attributes, the same for both editions. Alt text is required: an
 * image that carries meaning (a logo, a signature) says it in `alt`; an ornament says it is one with
 * `role="presentation"` and `alt=""`, so an empty alt is never an oversight.
 *
 * @param where names the element for errors ("filled template line 4: <img src=...>")
 */
export function readImageElement(attrs: readonly { name: string; value: string }[], where: string): ImageElement {
  const get = (name: string) => attrs.find((a) => a.name === name)?.value;
  const src = get("src");
  const alt = get("alt");
  const role = get("role")?.trim().toLowerCase();
  const decorative = role === "presentation" || role === "none";
  const fail = (why: string): never => {
    throw new LetterpressError("TEMPLATE_ERROR", `${where}: ${why}`);
  };
  if (src === undefined) fail("has no src; expected a file of the template's assets/ folder, such as assets/logo.png");
  if (alt === undefined) fail('has no alt; give the text the image stands for (alt="Logo of ..."), or mark an ornament with role="presentation" alt=""');
  if (decorative && alt!.trim() !== "") fail(`has role="${role}" and a non-empty alt; a decorative image has alt="", an image that says something has no presentation role`);
  if (!decorative && alt!.trim() === "") fail('has an empty alt; give the text the image stands for, or mark an ornament with role="presentation"');
  return { src: src!, alt: decorative ? "" : alt!.trim(), decorative };
}

/** "<img src="assets/logo.png">" for messages. */
export function describeImage(attrs: readonly { name: string; value: string }[]): string {
  const src = attrs.find((a) => a.name === "src")?.value;
  return src === undefined ? "<img>" : `<img src="${src.slice(0, 80)}">`;
}
