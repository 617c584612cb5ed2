import { PAGE_SIZES, pageSizeOf } from "../../../functions/core/style/stylesheet";
import { parseValue } from "../../../functions/core/style/values";
import { templatePageSize } from "../../../functions/core/template/template-page-size";
import { paperConflict } from "../../../local/paper-flag";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { localeInfo } from "../../../functions/core/locales";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { documentStylesheets } from "../../../functions/core/style/document-stylesheets";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { toFile } from "../pdf/pdf-inspect";
import { pageSizes } from "../../support/fragment-editions";
import { TEMPLATES_DIR } from "../../support/letters";

/**
 * `size` by CSS Paged Media 3's grammar, `<length>{1,2} | auto | [ <page-size> || [ portrait | landscape ] ]`:
 * a value outside it is a declaration a browser drops (its page then the default paper), so the PDF
 * must not print it as something else; an orientation alone turns the run's paper (fresh user 13).
 */
const sizeOf = (value: string, paper?: readonly [number, number]) => pageSizeOf(parseValue(value), { em: 12, rem: 12 }, paper);
const LETTER = PAGE_SIZES.letter!;

describe("the size property's grammar", () => {
  it.each([
    ["A5 landscape landscape", /two orientations/],
    ["portrait landscape", /two orientations/],
    ["B5 jis-b5", /two page sizes/],
    ["a4 a4", /two page sizes/],
    ["8in 5in landscape", /lengths stand alone/],
    ["A5 148mm", /lengths stand alone/],
    ["landscape 8in", /lengths stand alone/],
  ])("refuses %s, which a browser drops", (value, expected) => {
    expect(() => sizeOf(value)).toThrow(expected);
  });

  it("takes a name and an orientation in either order, once each", () => {
    expect(sizeOf("landscape A5")).toEqual(sizeOf("A5 landscape"));
    expect(sizeOf("portrait ledger")).toEqual([...PAGE_SIZES.ledger!]);
  });

  it("turns the run's paper when the value is an orientation alone, and sets no paper of its own", () => {
    expect(sizeOf("landscape", LETTER)).toEqual([LETTER[1], LETTER[0]]);
    expect(sizeOf("portrait", LETTER)).toEqual([...LETTER]);
    expect(templatePageSize("x/print.css", "@page { size: portrait }")).toBeUndefined();
    expect(templatePageSize("x/print.css", "@page { size: landscape }")).toBeUndefined();
    // So --paper letter is no conflict with it: the template says which way, --paper says which paper.
    expect(paperConflict("letter", "Letter", templatePageSize("x/print.css", "@page { size: landscape }"), ["a"])).toBeUndefined();
    expect(paperConflict("letter", "Letter", templatePageSize("x/print.css", "@page { size: A5 }"), ["a"])).toMatch(/decides the paper/);
  });

  it("prints an orientation alone on the run's paper in the PDF", async () => {
    const fonts = await loadFontLibrary();
    const sizes: Record<string, [number, number][]> = {};
    for (const paper of ["A4", "Letter"] as const) {
      const stylesheets = documentStylesheets(
        { userAgent: readFileSync(join(TEMPLATES_DIR, "ua.css"), "utf8"), author: "@page { size: landscape; margin: 20mm }" },
        { script: "Latn", paper, pageLabel: (page, count) => `${page}/${count}` },
      );
      const metadata = { title: "t", author: "a", subject: "s", keywords: [], creationDate: new Date(0) };
      const pdf = await renderPdf('<article class="letter"><p>A landscape letter.</p></article>', { locale: localeInfo("en"), stylesheets, metadata, fonts });
      sizes[paper] = pageSizes(toFile(pdf)).map(([width, height]) => [Math.round(width), Math.round(height)]);
    }
    expect(sizes).toEqual({ A4: [[842, 595]], Letter: [[792, 612]] });
  });
});
