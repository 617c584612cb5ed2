import { paragraphSpec } from "./paragraph-spec";
import { type FamilyId, faceOf } from "../../../functions/core/pdf/font-library";
import { breakPositions, type Line, setParagraph } from "../../../functions/core/pdf/paragraph";
import { shape } from "../../../functions/core/pdf/shaping";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";

/**
 * CJK line breaking as Chromium does it: fullwidth punctuation trimmed in adjacent pairs (CSS
 * text-spacing-trim: normal), quotation marks between East Asian letters as break opportunities
 * (UAX 14 LB19a), and the space between Hangul shaped in its context.
 */

const fonts = loadFontLibrary();
const SIZE = 10;

function line(text: string, primary: FamilyId, keepAll = false): Line {
  return setParagraph(fonts, paragraphSpec(text, { size: SIZE, leading: 1.5, width: 5000, rules: { primary, keepAll } }))[0]!;
}

/** Each character's advance on the line, in ems. */
function advances(text: string, primary: FamilyId, keepAll = false): Map<number, { text: string; em: number }> {
  const out = new Map<number, { text: string; em: number }>();
  let k = 0;
  for (const placed of line(text, primary, keepAll).runs) {
    for (const glyph of placed.run.glyphs) if (glyph.text !== "") out.set(k++, { text: glyph.text, em: glyph.xAdvance / placed.run.unitsPerEm });
  }
  return out;
}

const emOf = (text: string, primary: FamilyId, char: string, nth = 0) => [...advances(text, primary).values()].filter((g) => g.text === char)[nth]!.em;

describe("text-spacing-trim: adjacent fullwidth punctuation", () => {
  it.each([
    ["a comma before an opening quote", "认为，“长期", "，"],
    ["an ideographic comma before a corner bracket", "に対し、「住民", "、"],
    ["a full stop before a closing bracket", "です。」と", "。"],
    ["a closing bracket before a comma", "」、「", "」"],
    ["a colon before an opening quote (Simplified Chinese sets its colon left)", "他说：“是的", "："],
  ])("takes half an em off %s (Simplified Chinese and Japanese faces)", (_, text, char) => {
    expect(emOf(text, /[\u3040-\u30ff]/u.test(text) || text.includes("「") ? "jp" : "sc", char)).toBeCloseTo(0.5, 3);
  });

  it.each([
    ["a corner bracket after Japanese's centred colon", "述べた：「住民", "jp"],
    ["a corner bracket after an opening parenthesis", "また（「重大", "jp"],
    ["an opening quote after an opening parenthesis", "并（“加大", "sc"],
  ] as const)("draws %s half an em to the left, taking half an em", (_, text, family) => {
    const glyphs = line(text, family).runs.flatMap((placed) => placed.run.glyphs.map((glyph) => ({ glyph, upem: placed.run.unitsPerEm })));
    const open = glyphs.filter(({ glyph }) => glyph.text === "「" || glyph.text === "“").pop()!;
    expect(open.glyph.xAdvance / open.upem).toBeCloseTo(0.5, 3);
    expect(open.glyph.xOffset / open.upem).toBeCloseTo(-0.5, 3);
    // Its text still spans the em it is drawn in, so extractors see no gap before the next character.
    expect(open.glyph.textAdvance / open.upem).toBeCloseTo(1, 3);
  });

  it("leaves a mark before a letter, or after white space, full width", () => {
    expect(emOf("认为，长期", "sc", "，")).toBeCloseTo(1, 3);
    expect(emOf("认为， “长期", "sc", "，")).toBeCloseTo(1, 3);
  });

  it("never trims the centred commas of Traditional Chinese, nor Japanese's centred colon", () => {
    expect(emOf("認為，「長期", "tc", "，")).toBeCloseTo(1, 3);
    expect(emOf("次のとおり：「住民", "jp", "：")).toBeCloseTo(1, 3);
  });

  it("leaves Korean's proportional quotes and punctuation as the font shapes them", () => {
    const text = "하였다”,“유엔";
    const shaped = shape(fonts, faceOf("kr", { bold: false, italic: false }), text, "ltr");
    const set = [...advances(text, "kr", true).values()];
    expect(set.map((g) => g.em)).toEqual(shaped.glyphs.filter((g) => g.text !== "").map((g) => g.xAdvance / shaped.unitsPerEm));
  });

  it("makes a line of Chinese narrower by half an em per trimmed pair", () => {
    const plain = line("出结论认为长期以来一贯存在", "sc").width;
    const trimmed = line("出结论认为，“长期以来一贯存在", "sc").width;
    expect(trimmed - plain).toBeCloseTo(1.5 * SIZE, 3);
  });
});

describe("UAX 14 LB19a: quotation marks between East Asian letters", () => {
  const optional = (text: string, keepAll = false) =>
    [...breakPositions(text, { primary: "sc", keepAll })].filter(([position, required]) => !required && position < text.length).map(([position]) => position);

  it("may break before an opening quote and after a closing one between Han characters", () => {
    const text = "国际社会“加大努力保护”的决定";
    const breaks = optional(text);
    expect(breaks).toContain(text.indexOf("“"));
    expect(breaks).toContain(text.indexOf("”") + 1);
    // Never after the opening quote or before the closing one.
    expect(breaks).not.toContain(text.indexOf("“") + 1);
    expect(breaks).not.toContain(text.indexOf("”"));
  });

  it("keeps quotes glued to Latin words, and Korean words whole with keep-all", () => {
    const latin = "he said “yes” to it";
    expect(optional(latin)).not.toContain(latin.indexOf("“") + 1);
    const korean = "드러낸다”고 판단";
    expect(optional(korean, true)).toEqual([korean.indexOf(" ") + 1]);
  });
});

describe("a space between Hangul", () => {
  it("is shaped with its neighbours: 0.28 em between Hangul syllables, 0.224 em elsewhere, as Noto Sans KR sets it in a line", () => {
    const spaces = (text: string) => [...advances(text, "kr", true).values()].filter((g) => g.text === " ").map((g) => g.em);
    expect(spaces("북한의 인권 상황")).toEqual([0.28, 0.28]);
    expect(spaces("유엔, 안보리")).toEqual([0.224]);
  });
});
