import { createHash } from "node:crypto";
import type { DocumentRequest } from "../../../functions/core/documents";
import type { LocaleId } from "../../../functions/core/locales";
import { type Box, inlineText } from "../../../functions/core/pdf/letter-tree";
import { CACHE_BUDGETS, TypesetterCaches } from "../../../functions/core/pdf/cache";
import { formatLetter, renderPdf } from "../../../functions/core/pdf/render-pdf";
import { renderDocument } from "../../../functions/core/render-document";
import { parseStylesheets } from "../../../functions/core/style";
import { createRenderer } from "../../../functions/render/create-renderer";
import { loadLetter } from "../../../functions/letters/load-letters";
import { DATA_DIR, loadSeedLetter, TEMPLATES_DIR } from "../../support/letters";
import { fixture, options, stylesheetsFor } from "./pdf-inspect";

/**
 * A letter of a shape seen before (the same markup, other words: a mail merge) is not parsed and
 * styled again: the first letter's tree and styles serve, its changed text read as the new letter's
 * (render-pdf.ts formatLetter). Each test would fail on the code that parsed and styled every letter.
 */

/** Every paragraph's text, in box order: what the layout is given to set. */
function textsOf(box: Box): string[] {
  if (box.content.kind === "inline") return [inlineText(box.content.inlines)];
  if (box.content.kind === "blocks") return box.content.children.flatMap(textsOf);
  if (box.content.kind === "table") return box.content.table.groups.flatMap((group) => group.rows.flatMap((row) => row.cells.flatMap(textsOf)));
  return [];
}

const LETTER = fixture("letter-en.html");
const SALUTATION = '<p class="salutation">Excellencies,</p>';

function withSalutation(text: string): string {
  expect(LETTER).toContain(SALUTATION);
  return LETTER.replace(SALUTATION, `<p class="salutation">${text}</p>`);
}

describe("the parse and style stage, once per shape of letter", () => {
  const sheets = parseStylesheets(stylesheetsFor("en"));

  test("a letter that differs in a whole text of plain words reuses the first's styles, with its own words in the boxes", () => {
    const caches = new TypesetterCaches();
    const first = formatLetter(withSalutation("Dear Ambassador Zhang,"), sheets, undefined, caches);
    const second = formatLetter(withSalutation("Dear Ambassador Delattre,"), sheets, undefined, caches);
    expect(second.styled).toBe(first.styled);
    // Boxes of its own: layout may key its work by a box.
    expect(second.boxes).not.toBe(first.boxes);
    expect(second.boxes.content).not.toBe(first.boxes.content);
    expect(textsOf(second.boxes)).toContain("Dear Ambassador Delattre,");
    expect(textsOf(second.boxes)).not.toContain("Dear Ambassador Zhang,");
    // The boxes are what a parse of the second letter alone gives.
    const alone = formatLetter(withSalutation("Dear Ambassador Delattre,"), sheets, undefined, new TypesetterCaches());
    expect(textsOf(second.boxes)).toEqual(textsOf(alone.boxes));
    // And the first letter, made again, has its own words back.
    expect(textsOf(formatLetter(withSalutation("Dear Ambassador Zhang,"), sheets, undefined, caches).boxes)).toEqual(textsOf(first.boxes));
  });

  test.each([
    ["a character reference", "Dear Smith &amp; Jones,"],
    ["white space to collapse", "Dear  Ambassador,"],
    ["a leading space", " Dear Ambassador,"],
    ["white space only", "   "],
  ])("a text with %s is parsed anew, and read as a parse reads it", (_, text) => {
    const caches = new TypesetterCaches();
    const first = formatLetter(withSalutation("Dear Ambassador Zhang,"), sheets, undefined, caches);
    const second = formatLetter(withSalutation(text), sheets, undefined, caches);
    expect(second.styled).not.toBe(first.styled);
    expect(textsOf(second.boxes)).toEqual(textsOf(formatLetter(withSalutation(text), sheets, undefined, new TypesetterCaches()).boxes));
  });

  test("a text with soft hyphens (a hyphenated letter) reuses the shape too", () => {
    const caches = new TypesetterCaches();
    const first = formatLetter(withSalutation("Dear Am\u00adbas\u00adsa\u00addor Zhang,"), sheets, undefined, caches);
    const second = formatLetter(withSalutation("Dear Am\u00adbas\u00adsa\u00addor De\u00adlat\u00adtre,"), sheets, undefined, caches);
    expect(second.styled).toBe(first.styled);
    expect(textsOf(second.boxes)).toEqual(
      textsOf(formatLetter(withSalutation("Dear Am\u00adbas\u00adsa\u00addor De\u00adlat\u00adtre,"), sheets, undefined, new TypesetterCaches()).boxes),
    );
  });

  test("other markup, or other stylesheets, is parsed and styled anew", () => {
    const caches = new TypesetterCaches();
    const first = formatLetter(LETTER, sheets, undefined, caches);
    expect(formatLetter(LETTER.replace(SALUTATION, '<p class="salutation"><em>Excellencies,</em></p>'), sheets, undefined, caches).styled).not.toBe(first.styled);
    expect(formatLetter(LETTER, parseStylesheets(stylesheetsFor("en")), undefined, caches).styled).not.toBe(first.styled);
  });

  test("a stylesheet whose selector reads text (:contains) styles every letter anew: the words may change the style", () => {
    const caches = new TypesetterCaches();
    const reading = parseStylesheets([...stylesheetsFor("en"), { name: "reads text", origin: "author", text: 'p:contains("Delattre") { font-weight: bold }' }]);
    const first = formatLetter(withSalutation("Dear Ambassador Zhang,"), reading, undefined, caches);
    const second = formatLetter(withSalutation("Dear Ambassador Delattre,"), reading, undefined, caches);
    expect(second.styled).not.toBe(first.styled);
    const salutation = (box: Box): Box | undefined =>
      box.content.kind === "blocks"
        ? box.content.children.map(salutation).find(Boolean)
        : box.content.kind === "inline" && inlineText(box.content.inlines).startsWith("Dear")
          ? box
          : undefined;
    expect(salutation(first.boxes)?.style.fontWeight).toBe(400);
    expect(salutation(second.boxes)?.style.fontWeight).toBe(700);
  });

  test("a letter too large for the cache's budget is not kept, and is read as a parse reads it", () => {
    const caches = new TypesetterCaches();
    // At 32 bytes a character (render-pdf.ts), more than the shapes' whole budget.
    const words = "Excellencies and members of the Council, ";
    const long = LETTER.replace(SALUTATION, `<p class="salutation">${words.repeat(Math.ceil(CACHE_BUDGETS.letterShapes / 32 / words.length))}</p>`);
    const first = formatLetter(long, sheets, undefined, caches);
    expect(caches.entries.letterShapes ?? 0).toBe(0);
    expect(formatLetter(long, sheets, undefined, caches).styled).not.toBe(first.styled);
    expect(textsOf(first.boxes)).toEqual(textsOf(formatLetter(long, sheets, undefined, new TypesetterCaches()).boxes));
  });

  test("markup outside the vocabulary is named by its line, as without the shapes", () => {
    const caches = new TypesetterCaches();
    const bad = LETTER.replace(SALUTATION, '<p class="salutation"><marquee>Hi</marquee></p>');
    const line = bad.slice(0, bad.indexOf("<marquee>")).split("\n").length;
    expect(() => formatLetter(bad, sheets, undefined, caches)).toThrow(`filled template line ${line}: <marquee>`);
  });
});

