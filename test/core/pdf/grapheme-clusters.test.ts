import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { graphemeClusterEnd } from "../../../functions/core/pdf/shaping";
import { DATA_DIR } from "../../support/letters";

/**
 * The font fallback never splits a grapheme cluster (UAX #29) across faces, and finds clusters with
 * its own scan (shaping.ts, `graphemeClusterEnd`) where Intl.Segmenter would cost a warm render
 * milliseconds. The scan must give Intl.Segmenter's (ICU's) boundaries exactly.
 */

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

function boundaries(text: string): number[] {
  const starts: number[] = [];
  for (let i = 0; i < text.length; i = graphemeClusterEnd(text, i)) starts.push(i);
  return starts;
}

function icuBoundaries(text: string): number[] {
  return [...segmenter.segment(text)].map(({ index }) => index);
}

function stringsOf(json: unknown, out: string[] = []): string[] {
  if (typeof json === "string") out.push(json);
  else if (json && typeof json === "object") for (const value of Object.values(json)) stringsOf(value, out);
  return out;
}

/** Every string of every letter file in data/, read from the files (no list of languages in code). */
const LETTER_STRINGS = readdirSync(DATA_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) =>
    readdirSync(join(DATA_DIR, entry.name))
      .filter((file) => file.endsWith(".json"))
      .flatMap((file) => stringsOf(JSON.parse(readFileSync(join(DATA_DIR, entry.name, file), "utf8")))),
  );

const CASES: readonly [string, string][] = [
  ["an emoji ZWJ sequence with a skin tone and VS16", "a👩🏽\u200D⚖️b"],
  ["a family ZWJ sequence", "👨\u200D👩\u200D👧 x"],
  ["regional-indicator flags, three in a row and one left over", "🇺🇳🇫🇷🇯🇵🇩"],
  ["keycaps, fully qualified and bare", "1️⃣ #️⃣ *⃣"],
  ["tag sequences (subdivision flags)", "🏴󠁧󠁢󠁳󠁣󠁴󠁿🏴󠁧󠁢󠁷󠁬󠁳󠁿"],
  ["text and emoji presentation selectors", "↔︎ ™️ ©︎"],
  ["a ZWJ between letters, which joins nothing", "a\u200Db क\u200Dष"],
  ["combining marks on letters and on a space", "e\u0301 \u0301x a\u0323\u0302"],
  ["Hangul syllables and conjoining jamo", "한국어 \u1100\u1161\u11A8 \u1100\u1100\u1161"],
  ["Indic conjuncts (GB9c) and vowel signs", "क्षत्रिय श्री ক্ষমা রাষ্ট্র"],
  ["Thai and Lao SARA AM and Myanmar vowel signs", "กำลัง ທໍາ မြန်မာ"],
  ["Arabic prepended number signs and harakat", "\u0600١٢ مَجْلِس"],
  ["CR LF, controls and bidi marks", "a\r\nb\u200Ec\u2066d\u2069\uFEFFe\u0007f"],
  ["non-RGI sequences: a modifier after a non-base and a ZWJ to a non-pictograph", "😀🏽 👩\u200Da"],
];

describe("grapheme clusters for font fallback", () => {
  it.each(CASES)("gives ICU's cluster boundaries for %s", (_name, text) => {
    expect(boundaries(text)).toEqual(icuBoundaries(text));
  });

  it("gives ICU's cluster boundaries for every string of every letter in data/", () => {
    const differing = LETTER_STRINGS.filter((text) => boundaries(text).join() !== icuBoundaries(text).join()).map((text) => text.slice(0, 60));
    expect(LETTER_STRINGS.length).toBeGreaterThan(100);
    expect(differing).toEqual([]);
  });
});
