import { createHash } from "node:crypto";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import { faceOf, isTemplateFont, templateFamilyId } from "../../functions/core/pdf/font-library";
import { assignFamilies } from "../../functions/core/pdf/shaping";
import { type DocumentRenderer, renderDocument } from "../../functions/core/render-document";
import { matchFace } from "../../functions/core/style/font-faces";
import { parseStylesheets, StyleError } from "../../functions/core/style/stylesheet";
import { loadFontLibrary } from "../../functions/fonts/load-font-library";
import { loadLetter } from "../../functions/letters/load-letters";
import { asPreparedTemplates, parsePreparedStylesheet, stylesheetKey } from "../../functions/core/template/prepared-templates";
import { createRenderer } from "../../functions/render/create-renderer";
import { checkedTemplateLibrary } from "../../functions/templates/check-templates";
import { loadTemplateSet } from "../../functions/templates/load-template-set";
import { popplerPages, run, toFile } from "../core/pdf/pdf-inspect";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";
import { compareEditions, printBothEditions } from "../support/edition-comparison";
import { preparedTemplatesModule } from "../../infra/bundling/prepare-templates";
import { DATA_DIR, TEMPLATES_DIR } from "../support/letters";

/**
 * A template brings its own type: Source Serif 4 (SIL OFL, test/fixtures/fonts/source-serif-4, a
 * family the registry does not ship) in the template folder's fonts/, declared by @font-face in its
 * print.css and named first in the body's font-family. Both editions set the letter in it.
 */
const LETTER = "committee-hearing-defenders";
const FONTS = join(__dirname, "../fixtures/fonts/source-serif-4");
const REGULAR = readFileSync(join(FONTS, "SourceSerif4-Regular.ttf"));
const BOLD = readFileSync(join(FONTS, "SourceSerif4-Bold.ttf"));
const hashOf = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex").slice(0, 32);
const MM = 72 / 25.4;
const BRAND_CSS = [
  '@font-face { font-family: "Brand Serif"; src: url("fonts/SourceSerif4-Regular.ttf"); font-weight: 400; font-style: normal; }',
  '@font-face { font-family: "Brand Serif"; src: url("fonts/SourceSerif4-Bold.ttf") format("truetype"); font-weight: 700; }',
  'body { font-family: "Brand Serif", var(--font-body); }',
].join("\n");

/** A templates folder: the shipped ones and `name`, a copy of parliamentary-committee with the font files and `css` appended to its print.css. */
function templatesWith(root: string, name: string, css: string, files: Record<string, Buffer> = {}): string {
  const templates = join(root, "templates");
  cpSync(TEMPLATES_DIR, templates, { recursive: true });
  const folder = join(templates, name);
  cpSync(join(templates, "parliamentary-committee"), folder, { recursive: true });
  mkdirSync(join(folder, "fonts"));
  for (const [file, bytes] of Object.entries(files)) writeFileSync(join(folder, file), bytes);
  appendFileSync(join(folder, "print.css"), `\n${css}\n`);
  return templates;
}

