import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { LocaleId } from "../../../functions/core/locales";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { warmUp } from "../../../functions/core/pdf/warm-up";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { REPO } from "../../support/letters";
import { fixture, options, stylesheetsFor } from "./pdf-inspect";

/** The fixture letter addressed to one recipient: name and title in the addressee block. */
function personalized(locale: LocaleId, [name, title]: readonly string[]): string {
  const html = fixture(`letter-${locale}.html`);
  const addressed = html.replace(/<address class="addressee">[\s\S]*?<\/address>/, `<address class="addressee">${name}<br>${title}</address>`);
  expect(addressed).not.toBe(html);
  return addressed;
}

const RECIPIENTS = JSON.parse(fixture("recipients.json")) as Record<"en" | "ar" | "ko" | "zh", string[][]>;

/** Every cache of the set empty: no kind holds an entry, and no byte is counted. */
function expectCold(fonts: ReturnType<typeof loadFontLibrary>): void {
  expect({ bytes: fonts.caches.bytes, entries: Object.values(fonts.caches.entries).filter((count) => count > 0) }).toEqual({ bytes: 0, entries: [] });
}

describe("the typesetter's caches", () => {
  test.each(Object.keys(RECIPIENTS) as ("en" | "ar" | "ko" | "zh")[])("a mail merge in %s gives each recipient the bytes of a render with cold caches", async (locale) => {
    const letters = RECIPIENTS[locale].map((recipient) => personalized(locale, recipient));
    // Warm: one font library and its caches for the whole merge, as a render worker has.
    const fonts = loadFontLibrary();
    const warm: Buffer[] = [];
    for (const html of letters) warm.push(await renderPdf(html, options(locale, { fonts })));
    expect(new Set(warm.map((pdf) => pdf.toString("base64"))).size).toBe(letters.length);
    expect(fonts.caches.bytes).toBeGreaterThan(0);
    for (const [i, html] of letters.entries()) {
      // Cold: a new font library's caches, proven empty before the render (this fails if any is warm).
      const cold = loadFontLibrary();
      expectCold(cold);
      const bytes = await renderPdf(html, options(locale, { fonts: cold }));
      expect({ recipient: i, identical: bytes.equals(warm[i]!) }).toEqual({ recipient: i, identical: true });
    }
  });

  test("the caches are the font library's: a render warms its own library's, and clear() empties every kind", async () => {
    const html = personalized("ar", RECIPIENTS.ar[0]!);
    const first = loadFontLibrary();
    const second = loadFontLibrary();
    const before = await renderPdf(html, options("ar", { fonts: first }));
    // Every kind the PDF's typesetter keeps was used by this render: the letter's shape (parsed and styled), shaped runs, paragraphs, subsets, CMaps, streams, object streams, outlines (Arabic marks), text pieces.
    expect(Object.keys(first.caches.entries).sort()).toEqual([
      "cmaps",
      "contents",
      "letterShapes",
      "objectStreams",
      "outlines",
      "paragraphs",
      "shapedRuns",
      "subsets",
      "textPieces",
    ]);
    expect(Object.values(first.caches.entries).every((count) => count > 0)).toBe(true);
    expectCold(second);
    first.caches.clear();
    expectCold(first);
    const after = await renderPdf(html, options("ar", { fonts: first }));
    expect(after.equals(before)).toBe(true);
  });

  test("warming up a process changes no byte of the documents it renders", async () => {
    const html = personalized("ar", RECIPIENTS.ar[0]!);
    const coldFonts = loadFontLibrary();
    expectCold(coldFonts);
    const cold = await renderPdf(html, options("ar", { fonts: coldFonts }));
    const fonts = loadFontLibrary();
    await warmUp(fonts, ["en", "ru", "ar", "zh", "ko"], (locale) => stylesheetsFor(locale));
    const warm = await renderPdf(html, options("ar", { fonts }));
    expect(warm.equals(cold)).toBe(true);
  });
});

/**
 * Module-level maps of the typesetter and the editions that outlive a renderer, each with why it
 * cannot make a warm render differ from a cold one. A cache added anywhere else fails this test:
 * caches belong in `TypesetterCaches` (the font library's) or in what the template owns.
 */
