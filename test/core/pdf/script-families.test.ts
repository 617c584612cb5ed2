import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LocaleInfo } from "../../../functions/core/locales";
import { FAMILIES, primaryFamilyOf } from "../../../functions/core/pdf/font-library";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { documentStylesheets } from "../../../functions/core/style/document-stylesheets";
import { SEED_TEMPLATE_DIR, TEMPLATES_DIR } from "../../support/letters";
import { fixture, footerTitle, options, PAGE_LABEL, run, toFile } from "./pdf-inspect";

/*
 * The script families added to the registry for issue 13 item 3 (a `ta` or `km` language used to be
 * refused: no shipped face drew Tamil or Khmer). Each fixture is set in its own family, regular and
 * bold, with no .notdef glyph; text-extraction.test.ts holds the same fixtures to an exact copy in
 * poppler and pdf.js.
 */
const ADDED: readonly { tag: string; script: string; file: string }[] = [
  { tag: "ta", script: "Taml", file: "script-tamil.html" },
  { tag: "te", script: "Telu", file: "script-telugu.html" },
  { tag: "kn", script: "Knda", file: "script-kannada.html" },
  { tag: "ml", script: "Mlym", file: "script-malayalam.html" },
  { tag: "gu", script: "Gujr", file: "script-gujarati.html" },
  { tag: "pa", script: "Guru", file: "script-gurmukhi.html" },
  { tag: "or", script: "Orya", file: "script-oriya.html" },
  { tag: "si", script: "Sinh", file: "script-sinhala.html" },
  { tag: "km", script: "Khmr", file: "script-khmer.html" },
  { tag: "lo", script: "Laoo", file: "script-lao.html" },
  { tag: "my", script: "Mymr", file: "script-myanmar.html" },
  { tag: "ka", script: "Geor", file: "script-georgian.html" },
  { tag: "hy", script: "Armn", file: "script-armenian.html" },
  { tag: "am", script: "Ethi", file: "script-ethiopic.html" },
];

/** Uncompressed PDF text (qpdf --qdf) so content streams can be searched. */
function qdf(file: string): string {
  const out = `${file}.qdf`;
  run("qpdf", ["--qdf", "--object-streams=disable", file, out]);
  return readFileSync(out, "latin1");
}

describe.each(ADDED)("a $tag document ($script)", ({ tag, script, file }) => {
  const family = FAMILIES[primaryFamilyOf(script)];
  let path: string;
  beforeAll(async () => {
    const html = fixture(file);
    const stylesheets = documentStylesheets(
      { userAgent: readFileSync(join(TEMPLATES_DIR, "ua.css"), "utf8"), author: readFileSync(join(SEED_TEMPLATE_DIR, "print.css"), "utf8") },
      { script, paper: "A4", pageLabel: PAGE_LABEL, runningTitle: footerTitle(html) },
    );
    const locale: LocaleInfo = { id: tag, tag, dir: "ltr", script } as LocaleInfo;
    path = toFile(await renderPdf(html, options("en", { locale, stylesheets })));
  });

  it("has a family of its own in the registry", () => {
    expect(family.name).not.toBe(FAMILIES.serif.name);
  });

  it("embeds that family's regular and bold faces", () => {
    const postScript = family.name.replaceAll(" ", "");
    const fonts = run("pdffonts", [path]);
    expect({ regular: fonts.includes(`${postScript}-Regular`), bold: fonts.includes(`${postScript}-Bold`) }).toEqual({ regular: true, bold: true });
  });

  it("shows no .notdef glyph", () => {
    // Glyph id 0 of every subset is .notdef; Identity-H strings hold two bytes a glyph.
    const shown = (qdf(path).match(/\[[^\]\n]*\] TJ|<[0-9a-f]+> Tj/g) ?? [])
      .flatMap((op) => op.match(/<[0-9a-f]+>/g) ?? [])
      .flatMap((hex) => hex.slice(1, -1).match(/[0-9a-f]{4}/g) ?? []);
    expect(shown.length).toBeGreaterThan(50);
    expect(shown.filter((glyph) => glyph === "0000")).toEqual([]);
  });
});