describe("a template's own typeface (@font-face with its files in the template folder)", () => {
  let root: string;
  let renderer: DocumentRenderer;
  let parsed: ParsedLetter;
  let launched: LaunchedBrowser | undefined;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "letterpress-fontface-"));
    const templates = templatesWith(root, "my-org", BRAND_CSS, { "fonts/SourceSerif4-Regular.ttf": REGULAR, "fonts/SourceSerif4-Bold.ttf": BOLD });
    cpSync(join(DATA_DIR, LETTER), join(root, "data", LETTER), { recursive: true });
    const facts = join(root, "data", LETTER, "letter.json");
    writeFileSync(facts, JSON.stringify({ ...JSON.parse(readFileSync(facts, "utf8")), template: "my-org" }));
    renderer = await createRenderer({ templatesDir: templates, paper: "A4" });
    parsed = await loadLetter(join(root, "data"), LETTER);
  });
  afterAll(async () => {
    await launched?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it.each(["en", "de"] as const)("in %s: the PDF embeds subsets of the template's faces (ToUnicode, PDF/A) and its text copies back", async (locale) => {
    const pdf = toFile((await renderDocument(renderer, parsed, { letterId: LETTER, locale, recipientId: null, format: "pdf" })).bytes);
    const rows = run("pdffonts", [pdf]).split("\n").slice(2).filter(Boolean);
    // Body in the regular face, headings and the sender in the bold one; the footer keeps Noto Sans.
    expect(rows.filter((row) => /\+SourceSerif4-(Regular|Bold)\s/.test(row)).length).toBe(2);
    expect(rows.some((row) => /NotoSerif-Regular/.test(row))).toBe(false);
    for (const row of rows) expect(row).toMatch(/^[A-Z]{6}\+\S+\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    const raw = run("qpdf", ["--qdf", "--object-streams=disable", pdf, "-"]);
    expect(raw.match(/\/FontFile2/g)?.length).toBe(rows.length);
    expect(raw).toContain("<pdfaid:part>2</pdfaid:part>");
    expect(run("qpdf", ["--check", pdf])).toContain("No syntax or stream encoding errors");
    const text = popplerPages(pdf).join("\n").replace(/\s+/g, " ");
    expect(text).toContain(locale === "en" ? "Dear Chair, dear Members of the Committee," : "Sehr geehrte");
  });

  it("the HTML edition embeds the faces under the family's name, and not the template's file URLs", async () => {
    const html = (await renderDocument(renderer, parsed, { letterId: LETTER, locale: "en", recipientId: null, format: "html" })).bytes.toString("utf8");
    const rules =
      html.match(/@font-face \{ font-family: "brand serif"; font-weight: [^;]+; font-style: normal; font-display: block; src: url\(data:font\/woff2;base64,[A-Za-z0-9+/=]+\)/g) ??
      [];
    expect(rules.map((rule) => /font-weight: ([^;]+);/.exec(rule)![1]).sort()).toEqual(["1 599", "600 1000"]);
    expect(html).not.toContain("fonts/SourceSerif4");
    expect(html).not.toContain("letterpress-sha256");
  });

  const itInBrowser = browserAvailable() ? it : it.skip;

  itInBrowser("Chromium prints the HTML edition in the template's faces, breaking the lines where our PDF does", async () => {
    launched ??= await launchChromium();
    const { ours, chromium } = await printBothEditions(launched.browser, renderer, parsed, { letterId: LETTER, locale: "en", recipientId: null });
    expect(run("pdffonts", [chromium])).toMatch(/SourceSerif4-Regular/);
    const figures = compareEditions(ours, chromium, 26 * MM);
    expect(figures.characters.ours).toBe(figures.characters.chromium);
    expect({ figures, met: figures.pages.ours === figures.pages.chromium && figures.agreeing >= 0.98 && figures.samePage >= 0.99 && figures.topDifference <= 2 }).toEqual({
      figures,
      met: true,
    });
  });

  it("reaches a Lambda bundle: the prepared stylesheet carries the faces by content hash, as loading the folder at run time gives them", async () => {
    const templates = join(root, "templates");
    const module = { exports: {} as unknown };
    new Function("module", "exports", "require", (await preparedTemplatesModule(templates)).text)(module, module.exports, require);
    const prepared = asPreparedTemplates(module.exports)!;
    const set = await loadTemplateSet(templates, "my-org");
    expect(prepared.stylesheets[stylesheetKey("author", set.stylesheet)]).toBeDefined();
    const sheet = parsePreparedStylesheet({ name: "my-org/print.css", text: set.stylesheet, origin: "author" }, prepared);
    expect(sheet.fontFaces?.map((face) => [face.src, face.hash, face.weight])).toEqual([
      ["fonts/SourceSerif4-Regular.ttf", hashOf(REGULAR), [400, 400]],
      ["fonts/SourceSerif4-Bold.ttf", hashOf(BOLD), [700, 700]],
    ]);
  });

  it("sets each style in the face font matching chooses, and a character the face lacks in the registry's family of its script", () => {
    const fonts = loadFontLibrary();
    const family = templateFamilyId("Brand Serif", [hashOf(REGULAR), hashOf(BOLD), hashOf(REGULAR), hashOf(BOLD)]);
    const regular = faceOf(family, { bold: false, italic: false });
    const bold = faceOf(family, { bold: true, italic: false });
    expect(fonts.face(regular).postscriptName).toBe("SourceSerif4-Regular");
    expect(fonts.face(bold).postscriptName).toBe("SourceSerif4-Bold");
    // No italic face declared: italic text is set upright, in the regular face, as CSS matching chooses (and synthesis is off).
    expect(faceOf(family, { bold: false, italic: true })).toBe(regular);
    // U+0166 (Ŧ) is not in Source Serif 4; Noto Serif has it. A cluster of a base and a mark falls back whole.
    expect(fonts.shaper(regular).covers(0x166)).toBe(false);
    const text = "AŦB";
    expect(assignFamilies(fonts, text, family, { bold: false, italic: false })).toEqual([family, "serif", family]);
    expect(isTemplateFont(family)).toBe(true);
  });
});

describe("CSS Fonts 4 font matching among a template's faces", () => {
  const face = (weight: [number, number], style: "normal" | "italic" | "oblique", name: string) => ({ weight, style, name });
  const faces = [
    face([300, 300], "normal", "light"),
    face([400, 400], "normal", "regular"),
    face([600, 600], "normal", "semibold"),
    face([900, 900], "normal", "black"),
    face([400, 400], "italic", "italic"),
  ];

  it.each([
    [400, false, "regular"],
    [700, false, "black"],
    [500, false, "regular"],
    [200, false, "light"],
    [700, true, "italic"],
  ] as const)("weight %d, italic %s: %s", (weight, italic, expected) => {
    expect(matchFace(faces, italic, weight)?.name).toBe(expected);
  });

  it("takes a face whose weight range holds the weight, an oblique face for italic before an upright one, and the last of equals", () => {
    expect(matchFace([face([100, 900], "normal", "variable")], false, 700)?.name).toBe("variable");
    expect(matchFace([face([400, 400], "normal", "upright"), face([400, 400], "oblique", "oblique")], true, 400)?.name).toBe("oblique");
    expect(matchFace([face([400, 400], "normal", "first"), face([400, 400], "normal", "second")], false, 400)?.name).toBe("second");
    // Between 400 and 500: heavier up to 500 first, then lighter.
    expect(matchFace([face([350, 350], "normal", "lighter"), face([480, 480], "normal", "heavier")], false, 420)?.name).toBe("heavier");
  });
});

describe("@font-face refused, naming the sheet, line and what is expected", () => {
  const parse = (css: string) => {
    try {
      parseStylesheets([{ name: "t/print.css", text: css, origin: "author" }]);
      return "";
    } catch (error) {
      if (!(error instanceof StyleError)) throw error;
      return error.message;
    }
  };

  it.each([
    [
      '@font-face { font-family: "B"; src: url("https://fonts.example/b.ttf"); }',
      't/print.css line 1, @font-face, descriptor src: url("https://fonts.example/b.ttf") is not a file of the template folder',
    ],
    ['@font-face { font-family: "B"; src: url("data:font/ttf;base64,AAAA"); }', "is not a file of the template folder (a remote, data or file URL)"],
    ['@font-face { font-family: "B"; src: url("../other/fonts/b.ttf"); }', "is outside the template folder"],
    ['@font-face { font-family: "B"; src: url("/usr/share/fonts/b.ttf"); }', "is an absolute path"],
    ['@font-face { font-family: "B"; src: url("fonts/b.woff2"); }', 'url("fonts/b.woff2") is a WOFF2 file; give the TrueType (.ttf) or OpenType (.otf) file'],
    ['@font-face { font-family: "B"; src: url("fonts/b.WOFF"); }', 'url("fonts/b.WOFF") is a WOFF file; give the TrueType (.ttf) or OpenType (.otf) file'],
    [
      '@font-face { font-family: "B"; src: url("fonts/b.ttf") format("woff2"); }',
      'descriptor src: format("woff2") does not name the format of url("fonts/b.ttf"), a TrueType (.ttf) file: Chromium would load the file anyway and read it by its bytes, so the hint only misleads; write format("truetype") or leave format() out',
    ],
    [
      '@font-face { font-family: "B"; src: url("fonts/b.otf") format(svg); }',
      'format(svg) does not name the format of url("fonts/b.otf"), an OpenType (.otf) file: Chromium skips a source whose format it does not read, so a browser would not load this face; write format("opentype")',
    ],
    ['@font-face { font-family: "B"; src: local("Brand"), url("fonts/b.ttf"); }', 'expected one url("fonts/<file>.ttf")'],
    ['@font-face { src: url("fonts/b.ttf"); }', "t/print.css line 1, @font-face: no font-family; expected @font-face"],
    ['@font-face { font-family: "B"; }', "t/print.css line 1, @font-face: no src"],
    [
      '@font-face { font-family: "B"; src: url("fonts/b.ttf"); unicode-range: U+0-7F; }',
      "descriptor unicode-range: not supported; letterpress reads font-family, src, font-weight, font-style, font-display",
    ],
    ['@font-face { font-family: "B"; src: url("fonts/b.ttf"); font-weight: heavy; }', "descriptor font-weight: expected normal, bold, a weight from 1 to 1000"],
    [
      '@font-face { font-family: "Noto Serif"; src: url("fonts/b.ttf"); }',
      '"Noto Serif" is a family of the font registry or a generic family; give the template\'s face a name of its own',
    ],
  ])("%s", (css, message) => {
    expect(parse(css)).toContain(message);
  });

  it("accepts a face and knows its family by name in font-family (no 'not in the font registry')", () => {
    expect(parse('@font-face { font-family: "Brand Serif"; src: url("fonts/b.ttf"); font-weight: 300 500; font-display: swap; }\nbody { font-family: "Brand Serif"; }')).toBe("");
  });

  it("accepts either sfnt hint on either sfnt file, quoted or not (CSS Fonts 4 reads truetype and opentype alike)", () => {
    for (const source of ['url("fonts/b.ttf") format("opentype")', "url(fonts/b.otf) format(truetype)", 'url("fonts/b.TTF") format("TrueType")'])
      expect(parse(`@font-face { font-family: "Brand Serif"; src: ${source}; }`)).toBe("");
  });

  describe("files the template loader reads", () => {
    let root: string;
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), "letterpress-fontface-refused-"));
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    /** The problems of loading a copy of parliamentary-committee whose print.css declares one face of `file` (written with `bytes`, unless undefined). */
    const problemsOf = async (name: string, file: string, bytes: Buffer | undefined) => {
      const templates = templatesWith(join(root, name), name, `@font-face { font-family: "Brand Serif"; src: url("${file}"); }`, bytes ? { [file]: bytes } : {});
      return ((await loadTemplateSet(templates, name)).problems ?? []).join("\n");
    };

    it("a missing file", async () => {
      expect(await problemsOf("missing", "fonts/Nowhere.ttf", undefined)).toMatch(
        /print\.css line \d+, @font-face, descriptor src: url\("fonts\/Nowhere\.ttf"\) is missing: no such file in the template folder/,
      );
    });

    it("a file named in another letter case: the file meant", async () => {
      const templates = templatesWith(join(root, "case"), "case", '@font-face { font-family: "Brand Serif"; src: url(FONTS/SourceSerif4-regular.TTF); }', {
        "fonts/SourceSerif4-Regular.ttf": REGULAR,
      });
      expect(((await loadTemplateSet(templates, "case")).problems ?? []).join("\n")).toMatch(
        /print\.css line \d+, @font-face, descriptor src: url\("FONTS\/SourceSerif4-regular\.TTF"\) is missing: no such file in the template folder \([^)]+\); did you mean url\("fonts\/SourceSerif4-Regular\.ttf"\)\? \(the file's name differs in letter case\)$/,
      );
    });

    it("the loader's problems and the sheet's own, in the sheet's line order", async () => {
      const css = [
        '@font-face { font-family: "One"; src: url("fonts/b.woff2"); }',
        '@font-face { font-family: "Two"; src: url("fonts/Nowhere.ttf"); }',
        "p { colour: red; }",
        '@font-face { font-family: "Three"; src: url("fonts/SourceSerif4-Regular.ttf") format("woff2"); }',
        '@font-face { font-family: "Four"; src: url("fonts/Gone.otf"); }',
      ].join("\n");
      const templates = templatesWith(join(root, "order"), "order", css, { "fonts/SourceSerif4-Regular.ttf": REGULAR });
      const sets = await Promise.all(["un-security-council", "order"].map((name) => loadTemplateSet(templates, name)));
      let message = "";
      try {
        checkedTemplateLibrary(sets, undefined, "A4");
      } catch (error) {
        message = (error as Error).message;
      }
      const lines = message.split("\n").filter((line) => line.includes("order/print.css"));
      expect(lines.map((line) => /(b\.woff2|Nowhere|colour|format|Gone)/.exec(line)?.[1])).toEqual(["b.woff2", "Nowhere", "colour", "format", "Gone"]);
      const numbers = lines.map((line) => Number(/ line (\d+)/.exec(line)![1]));
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    });

    it("a file that is not a font", async () => {
      expect(await problemsOf("text", "fonts/Notes.ttf", Buffer.from("not a font at all\n"))).toContain(
        'url("fonts/Notes.ttf") is not a font; expected a TrueType (.ttf) or OpenType (.otf) font file',
      );
    });

    it("a file over 20 MB", async () => {
      const templates = templatesWith(join(root, "large"), "large", '@font-face { font-family: "Brand Serif"; src: url("fonts/Huge.ttf"); }', { "fonts/Huge.ttf": REGULAR });
      truncateSync(join(templates, "large", "fonts", "Huge.ttf"), 21 * 1024 * 1024);
      expect(((await loadTemplateSet(templates, "large")).problems ?? []).join("\n")).toContain(
        `url("fonts/Huge.ttf") has ${21 * 1024 * 1024} bytes; a template's font file may have at most 20 MB`,
      );
    });

    it("a face whose licence forbids embedding (OS/2 fsType restricted, 0x0002)", async () => {
      const restricted = Buffer.from(REGULAR);
      const tables = restricted.readUInt16BE(4);
      for (let i = 0; i < tables; i++) {
        const entry = 12 + 16 * i;
        if (restricted.toString("latin1", entry, entry + 4) === "OS/2") restricted.writeUInt16BE(0x0002, restricted.readUInt32BE(entry + 8) + 8);
      }
      expect(await problemsOf("restricted", "fonts/Restricted.ttf", restricted)).toContain(
        'url("fonts/Restricted.ttf") cannot be used: its licence forbids embedding it in a document (OS/2 fsType has the Restricted License bit, 0x0002)',
      );
      // The same face with the bits clear loads.
      expect(await problemsOf("allowed", "fonts/Allowed.ttf", REGULAR)).toBe("");
    });
  });
});
