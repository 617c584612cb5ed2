import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocaleId } from "../../../functions/core/locales";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { BUNDLE_FILES } from "../../../functions/fonts/font-files";
import { assetPath, loadFontLibrary } from "../../../functions/fonts/load-font-library";
import {
  fixture,
  footerTitle,
  fragmentText,
  normalize,
  options,
  pdfInfo,
  pdfjsPages,
  popplerPages,
  render,
  run,
  similarity,
  stylesheetsFor,
  toFile,
  withoutFooters,
} from "./pdf-inspect";

const LETTERS: readonly { locale: LocaleId; file: string; pages: number; font: RegExp }[] = [
  { locale: "en", file: "letter-en.html", pages: 2, font: /NotoSerif/ },
  { locale: "fr", file: "letter-fr.html", pages: 2, font: /NotoSerif/ },
  { locale: "ru", file: "letter-ru.html", pages: 2, font: /NotoSerif/ },
  { locale: "zh", file: "letter-zh.html", pages: 2, font: /NotoSansSC/ },
  { locale: "ar", file: "letter-ar.html", pages: 2, font: /NotoNaskhArabic/ },
  { locale: "ko", file: "letter-ko.html", pages: 2, font: /NotoSansKR/ },
];

/** Uncompressed PDF text (qpdf --qdf) so content streams and dictionaries can be searched. */
function qdf(file: string): string {
  const out = `${file}.qdf`;
  run("qpdf", ["--qdf", "--object-streams=disable", file, out]);
  return readFileSync(out, "latin1");
}

