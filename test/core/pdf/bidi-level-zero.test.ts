import bidiFactory from "bidi-js";
import { bidi } from "../../../functions/core/pdf/shaping";

/*
 * A left-to-right paragraph with no right-to-left letter, Arabic number or explicit bidi control
 * skips bidi-js (shaping.ts levelZeroParagraphs): every level is 0. Its answer must be bidi-js's own,
 * levels and paragraphs, whatever separators, numbers, marks and neutrals the text holds.
 */

const bidiJs = bidiFactory();

const LEFT_TO_RIGHT_TEXTS = [
  "",
  "Permanent Representative of the Russian Federation to the United Nations 3",
  "Μόνιμος Αντιπρόσωπος της Χιλής στα Ηνωμένα Έθνη 8",
  "Постоянный представитель (Китай) — 17 %, 1.5 + 2",
  "a\nb\n\nc\n",
  "\npage\u2029two\u0085three\rfour\u001cfive",
  "tab\there, soft\u00adhyphen, e\u0301 and \u200emarks",
  "日本語のテキスト、１２３。",
  "emoji 🙂 and 👩🏽‍⚖️ between words 1🫨2",
];

describe("bidi levels of left-to-right text that stays at level 0", () => {
  test.each(LEFT_TO_RIGHT_TEXTS)("are bidi-js's own for %j", (text) => {
    const ours = bidi.getEmbeddingLevels(text, "ltr");
    const theirs = bidiJs.getEmbeddingLevels(text, "ltr");
    expect({ levels: [...ours.levels], paragraphs: ours.paragraphs }).toEqual({ levels: [...theirs.levels], paragraphs: theirs.paragraphs });
    expect(ours.levels.every((level) => level === 0)).toBe(true);
  });

  test("a right-to-left letter, an Arabic digit or an isolate in the text still raises its level", () => {
    for (const text of ["name שרה here", "number ٣ here", "isolate \u2067x\u2069 here"]) expect(bidi.getEmbeddingLevels(text, "ltr").levels.some((level) => level > 0)).toBe(true);
  });
});
