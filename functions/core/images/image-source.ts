import { createHash } from "node:crypto";
import { posix } from "node:path";
import { imageSize } from "image-size";
import { LetterpressError } from "../errors";

/**
 * The images a template may show: files of its own `assets/` folder, checked before any work uses
 * them. A render fetches nothing, so a remote or inline (`data:`) address, an absolute path or a
 * path out of the folder is refused, and so is a file that is missing, unreadable, of another
 * format than its name says, too large, or (SVG) able to reach outside itself.
 */

/** The bounds on one image: what a letter's logo or signature needs, many times over. */
export const IMAGE_LIMITS = {
  maxBytes: 5 * 1024 * 1024,
  /** Pixels a side (an SVG's CSS pixels): a 10,000 px side is 85 cm at 300 dpi. */
  maxSide: 10_000,
  /**
   * Pixels in all, of a PNG or JPEG: what decoding costs in memory, which its file size does not
   * bound (a 389 KB PNG of 9,999 x 9,999 zeros decodes to 400 MB). 16 megapixels is 64 MB as RGBA,
   * and more than a full A4 page at 300 dpi (8.7 megapixels).
   */
  maxPixels: 16_000_000,
} as const;

export type ImageFormat = "png" | "jpeg" | "svg";

/** A file of the template's assets/ folder: its bytes, or why it cannot be used (said when an image names it). */
export type TemplateAsset = { bytes: Uint8Array; problem?: undefined } | { problem: string; bytes?: undefined };

/** The files of one template's assets/ folder, by path relative to the template folder ("assets/logo.png"). */
export interface TemplateAssets {
  /** The template folder as errors name it ("templates/un-security-council"). */
  folder: string;
  files: ReadonlyMap<string, TemplateAsset>;
}

/** A checked image: its file, format and intrinsic size in CSS pixels. */
export interface ImageSource {
  /** The file as errors name it: "templates/<name>/assets/logo.png". */
  file: string;
  format: ImageFormat;
  mime: string;
  bytes: Uint8Array;
  width: number;
  height: number;
  /** A digest of the bytes: what a set paragraph holding the image is cached by (another file of the same name is another image). */
  digest: string;
}

const FORMATS: Readonly<Record<string, ImageFormat>> = { ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".svg": "svg" };
const MIME: Readonly<Record<ImageFormat, string>> = { png: "image/png", jpeg: "image/jpeg", svg: "image/svg+xml" };

/**
 * SVG content that would make a render reach outside the file (external references, nested
 * images, scripts, foreign HTML) or draw text in fonts the PDF does not embed. An SVG logo or
 * signature is shapes; text in one is converted to paths by any editor ("Object to Path").
 */