describe.each(LETTERS)("the $locale letter", ({ locale, file, pages, font }) => {
  let pdf: Buffer;
  let path: string;
  beforeAll(async () => {
    pdf = await render(file, locale);
    path = toFile(pdf);
  });

  test("extracts, with pdftotext and with pdf.js, as the fragment's words in reading order", () => {
    const html = fixture(file);
    const expected = normalize(fragmentText(html));
    for (const [tool, pagesText] of [
      ["pdftotext", popplerPages(path)],
      ["pdf.js", pdfjsPages(path)],
    ] as const) {
      const ratio = similarity(expected, withoutFooters(pagesText, footerTitle(html)));
      // The exact ratio shows in the failure message.
      expect({ tool, ratio: ratio >= 0.98 ? "≥ 0.98" : ratio }).toEqual({ tool, ratio: "≥ 0.98" });
    }
  });

  test(`has ${pages} pages, each with its localized page label`, () => {
    expect(pdfInfo(path).Pages).toBe(String(pages));
    popplerPages(path).forEach((page, i) => expect(page).toContain(`Page ${i + 1} of ${pages}`));
  });

  test("embeds every font as a subset", () => {
    const rows = run("pdffonts", [path]).split("\n").slice(2).filter(Boolean);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(/^[A-Z]{6}\+\S+\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    expect(rows.some((row) => font.test(row))).toBe(true);
    const raw = qdf(path);
    expect(raw.match(/\/FontFile2/g)?.length).toBe(rows.length);
  });

  test("carries metadata, language, a structure tree and the PDF/A-2a identification", () => {
    const info = pdfInfo(path);
    expect(info).toMatchObject({
      Title: `Joint letter (${locale})`,
      Author: "Amnesty International & Human Rights Watch",
      Subject: "North Korean human rights",
      Keywords: `DPRK, Security Council, ${locale}`,
      Tagged: "yes",
    });
    const raw = qdf(path);
    expect(raw).toContain(`/Lang (${options(locale).locale.tag})`);
    expect(raw).toContain("/StructTreeRoot");
    for (const tag of ["Document", "H1", "H2", "P", "BlockQuote", "L", "LI", "Lbl", "LBody"]) expect(raw).toContain(`/S /${tag}\n`);
    // Translations carry the "unofficial translation" notice, tagged as a note.
    if (locale !== "en") expect(raw).toContain("/S /Note\n");
    expect(raw).toContain("<pdfaid:part>2</pdfaid:part>");
    expect(raw).toContain("<pdfaid:conformance>A</pdfaid:conformance>");
    expect(raw).toContain("Amnesty International &amp; Human Rights Watch</rdf:li>");
  });

  test("passes qpdf --check", () => {
    expect(run("qpdf", ["--check", path])).toContain("No syntax or stream encoding errors");
  });
});

describe("deterministic bytes", () => {
  test("two renders of the same letter are byte-identical", async () => {
    const first = await render("letter-ar.html", "ar");
    const second = await render("letter-ar.html", "ar");
    expect(second.equals(first)).toBe(true);
  });

  test("the same stylesheets read from another folder give the same bytes (the /ID hashes what they say, not where they were)", async () => {
    const sheets = stylesheetsFor("en", "A4");
    const moved = sheets.map((sheet) => ({ ...sheet, name: `/elsewhere/copy-of-templates/${sheet.name}` }));
    expect(moved.map((sheet) => sheet.name)).not.toEqual(sheets.map((sheet) => sheet.name));
    const here = await renderPdf(fixture("letter-en.html"), options("en", { stylesheets: sheets }));
    const there = await renderPdf(fixture("letter-en.html"), options("en", { stylesheets: moved }));
    expect(there.equals(here)).toBe(true);
  });

  test("a render with cold caches equals one with warm caches", async () => {
    const fonts = loadFontLibrary();
    const warm = await renderPdf(fixture("letter-zh.html"), options("zh", { fonts }));
    fonts.caches.clear();
    const cold = await renderPdf(fixture("letter-zh.html"), options("zh", { fonts }));
    expect(cold.equals(warm)).toBe(true);
  });

  test("a letter's bytes do not depend on the letters the process rendered before it", async () => {
    // Shaped glyphs are shared across documents and remember the subset glyph their last document
    // gave them (pdf-writer's MainGlyph): a letter drawing other words first numbers its glyphs
    // otherwise, and must not leave its numbers to the next letter.
    // Arabic with vowel marks: a cluster's marks are invisible glyphs the record remembers too (invisibleCodes).
    const cases: readonly [LocaleId, string, string, string][] = [
      ["en", "letter-en.html", "Excellencies,", "Zoë’s jukebox quietly vexed few Excellencies,"],
      ["ar", "letter-ar.html", "سعادة", "بِسْمِ الْكَلِمَاتِ الْمُشَكَّلَةِ سعادة"],
    ];
    for (const [locale, file, word, words] of cases) {
      const html = fixture(file);
      const other = html.replace(word, words);
      expect(other).not.toBe(html);
      const alone = await renderPdf(html, options(locale, { fonts: loadFontLibrary() }));
      const fonts = loadFontLibrary();
      const before = await renderPdf(other, options(locale, { fonts }));
      const after = await renderPdf(html, options(locale, { fonts }));
      const again = await renderPdf(other, options(locale, { fonts }));
      expect(after.equals(alone)).toBe(true);
      expect(again.equals(before)).toBe(true);
      expect(before.equals(alone)).toBe(false);
    }
  });

  test("one comma more changes the bytes and the document ID", async () => {
    const html = fixture("letter-en.html");
    const changed = html.replace("Excellencies,", "Excellencies,,");
    expect(changed).not.toBe(html);
    const a = await renderPdf(html, options("en"));
    const b = await renderPdf(changed, options("en"));
    expect(b.equals(a)).toBe(false);
    const id = (pdf: Buffer) => /\/ID \[<([0-9a-f]+)>/.exec(pdf.toString("latin1"))?.[1];
    expect(id(a)).toMatch(/^[0-9a-f]{32}$/);
    expect(id(b)).not.toBe(id(a));
  });

  test("fonts read from a bundle's flat font directory give the same bytes as from node_modules", async () => {
    // 70 MB of fonts: removed when done, or every run of the suite leaves a copy in the temp folder.
    const dir = mkdtempSync(join(tmpdir(), "letterpress-fonts-"));
    try {
      for (const file of BUNDLE_FILES) copyFileSync(assetPath(file), join(dir, file.fileName));
      const fromModules = await render("letter-ru.html", "ru");
      const fromBundle = await render("letter-ru.html", "ru", { fonts: loadFontLibrary(dir) });
      expect(fromBundle.equals(fromModules)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("font fallback", () => {
  test("sets a Korean name, Chinese, Cyrillic and Arabic inside English text with no .notdef glyph", async () => {
    const path = toFile(await render("mixed-scripts.html", "en"));
    const fonts = run("pdffonts", [path]);
    for (const name of ["NotoSerif-Regular", "NotoSansKR", "NotoSansSC", "NotoNaskhArabic"]) expect(fonts).toContain(name);
    // Glyph id 0 of every subset is .notdef; no text operator may show it.
    // Identity-H: every glyph is two bytes; a TJ string holds a run of them ("<00120034>").
    const shown = (qdf(path).match(/\[[^\]\n]*\] TJ/g) ?? [])
      .flatMap((tj) => tj.match(/<[0-9a-f]+>/g) ?? [])
      .flatMap((hex) => (hex.slice(1, -1).match(/[0-9a-f]{4}/g) ?? []).map((code) => `<${code}>`));
    expect(shown.length).toBeGreaterThan(300);
    expect(shown.filter((hex) => hex === "<0000>")).toEqual([]);
    const text = popplerPages(path).join("");
    for (const words of ["김영희", "김철수", "中国当局", "Я никогда не забуду"]) expect(text).toContain(words);
    expect(similarity(normalize(fragmentText(fixture("mixed-scripts.html"))), withoutFooters(popplerPages(path), "Testimony"))).toBeGreaterThanOrEqual(0.98);
  });

  test("rejects a character no shipped font covers, naming its code point and the text around it", async () => {
    await expect(render("uncovered-character.html", "en")).rejects.toThrow(/U\+13000 .*the seated man 𓀀, has no glyph/);
  });
});

describe("the letter vocabulary", () => {
  test("rejects an element outside the vocabulary, naming it", async () => {
    const html = '<article class="letter" lang="en" dir="ltr"><p>Hello <marquee>world</marquee></p></article>';
    await expect(renderPdf(html, options("en"))).rejects.toThrow(/<marquee>/);
  });

  test("sets an element of any class in the look its stylesheet gives the class", async () => {
    const html = '<article class="letter" lang="en" dir="ltr"><p class="fancy">Hello</p></article>';
    const css = `${fixture("../../../templates/un-security-council/print.css")}\n.fancy { font-size: 20pt; }`;
    const path = toFile(await renderPdf(html, options("en", { stylesheets: stylesheetsFor("en", "A4", css) })));
    const word = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">Hello<\/word>/.exec(run("pdftotext", ["-bbox", path, "-"]));
    expect(Number(word![4]) - Number(word![2])).toBeGreaterThan(20);
  });

  test("names an element the stylesheet gives a look the PDF cannot set yet, with its line", async () => {
    const html = '<article class="letter" lang="en" dir="ltr">\n<p>One</p>\n<p>Two <strong>three</strong></p>\n</article>';
    const withCss = (css: string) => options("en", { stylesheets: stylesheetsFor("en", "A4", `${fixture("../../../templates/un-security-council/print.css")}\n${css}`) });
    await expect(renderPdf(html, withCss("strong { color: #aa0000; }"))).rejects.toThrow(
      "filled template line 3: <strong> sets color apart from its paragraph; the PDF sets a paragraph's text in one color, spacing and line-height",
    );
    await expect(renderPdf(html, withCss("p { display: table-cell; }"))).rejects.toThrow(
      "filled template line 2: <p> has display: table-cell outside a table; the PDF lays out table parts inside a display: table only",
    );
  });

  test("sets US Letter when asked", async () => {
    const path = toFile(await render("letter-en.html", "en", { stylesheets: stylesheetsFor("en", "Letter", undefined, footerTitle(fixture("letter-en.html"))) }));
    expect(pdfInfo(path)["Page size"]).toMatch(/^612 x 792 pts/);
  });
});

describe("words wider than the line", () => {
  // A4 with 22 mm side margins: the text block ends 62.36 pt before the page's right edge.
  const RIGHT_EDGE_OF_TEXT = 595.28 - 22 * (72 / 25.4);

  test("are broken between characters to stay inside the margins (overflow-wrap: break-word), keeping every character", async () => {
    const path = toFile(await render("long-words.html", "en"));
    const boxes = [...run("pdftotext", ["-bbox", path, "-"]).matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)].map((m) => ({
      xMax: Number(m[2]),
      word: m[3]!,
    }));
    expect(boxes.length).toBeGreaterThan(10);
    const beyond = boxes.filter((box) => box.xMax > RIGHT_EDGE_OF_TEXT + 0.5);
    expect(beyond).toEqual([]);
    // Nothing lost: the text, with the line breaks taken out, holds both long words whole (pdf.js:
    // poppler drops a hyphen that ends a line, taking it for hyphenation).
    const text = pdfjsPages(path).join("").replace(/\s+/g, "");
    expect(text).toContain(
      "https://www.example.org/reports/2015/dprk/commission-of-inquiry/detailed-findings-of-the-commission-of-inquiry-on-human-rights-in-the-democratic-peoples-republic-of-korea-A-HRC-25-CRP-1-full-text-with-annexes.pdf",
    );
    expect(text).toContain("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".repeat(4));
  });
});