const MODULE_LEVEL_MAPS: Readonly<Record<string, string>> = {
  // Constants.
  "letter/source-fingerprint.ts OUTSIDE_LETTER_TEXT": "constant",
  "pdf/letter-tree.ts TEXT_VERTICAL_ALIGN": "constant",
  "pdf/truetype-subset.ts GLYPH_TABLES": "constant",
  "letter/text-rules.ts ISOLATE_DIRECTION": "constant",
  "letter/parse-json.ts FORBIDDEN_KEYS": "constant",
  "letter/translation-file-name.ts NOT_A_LANGUAGE": "constant",
  "template/template-helpers.ts KNOWN_HELPERS": "constant",
  "style/shorthands.ts WIDE_KEYWORDS": "constant",
  "style/shorthands.ts BORDER_STYLES": "constant",
  "style/shorthands.ts BORDER_WIDTHS": "constant",
  "pdf/letter-tree.ts BLOCK_TAGS": "constant",
  "pdf/letter-tree.ts INLINE_TAGS": "constant",
  "pdf/letter-tree.ts NEUTRAL_ATTRIBUTES": "constant",
  "pdf/letter-tree.ts URL_ATTRIBUTES": "constant",
  "pdf/pdfkit-adapter.ts DOCUMENT_OWNERS": "constant",
  "pdf/object-streams.ts WHITESPACE": "constant",
  "pdf/pdf-writer.ts STRONG_RTL": "constant",
  "pdf/pdf-writer.ts STRONG": "constant",
  "pdf/images.ts IMAGE_ATTRIBUTES": "constant",
  "locales.ts RTL_SCRIPTS": "constant",
  "template/template-engine.ts CODE_MESSAGE_KEYS": "constant",
  // Keyed weakly by an object a renderer, a template or a document owns: they go with it.
  "html/render-html.ts numberingSystems": "by a formatting locale: an Intl default, the same for every render",
  "template/letter-view.ts listFormats": "by a language tag: an Intl.ListFormat, the same for every render",
  "template/message-catalog.ts pluralRulesRead": "by a language tag, plural type and count limit: the categories and whole counts of each, the same for every template",
  "template/letter-view.ts recipientLists": "by a letter's recipients (the letter's), checked against the translation it was made from",
  "html/inline-images.ts checkedTags": "by the template's assets",
  "images/image-source.ts checked": "by an image file's bytes (the template's)",
  "images/image-source.ts dataUris": "by an image file's bytes (the template's)",
  "images/image-source.ts digests": "by the template's assets",
  "style/style-document.ts styleCache": "by parsed stylesheets, which the template owns",
  "pdf/render-pdf.ts stylesheetsJson": "by the document's stylesheets, which the template owns: their JSON, the same for every render",
  "template/template-library.ts stylesheetsOfEngine": "by the template's engine",
  "template/template-engine.ts RAISED_IN": "by an error being raised (the partial it was raised in)",
  "pdf/table-layout.ts prepared": "by a box of one document",
  "pdf/layout.ts geometries": "by a computed style (a styled document's): the box geometry it gives in a container, a function of the two",
  "pdf/layout.ts paragraphKeys":
    "by a block's inlines (a letter shape's kept boxes'): the key of the font library's paragraph cache its lines were set by, with the rest of their spec",
  "pdf/layout.ts marginBoxRows":
    "by a page style (a styled document's), for one font library and one template's images: the rows of margin boxes drawn, a function of the style, texts, direction and language",
  "pdf/pdfkit-adapter.ts glyphPrograms": "by a parsed font",
  "pdf/pdfkit-adapter.ts subsetTemplates": "by a parsed font",
  "pdf/line-box.ts extentsCache": "by a parsed font",
  "pdf/image-drawing.ts svgTexts": "by an image file's bytes",
  "pdf/image-drawing.ts svgOperators": "by an image file's bytes",
  "pdf/image-drawing.ts pngPlanes": "by an image file's bytes",
  "pdf/image-drawing.ts inflatedPngs": "by an image file's bytes",
  "html/web-fonts.ts faceRules": "by a WOFF2 subset's bytes, which the web font source keeps",
  "html/web-fonts.ts usageKeys": "by a font usage, which a merge or a letter shape in the font library's caches keeps",
  "html/render-html.ts pagePrefixes": "by the bytes of a usage's @font-face rules, which the web font source keeps",
  "html/render-html.ts htmlCssOfSources": "by a document's stylesheet sources, which the template keeps",
  "pdf/pdf-writer.ts deflated": "by bytes that are themselves cached (a subset, the ICC profile, an outline)",
  "pdf/pdf-writer.ts weakGlyphs": "by a shaped glyph, which the library's shaped-run cache owns",
  "pdf/pdf-writer.ts weakInRtl": "by a shaped glyph, which the library's shaped-run cache owns",
  "pdf/pdf-writer.ts glyphPieces": "by a shaped glyph, which the library's shaped-run cache owns",
  "pdf/pdf-writer.ts rtlBalances": "by a shaped glyph, which the library's shaped-run cache owns",
  "pdf/pdf-writer.ts mainGlyphs": "by a shaped glyph, which the library's shaped-run cache owns",
  "pdf/pdf-writer.ts runGlyphs": "by a shaped run, which the library's shaped-run cache owns",
  "pdf/pdf-writer.ts linePlans": "by a set line, which the library's paragraph cache owns: a function of the line alone",
  "pdf/pdf-writer.ts lastEmbeddings":
    "by a renderer's caches: each face's last font program and ToUnicode map with the glyphs and texts they were made of, used only for the same lists",
  "pdf/pdf-writer.ts pieceMemories":
    "by a renderer's caches: the stream deflated last in each place (a page, a face's font program) and its pieces, used only for pieces equal byte for byte",
  "pdf/pdf-writer.ts drawnLines":
    "by a set line, which the library's paragraph cache owns: its bytes as drawn last, used only when every code and name it drew with comes out the same",
  // Memos of functions of their key alone (no font, template or document in them).
  "html/inline-images.ts withoutAssets": "an <img> tag checked against no assets",
  "html/web-fonts.ts digitsOfStyle": "a counter style's ten digits",
  "style/counter-styles.ts counterFormats": "an Intl number format per numbering system",
  "style/stylesheet.ts balancedSheets": "a stylesheet's text re-serialized",
  "style/cascade.ts valueCache": "a CSS value's tokens",
  "style/cascade.ts initialTokens": "a property's initial value's tokens",
  "pdf/shaping.ts scriptFamilyCache": "a code point's Unicode script",
  "style/font-families.ts familyOfWrittenName": "a font-family name's registry family",
  "pdf/layout.ts markerInlineArrays": "a list marker's text as inlines",
  "pdf/layout.ts stackRules": "a font stack's registry families (by the stack's array, which a letter shape's styles share)",
  "pdf/shaping.ts breakClasses": "a code point's grapheme-break classes (UAX #29)",
  "pdf/paragraph.ts punctuationKinds": "a glyph's box in a font file, which a process parses once",
  "locales.ts derived": "a locale's facts",
  "letter/text-rules.ts bidi": "the bidi algorithm's tables",
  "text/hyphenate.ts lastSheets": "stylesheets parsed from their text, keyed by that text",
  "text/hyphenate.ts lastShape": "where one shape of letter (markup, sheets) is hyphenated, keyed by both",
  "pdf/pdfkit-adapter.ts documentVerified": "a check of pdfkit's internals, once per process",
  "pdf/pdfkit-adapter.ts pageVerified": "a check of pdfkit's internals, once per process",
  "pdf/pdfkit-adapter.ts pngVerified": "a check of pdfkit's internals, once per process",
  "pdf/pdfkit-adapter.ts fontsVerified": "a check of pdfkit's internals, once per parsed font",
  "template/markup-provenance.ts unbalancedChecked": "a parsed translation's unbalanced-markup check for one template engine, keyed by both immutable objects",
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [join(dir, entry.name)] : [],
  );
}

describe("no cache outside a renderer", () => {
  it("the core keeps no module-level map, set, cache or variable but the ones listed (with why each cannot warm a render)", () => {
    const core = join(REPO, "functions/core");
    const found = sourceFiles(core).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/^(?:export )?(?:(?:const|let) (\w+)(?::[^=\n]+)? = new (?:Map|WeakMap|Set|WeakSet|LruCache|TypesetterCaches)\b|let (\w+))/gm)].map(
        (match) => `${relative(core, file)} ${match[1] ?? match[2]}`,
      ),
    );
    expect(found.filter((name) => !(name in MODULE_LEVEL_MAPS)).sort()).toEqual([]);
    // And the list holds nothing that is gone (it stays an exact account).
    expect(Object.keys(MODULE_LEVEL_MAPS).filter((name) => !found.includes(name))).toEqual([]);
  });
});
