import { imageDataUri, type TemplateAssets } from "../images/image-source";
import type { LocaleInfo } from "../locales";
import type { FontLibrary } from "../pdf/font-library";
import { Composer, type MarginBoxImage, type MarginBoxPosition, PT_PER_PX } from "../pdf/layout";
import type { MarginBoxName, PageStyle } from "../style";
import { cssString } from "../style/document-stylesheets";
import type { StyledLetter } from "./web-fonts";

/**
 * Chromium lays out `@page` margin boxes but paints their overflow unclipped: `overflow: hidden`
 * and `text-overflow: ellipsis` do nothing there (measured with Chromium 156 printing a 600-character
 * title on Letter: the title ran over "Page 1 of 2"). So the HTML edition cuts a bounded margin box's
 * text itself, as the PDF does (`Composer.marginBoxRow`, the same widths and the same embedded
 * fonts), and prints the cut text as the box's `content`.
 */

/**
 * A margin box's image as CSS content of the PDF's size: a PNG or JPEG at the resolution that
 * gives it that size; an SVG with that size as its root's `width` and `height` (Chromium gives an
 * SVG of a viewBox alone no natural size, and draws it as wide as it likes, measured).
 */
function imageOfSize({ source, width, height }: MarginBoxImage): string {
  if (source.format !== "svg") return `image-set(url("${imageDataUri(source)}") ${((source.width * PT_PER_PX) / width).toFixed(6)}x)`;
  const text = Buffer.from(source.bytes).toString("utf8");
  const sized = text.replace(/<svg\b[^>]*>/i, (tag) =>
    tag
      .replace(/\s(?:width|height)\s*=\s*(?:"[^"]*"|'[^']*')/gi, "")
      .replace(/^<svg/i, `<svg width="${(width / PT_PER_PX).toFixed(3)}" height="${(height / PT_PER_PX).toFixed(3)}"`),
  );
  return `url("data:image/svg+xml;base64,${Buffer.from(sized).toString("base64")}")`;
}

/**
 * `@page` rules that make Chromium print the margin boxes the PDF prints: every box of plain text
 * whose text the PDF cuts (bounded by the stylesheet to one line, `white-space: nowrap; overflow:
 * hidden`, or taller than its margin area when wrapped) prints the cut text, on one line; and in a
 * row whose text does not fit on one line, each box of plain text has the width the PDF gives it
 * (`Composer.marginBoxWidths`), the others take the rest. Only boxes of plain text are changed
 * here: a box with page counters or running strings prints other text on each page, which a
 * stylesheet cannot say page by page.
 *
 * A margin box of an image (`content: url("assets/logo.svg")`) is drawn by Chromium 156 only beside
 * text, at a size CSS cannot set (a lone `url()` draws nothing; a content image takes no `width`). So its rule becomes what Chromium draws as the PDF does (measured): the image as a `data:`
 * URI of the PDF's size (`imageOfSize`), then a no-break space
 * of a tenth of a pixel (Chromium generates no margin box without text; pdftotext and pdf.js copy
 * nothing of it), on lines of no height (the line is the image's height, centred in the margin), in
 * a box of the PDF's width, aligned to the PDF's side. Content, not a background: Chromium prints
 * no background of a margin box unless the reader asks for background graphics.
 */
export function marginBoxCuts(fonts: FontLibrary, locale: LocaleInfo, { styled }: StyledLetter, images?: TemplateAssets): string {
  const composer = new Composer({ fonts, locale, styled, images });
  const cutsOf = (style: PageStyle) => {
    const cuts = new Map<MarginBoxName, { text: string | null; width: number; image?: MarginBoxImage }>();
    for (const edge of ["top", "bottom"] as const) {
      const texts = new Map<MarginBoxPosition, string>();
      const plain = new Set<MarginBoxPosition>();
      for (const position of ["left", "center", "right"] as const) {
        const box = style.boxes[`${edge}-${position}`];
        if (!box) continue;
        // A box with counters is sized as the PDF sizes it, though only plain text can be cut here.
        texts.set(position, composer.marginBoxTextBeforeLayout(box.content));
        if (box.content.every((part) => part.kind === "text")) plain.add(position);
      }
      const row = composer.marginBoxRow(style, edge, texts);
      // A row whose text does not fit on one line is sized by the PDF's rule: its plain boxes without
      // a width of the stylesheet's say the one the PDF gives them.
      const squeezed = [...row.values()].some((box) => box.squeezed);
      for (const [position, { text, width, cut, image }] of row) {
        if (image) {
          cuts.set(`${edge}-${position}`, { text: null, width, image });
          continue;
        }
        const sized = squeezed && style.boxes[`${edge}-${position}`]!.style.width === "auto";
        if (plain.has(position) && (cut || sized)) cuts.set(`${edge}-${position}`, { text: cut ? text : null, width });
      }
    }
    return cuts;
  };
  const first = cutsOf(styled.page(true));
  const other = cutsOf(styled.page(false));
  // The cut text on one line, in the width the PDF gave it: Chromium sizes the row's other boxes
  // from it as the PDF does (a side box beside a declared one takes the rest).
  const box = ({ text, width, image }: { text: string | null; width: number; image?: MarginBoxImage }) =>
    image
      ? `content: ${imageOfSize(image)} "\\a0"; width: ${width.toFixed(3)}pt; height: auto; text-align: ${image.align}; font-size: 0.1px; line-height: 0; letter-spacing: 0;`
      : `${text === null ? "" : `content: ${cssString(text)}; white-space: nowrap; `}width: ${width.toFixed(3)}pt;`;
  const rule = (selector: string, cuts: ReadonlyMap<MarginBoxName, { text: string | null; width: number; image?: MarginBoxImage }>) =>
    cuts.size === 0 ? [] : [`${selector} { ${[...cuts].map(([name, cut]) => `@${name} { ${box(cut)} }`).join(" ")} }`];
  return [...rule("@page", other), ...rule("@page :first", first)].join("\n");
}
