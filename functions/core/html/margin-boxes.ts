import type { LocaleInfo } from "../locales";
import type { FontLibrary } from "../pdf/font-library";
import { Composer, type MarginBoxPosition } from "../pdf/layout";
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
 * `@page` rules that replace the content of every margin box the stylesheet bounds to one line
 * (`white-space: nowrap; overflow: hidden`) and whose text does not fit, with the text the PDF
 * prints there. Only boxes of plain text are cut here: a box with page counters or running
 * strings prints other text on each page, which a stylesheet cannot say page by page.
 */
export function marginBoxCuts(fonts: FontLibrary, locale: LocaleInfo, { styled }: StyledLetter): string {
  const composer = new Composer({ fonts, locale, styled });
  const cutsOf = (style: PageStyle) => {
    const cuts = new Map<MarginBoxName, string>();
    for (const edge of ["top", "bottom"] as const) {
      const texts = new Map<MarginBoxPosition, string>();
      for (const position of ["left", "center", "right"] as const) {
        const box = style.boxes[`${edge}-${position}`];
        if (box?.content.every((part) => part.kind === "text")) texts.set(position, box.content.map((part) => (part.kind === "text" ? part.text : "")).join(""));
      }
      for (const [position, { text }] of composer.marginBoxRow(style, edge, texts)) {
        if (text !== texts.get(position)) cuts.set(`${edge}-${position}`, text);
      }
    }
    return cuts;
  };
  const first = cutsOf(styled.page(true));
  const other = cutsOf(styled.page(false));
  const rule = (selector: string, cuts: ReadonlyMap<MarginBoxName, string>) =>
    cuts.size === 0 ? [] : [`${selector} { ${[...cuts].map(([name, text]) => `@${name} { content: ${cssString(text)}; }`).join(" ")} }`];
  return [...rule("@page", other), ...rule("@page :first", first)].join("\n");
}