describe("a mail merge of the seed letter", () => {
  // A different reader in each document; each is made after others of its language (the shape reused) and alone (caches cleared).
  test.each<LocaleId>(["en", "ar", "zh"])("%s: every reader's PDF is byte for byte the one made with nothing cached", async (locale) => {
    const renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    const parsed = await loadSeedLetter();
    const readers = parsed.letter.facts.recipients.slice(0, 4).map((recipient) => recipient.id);
    const request = (recipientId: string): DocumentRequest => ({ letterId: parsed.letter.facts.id, locale, format: "pdf", recipientId });
    const warm: Buffer[] = [];
    for (const reader of readers) warm.push((await renderDocument(renderer, parsed, request(reader))).bytes);
    // One shape served the whole merge.
    expect(renderer.caches.entries.letterShapes).toBe(1);
    for (const [i, reader] of readers.entries()) {
      renderer.caches.clear();
      expect((await renderDocument(renderer, parsed, request(reader))).bytes.equals(warm[i]!)).toBe(true);
    }
  });
});

describe("a general letter with images (the committee letter: no recipients)", () => {
  test.each<LocaleId>(["en", "de"])("%s: made again from its kept shape, it is byte for byte the one made with nothing cached", async (locale) => {
    const renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    const parsed = await loadLetter(DATA_DIR, "committee-hearing-defenders");
    const request: DocumentRequest = { letterId: parsed.letter.facts.id, locale, format: "pdf", recipientId: null };
    const first = (await renderDocument(renderer, parsed, request)).bytes;
    const again = (await renderDocument(renderer, parsed, request)).bytes;
    expect(renderer.caches.entries.letterShapes).toBe(1);
    renderer.caches.clear();
    const cold = (await renderDocument(renderer, parsed, request)).bytes;
    expect(again.equals(cold)).toBe(true);
    expect(first.equals(cold)).toBe(true);
  });
});

describe("the document ID", () => {
  const id = (pdf: Buffer) => /\/ID \[<([0-9a-f]+)>/.exec(pdf.toString("latin1"))?.[1];

  test("is the first 16 bytes of the SHA-256 of [letter, locale, stylesheets (text and origin), metadata] as JSON, the stylesheets' JSON kept between letters", async () => {
    const stylesheets = stylesheetsFor("en");
    const sheets = parseStylesheets(stylesheets);
    for (const text of ["Dear Ambassador Zhang,", "Dear Ambassador Delattre,"]) {
      const letter = withSalutation(text);
      const made = options("en", { stylesheets, parsedStylesheets: sheets });
      const { metadata } = made;
      const expected = createHash("sha256")
        .update(
          JSON.stringify([letter, made.locale, stylesheets.map(({ text, origin }) => ({ text, origin })), { ...metadata, creationDate: metadata.creationDate.toISOString() }]),
        )
        .digest()
        .subarray(0, 16)
        .toString("hex");
      expect(id(await renderPdf(letter, made))).toBe(expected);
    }
  });

  test("changes with the stylesheets' text", async () => {
    const letter = withSalutation("Dear Ambassador Zhang,");
    const plain = await renderPdf(letter, options("en"));
    const other = stylesheetsFor("en").map((sheet, i) => (i === 0 ? { ...sheet, text: `${sheet.text}\n/* another sheet */` } : sheet));
    expect(id(await renderPdf(letter, options("en", { stylesheets: other })))).not.toBe(id(plain));
  });
});
