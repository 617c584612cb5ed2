import type { FamilyId } from "../../../functions/core/pdf/font-library";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { assignFamilies } from "../../../functions/core/pdf/shaping";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { fixture, options, run, toFile } from "./pdf-inspect";

/**
 * Characters shared by scripts after an emoji in a Chinese, Japanese or Korean letter (fresh user 9,
 * finding 1): they took the family of the text before them, which after 👍 was the emoji face, whose
 * space is as wide as an emoji: "Sam 👍 Lee" showed a 15 pt gap after 👍 in Korean (4.9 pt in English).
 */
const fonts = loadFontLibrary();
const REGULAR = { bold: false, italic: false };

describe("text after an emoji in a CJK letter", () => {
  it.each([["kr"], ["sc"], ["tc"], ["jp"]] as [FamilyId][])("sets spaces, digits and punctuation after an emoji in the text's family, not the emoji face (%s)", (primary) => {
    const text = "Sam 👍 Lee ⚖ Kim 👩🏽‍⚖️ 2024! 한국";
    const families = assignFamilies(fonts, text, primary, REGULAR);
    const emojiAt = [...text.matchAll(/\p{Extended_Pictographic}|\u200D|\uFE0F|[\u{1F3FB}-\u{1F3FF}]/gu)].flatMap((m) =>
      Array.from({ length: m[0].length }, (_, k) => m.index! + k),
    );
    const shared = [...text.matchAll(/[ 0-9!]/g)].map((m) => m.index!);
    for (const i of shared) expect([i, text[i], families[i]]).not.toEqual([i, text[i], "emoji"]);
    for (const i of emojiAt) expect([i, families[i]]).toEqual([i, "emoji"]);
  });

  it.each([
    ["ko", "letter-ko.html"],
    ["zh", "letter-zh.html"],
  ] as const)("draws the space after an emoji as wide as the one before it (%s)", async (locale, file) => {
    const html = fixture(file).replace(/<p>/, "<p>Sam 👍 Lee ⚖ Kim. ");
    const bbox = run("pdftotext", ["-bbox", "-f", "1", "-l", "1", toFile(await renderPdf(html, options(locale))), "-"]);
    const words = [...bbox.matchAll(/xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</g)].map((m) => ({
      word: m[3]!,
      left: Number(m[1]),
      right: Number(m[2]),
    }));
    const at = words.findIndex(({ word }) => word === "Sam");
    const [sam, thumb, lee, scales, kim] = words.slice(at, at + 5);
    expect([sam?.word, thumb?.word, lee?.word, scales?.word, kim?.word]).toEqual(["Sam", "👍", "Lee", "⚖", "Kim."]);
    const before = thumb!.left - sam!.right;
    for (const after of [lee!.left - thumb!.right, kim!.left - scales!.right]) expect(after).toBeLessThan(before * 1.5);
  });
});