const SVG_REFUSED: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /<\s*(?:svg:)?script\b/i, why: "has a <script>" },
  { pattern: /<\s*(?:svg:)?foreignObject\b/i, why: "has a <foreignObject>" },
  { pattern: /<\s*(?:svg:)?(?:image|feImage)\b/i, why: "embeds an image (<image>); use the image itself as the template's asset" },
  { pattern: /<\s*(?:svg:)?(?:text|tspan|textPath)\b/i, why: "has <text>, which the PDF would set in a font it does not embed; convert the text to paths" },
  { pattern: /\bhref\s*=\s*["']\s*(?!#)/i, why: "refers to another file (href not starting with #)" },
  { pattern: /url\(\s*["']?\s*(?!#)/i, why: "refers to another file (url() not starting with #)" },
  { pattern: /@import\b/i, why: "imports a stylesheet" },
  { pattern: /<!DOCTYPE[^>[]*\[/i, why: "has an internal DTD (<!DOCTYPE ... [ ... ]>); remove it: an image needs no DTD" },
  { pattern: /<!ENTITY/i, why: "declares XML entities (<!ENTITY>), which can expand without bound or reach other files; remove them" },
];

/** A start tag: its element name and its attributes' text, quoted values kept whole (a `>` in one does not end it). */
const START_TAG = /<([A-Za-z_][\w:.-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/?>/g;
const ATTRIBUTE = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;

/** An attribute value as a browser reads a scheme from it: character references decoded, whitespace and controls dropped, lower case. */
function decodedValue(raw: string): string {
  const char = (code: number): string => (code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "");
  return raw
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => char(Number.parseInt(hex, 16)))
    .replace(/&#([0-9]+);?/g, (_, decimal: string) => char(Number(decimal)))
    .replace(/&colon;/gi, ":")
    .replace(/&(?:tab|newline);/gi, "")
    .replace(/[\s\u0000-\u001f]/g, "")
    .toLowerCase();
}

/**
 * What in an SVG's elements would run a script, each named by element and attribute (fresh user 9,
 * item 9: `onload="alert(1)"` was accepted): an event handler attribute (`on*`), a `javascript:` or
 * `vbscript:` value in any attribute, and an animation (`<set>`, `<animate>`) that would set an event
 * handler or a link. A browser runs them when the HTML edition shows the image inline.
 */
function scriptingAttributes(text: string): string[] {
  const found: string[] = [];
  for (const [, element, attributes = ""] of text.matchAll(START_TAG)) {
    for (const [, rawName = "", ...values] of attributes.matchAll(ATTRIBUTE)) {
      const name = rawName.toLowerCase();
      const value = decodedValue(values.find((v) => v !== undefined) ?? "");
      if (/^on/.test(name.replace(/^[\w.-]+:/, ""))) found.push(`has an event handler: <${element} ${rawName}="..."> would run a script; remove the attribute`);
      else if (/^(?:javascript|vbscript):/.test(value)) found.push(`has a script address: <${element} ${rawName}="${value.slice(0, 40)}"> would run a script; remove it`);
      else if (name === "attributename" && /^(?:on|(?:xlink:)?href$)/.test(value))
        found.push(`animates ${value}: <${element} ${rawName}="${value}"> could set a script; remove the animation`);
    }
  }
  return [...new Set(found)];
}

export function imageError(file: string, why: string): LetterpressError {
  return new LetterpressError("TEMPLATE_ERROR", `${file}: ${why}`);
}

/**
 * The template-relative path an `<img src>` names, or an error saying why it is refused. `where`
 * names the element in the filled template for addresses that name no file.
 */
function assetPath(src: string, folder: string, where: string): string {
  const refuse = (why: string): never => {
    throw new LetterpressError("TEMPLATE_ERROR", `${where}: src "${src.slice(0, 80)}" ${why}`);
  };
  if (src.trim() === "") refuse("is empty; expected a file of the template's assets/ folder, such as assets/logo.png");
  if (/^\s*[a-z][a-z0-9+.-]*:/i.test(src) || src.trim().startsWith("//"))
    refuse(`is not a file of the template: a render fetches nothing (no http:, https:, data: or other URL); put the file in ${folder}/assets/ and name it assets/<file>`);
  if (/[?#\\]/.test(src)) refuse("has a query, a fragment or a backslash; expected a plain path such as assets/logo.png");
  if (src.startsWith("/")) refuse(`is an absolute path; expected a path relative to the template folder, such as assets/logo.png`);
  let decoded: string;
  try {
    decoded = decodeURIComponent(src);
  } catch {
    return refuse("has a malformed %-escape");
  }
  const normal = posix.normalize(decoded);
  if (normal === ".." || normal.startsWith("../")) refuse(`leaves the template folder ${folder}/`);
  if (!normal.startsWith("assets/")) refuse(`is outside the template's assets/ folder; images are files of ${folder}/assets/`);
  return normal;
}

function sniff(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  const head = Buffer.from(bytes.subarray(0, 4096)).toString("utf8");
  // A DOCTYPE with an internal subset (entities) is still an SVG, refused for its DTD by name.
  if (/^\uFEFF?\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\]\s*)?>\s*)*<svg[\s>]/i.test(head)) return "svg";
  if (/^\uFEFF?\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<!DOCTYPE\s+svg\b/i.test(head)) return "svg";
  return null;
}

/** Checked images by asset bytes and path: a mail merge checks each file once. */
const checked = new WeakMap<Uint8Array, Map<string, ImageSource>>();

function check(file: string, path: string, bytes: Uint8Array): ImageSource {
  const named = FORMATS[posix.extname(path).toLowerCase()];
  if (!named) throw imageError(file, "is not a PNG, JPEG or SVG file (by its name: .png, .jpg, .jpeg or .svg)");
  if (bytes.length > IMAGE_LIMITS.maxBytes) throw imageError(file, `has ${bytes.length} bytes; an image may have at most 5 MB (${IMAGE_LIMITS.maxBytes} bytes)`);
  const format = sniff(bytes);
  if (format !== named) throw imageError(file, `is named as ${named.toUpperCase()} but its content is ${format ? format.toUpperCase() : "not a PNG, JPEG or SVG image"}`);
  if (format === "svg") return checkSvg(file, bytes);
  let size: { width?: number; height?: number };
  try {
    size = imageSize(bytes);
  } catch (error) {
    throw imageError(file, `cannot be read as ${format.toUpperCase()} (${(error as Error).message})`);
  }
  const { width, height } = size;
  if (!width || !height) throw imageError(file, "has no width or height");
  // Byte 28 of a PNG is its IHDR's interlace method; pdfkit decodes an interlaced PNG's pixels after the page, out of order.
  if (format === "png" && bytes[28] === 1) throw imageError(file, "is an interlaced PNG; save it without interlacing");
  if (width > IMAGE_LIMITS.maxSide || height > IMAGE_LIMITS.maxSide)
    throw imageError(file, `is ${width} x ${height} px; an image may have at most ${IMAGE_LIMITS.maxSide} px a side`);
  if (width * height > IMAGE_LIMITS.maxPixels)
    throw imageError(
      file,
      `is ${width} x ${height} px (${(width * height).toLocaleString("en")} pixels); a PNG or JPEG may have at most ${IMAGE_LIMITS.maxPixels.toLocaleString("en")} pixels, which decoded take 64 MB: scale it down`,
    );
  return { file, format, mime: MIME[format], bytes, width, height, digest: createHash("sha256").update(bytes).digest("base64") };
}

/**
 * An SVG's problems, all at once (fresh user 7, item 9: one with a <script> and an <image> named only
 * the <script>): each refused element or reference, and its size, one line each naming the file.
 */
function checkSvg(file: string, bytes: Uint8Array): ImageSource {
  const text = Buffer.from(bytes).toString("utf8");
  const problems = [
    ...SVG_REFUSED.filter(({ pattern }) => pattern.test(text)).map(({ why }) => `an SVG that ${why}`),
    ...scriptingAttributes(text).map((why) => `an SVG that ${why}`),
  ];
  const noSize = "has no size: give the <svg> a viewBox, or width and height";
  let width: number | undefined;
  let height: number | undefined;
  try {
    // image-size reads an SVG's size from its width, height and viewBox attributes alone.
    ({ width, height } = imageSize(bytes));
  } catch {
    // Said below as no size.
  }
  if (!width || !height) problems.push(noSize);
  else if (width > IMAGE_LIMITS.maxSide || height > IMAGE_LIMITS.maxSide) problems.push(`is ${width} x ${height} px; an image may have at most ${IMAGE_LIMITS.maxSide} px a side`);
  if (problems.length > 0) throw new LetterpressError("TEMPLATE_ERROR", problems.map((why) => `${file}: ${why}`).join("\n"));
  return { file, format: "svg", mime: MIME.svg, bytes, width: width as number, height: height as number, digest: createHash("sha256").update(bytes).digest("base64") };
}

/**
 * Resolves an `<img src>` of the filled template to a checked file of the template's assets.
 *
 * @param where names the element for errors that name no file ("filled template line 4: <img>")
 * @throws LetterpressError TEMPLATE_ERROR naming the file (or the address) and what was expected
 */
export function resolveImage(src: string, assets: TemplateAssets | undefined, where: string): ImageSource {
  const folder = assets?.folder ?? "the template folder";
  const path = ofSomeKind(assetPath(src, folder, where), assets, folder, where);
  const file = `${folder}/${path}`;
  const asset = assets?.files.get(path);
  if (!asset) throw imageError(file, `missing (named by ${where}); an image must be a file of ${folder}/assets/`);
  if (asset.problem !== undefined) throw imageError(file, asset.problem);
  let byPath = checked.get(asset.bytes);
  if (!byPath) checked.set(asset.bytes, (byPath = new Map()));
  let source = byPath.get(file);
  if (!source) {
    source = check(file, path, asset.bytes);
    byPath.set(file, source);
  }
  return source;
}

/**
 * The kinds an image named without one is looked for as, in this order (templates/VOCABULARY.md, "An image of any kind"):
 * `src="assets/signatures/{{id}}"` finds `<id>.svg`, `<id>.png`, `<id>.jpg` or `<id>.jpeg`, so one signatory's signature
 * may be a scan and another's a drawing.
 */
export const IMAGE_KINDS: readonly string[] = [".svg", ".png", ".jpg", ".jpeg"];

/**
 * The asset a src names: itself when its name ends in an image kind (.svg, .png, .jpg, .jpeg), else the one file of
 * that name with a kind (`IMAGE_KINDS`). None found is a missing file naming every name tried; two or more is an
 * error naming each, since which one the letter should show is the template's to say.
 */
function ofSomeKind(path: string, assets: TemplateAssets | undefined, folder: string, where: string): string {
  if (IMAGE_KINDS.includes(posix.extname(path).toLowerCase())) return path;
  const found = IMAGE_KINDS.map((kind) => `${path}${kind}`).filter((candidate) => assets?.files.has(candidate));
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    // A file of that very name (no kind) is read, and refused by its name (`check`).
    if (assets?.files.has(path)) return path;
    throw imageError(
      `${folder}/${path}`,
      `missing (named by ${where}): an image named without a kind is looked for as ${IMAGE_KINDS.map((kind) => `${posix.basename(path)}${kind}`).join(", ")} in ${folder}/${posix.dirname(path)}/, and none is there; expected one of them`,
    );
  }
  throw imageError(
    `${folder}/${path}`,
    `is ambiguous (named by ${where}): ${found.map((candidate) => `${folder}/${candidate}`).join(" and ")} are both there; keep one, or name the file with its kind`,
  );
}

const dataUris = new WeakMap<Uint8Array, string>();

/** The image as a `data:` URI, for the HTML edition (its CSP allows `img-src data:` and nothing else). */
export function imageDataUri(image: ImageSource): string {
  let uri = dataUris.get(image.bytes);
  if (!uri) dataUris.set(image.bytes, (uri = `data:${image.mime};base64,${Buffer.from(image.bytes).toString("base64")}`));
  return uri;
}

const digests = new WeakMap<TemplateAssets, string>();

/** A digest of a template's image files, for the PDF's file identifier (which derives from everything that makes the bytes). */
export function assetsDigest(assets: TemplateAssets | undefined): string {
  if (!assets || assets.files.size === 0) return "";
  let digest = digests.get(assets);
  if (digest === undefined) {
    const hash = createHash("sha256");
    for (const [path, asset] of [...assets.files].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`${path}\u0000`).update(asset.bytes ?? asset.problem);
    digests.set(assets, (digest = hash.digest("base64")));
  }
  return digest;
}
