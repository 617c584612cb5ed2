import { execFileSync } from "node:child_process";
import { constants as zlibConstants } from "node:zlib";
import type { LocaleId } from "../../../functions/core/locales";
import type { ParsedLetter } from "../../../functions/core/letter/parse-letter";
import { type DeflatedPiece, deflateInPieces } from "../../../functions/core/pdf/chunked-deflate";
import { type DocumentRenderer, renderDocument } from "../../../functions/core/render-document";
import { createRenderer } from "../../../functions/render/create-renderer";
import { loadSeedLetter, SEED_LETTER, TEMPLATES_DIR } from "../../support/letters";
import { run, toFile, wordBoxes } from "./pdf-inspect";

/** The writer's options for page content (pdf-writer.ts, PAGE_CONTENT_DEFLATE). */
const OPTIONS = { level: 7, strategy: zlibConstants.Z_FILTERED };

/** Page one's content stream, decoded, read with qpdf. */
function firstPageContent(pdf: Buffer): Buffer {
  const file = toFile(pdf);
  const json = JSON.parse(run("qpdf", ["--json", file])) as { pages: { contents: string[] }[] };
  return execFileSync("qpdf", [`--show-object=${json.pages[0]!.contents[0]!.split(" ")[0]}`, "--filtered-stream-data", file]);
}

/** The seed letter to its first recipient, whose representative's name is given `times` over in `locale` (no glyph of its own). */
function addressedTo(seed: ParsedLetter, locale: LocaleId, times: number): { letter: ParsedLetter; recipientId: string } {
  const recipientId = seed.letter.facts.recipients[0]!.id;
  const representative = Array(times).fill(seed.letter.translations.get(locale)!.recipients[recipientId]!.representative).join(" ");
  const translations = new Map(
    [...seed.letter.translations].map(([id, translation]) => [
      id,
      id === locale ? { ...translation, recipients: { ...translation.recipients, [recipientId]: { ...translation.recipients[recipientId]!, representative } } } : translation,
    ]),
  );
  return { letter: { ...seed, letter: { ...seed.letter, translations } }, recipientId };
}

describe("lines drawn in frames of their own", () => {
  let renderer: DocumentRenderer;
  let seed: ParsedLetter;
  beforeAll(async () => {
    renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    seed = await loadSeedLetter();
  });

  // How often the name is given: enough for a longer address, not so long that page one's last lines go to page two (the glyph numbering then changes, see numberGlyphsFromTheEnd).
  it.each<[LocaleId, number]>([
    ["en", 3],
    ["ar", 4],
  ])("keeps the bytes of the %s lines a longer address moves down, and their deflated pieces", async (locale, times) => {
    const render = async (times: number) => {
      const { letter, recipientId } = addressedTo(seed, locale, times);
      return (await renderDocument(renderer, letter, { letterId: SEED_LETTER, locale, format: "pdf", recipientId })).bytes;
    };
    const short = await render(1);
    // Lines longer than the short one's: everything after it moves down (and the last lines to page two).
    const long = await render(times);
    const [shortPage, longPage] = [firstPageContent(short), firstPageContent(long)];
    const objects = (content: Buffer) => content.toString("latin1").match(/\nBT\n[\s\S]*?\nET\n/g) ?? [];
    const [shortObjects, longObjects] = [objects(shortPage), objects(longPage)];
    // Every line of the short letter's page one but those holding the name is drawn in the same bytes in the long one.
    const [inShort, inLong] = [new Set(shortObjects), new Set(longObjects)];
    const changed = shortObjects.filter((object) => !inLong.has(object));
    expect(changed.length).toBeLessThanOrEqual(3);
    // They did move: the words found once on page one of both, and lower in the long one.
    const wordsOnce = (pdf: Buffer) => {
      const words = wordBoxes(toFile(pdf)).filter((word) => word.page === 1);
      return new Map(words.filter((word) => words.filter((other) => other.text === word.text).length === 1).map((word) => [word.text, word.yMin]));
    };
    const [shortWords, longWords] = [wordsOnce(short), wordsOnce(long)];
    const moved = [...shortWords].filter(([text, y]) => longWords.has(text) && longWords.get(text)! > y + 1);
    expect(moved.length).toBeGreaterThan(20);
    expect(longObjects.filter((object) => !inShort.has(object)).length).toBeGreaterThan(0);
    // And the long letter's page one deflates anew only around its address: most of the short one's pieces serve it.
    const cache = new Map<string, DeflatedPiece>();
    let anew = 0;
    const counted = { get: (key: string) => cache.get(key), set: (key: string, piece: DeflatedPiece) => cache.set(key, piece) && void (anew += piece.length) };
    deflateInPieces(shortPage, counted, OPTIONS);
    anew = 0;
    deflateInPieces(longPage, counted, OPTIONS);
    expect(anew).toBeLessThan(longPage.length / 2);
  });
});
