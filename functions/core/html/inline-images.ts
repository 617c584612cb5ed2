import { type DefaultTreeAdapterTypes, parseFragment } from "parse5";
import { describeImage, readImageElement } from "../images/image-element";
import { imageDataUri, resolveImage, type TemplateAssets } from "../images/image-source";

type Node = DefaultTreeAdapterTypes.Node;
type Element = DefaultTreeAdapterTypes.Element;

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
}

/**
 * The filled template with every `<img src>` replaced by the image's bytes as a `data:` URI, so
 * the page loads nothing and its Content-Security-Policy needs only `img-src data:`. Every image
 * is checked as the PDF checks it (alt text, a file of the template's assets), with the same
 * errors. The rest of the fragment is kept byte for byte.
 *
 * @throws LetterpressError TEMPLATE_ERROR naming the image's file or the element
 */
export function inlineImages(fragment: string, assets: TemplateAssets | undefined): string {
  // Most letters show no image: no parse for them.
  if (!/<img\b/i.test(fragment)) return fragment;
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: Node) => {
    if ("tagName" in node) {
      const element = node as Element;
      if (element.tagName === "img") {
        const location = element.sourceCodeLocation;
        const where = `filled template line ${location?.startLine ?? "?"}: ${describeImage(element.attrs)}`;
        const { src } = readImageElement(element.attrs, where);
        const uri = imageDataUri(resolveImage(src, assets, where));
        const at = location?.attrs?.src;
        if (at) edits.push({ start: at.startOffset, end: at.endOffset, text: `src="${escapeAttribute(uri)}"` });
      }
      if (element.tagName === "template") visit((element as DefaultTreeAdapterTypes.Template).content);
    }
    if ("childNodes" in node) for (const child of (node as DefaultTreeAdapterTypes.ParentNode).childNodes) visit(child);
  };
  visit(parseFragment(fragment, { sourceCodeLocationInfo: true }));
  let out = "";
  let from = 0;
  for (const edit of edits.sort((a, b) => a.start - b.start)) {
    out += fragment.slice(from, edit.start) + edit.text;
    from = edit.end;
  }
  return out + fragment.slice(from);
}
