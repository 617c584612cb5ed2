import { breakPositions } from "../../../functions/core/pdf/paragraph";
import { isEastAsian, quotationBreaks } from "../../../functions/core/text/quotation-breaks";

/**
 * UAX 14 LB19 and LB19a (Unicode 15.1), as ICU and Chromium apply them: a line may break after a
 * closing quote, or before an opening one, when both its neighbours are East Asian (East_Asian_Width
 * F, W or H), fullwidth punctuation included. The `linebreak` package never breaks beside a quote.
 */

const SIMPLIFIED = { primary: "sc", keepAll: false } as const;
/** The text before each optional break (the text's end left out). */
const breaksOf = (text: string) =>
  [...breakPositions(text, SIMPLIFIED)]
    .filter(([position, required]) => !required && position < text.length)
    .map(([position]) => text.slice(0, position))
    .sort((a, b) => a.length - b.length);

describe("a closing quote after fullwidth punctuation", () => {
  it("may be followed by a break before a Han letter: 。” ！” ？” then a letter", () => {
    expect(breaksOf("群体。”特别")).toContain("群体。”");
    expect(breaksOf("行动！”各国")).toContain("行动！”");
    expect(breaksOf("回应？”政府")).toContain("回应？”");
    expect(breaksOf("答复，‘沉默’，正是")).toContain("答复，");
  });

  it("is never separated from the mark before it, nor from the text's end (LB19, LB15b)", () => {
    const text = "国家。”";
    expect(breaksOf(text)).not.toContain("国家。");
    expect(breaksOf("群体。”特别")).not.toContain("群体。");
  });

  it("keeps what may not start a line after it: 。 ， ！ and small kana (LB13, LB21)", () => {
    expect(breaksOf("沉默”，正是")).not.toContain("沉默”");
    expect(breaksOf("沉默”。正是")).not.toContain("沉默”");
    expect(breaksOf("沉默”！正是")).not.toContain("沉默”");
    expect(breaksOf("ワード”ァイ")).not.toContain("ワード”");
  });

  it("stays glued to Latin text on either side (LB19a)", () => {
    expect(breaksOf("说yes”特别")).not.toContain("说yes”");
    expect(breaksOf("特别。”and")).not.toContain("特别。”");
  });
});

describe("an opening quote after fullwidth punctuation", () => {
  it("may be preceded by a break after ，。：", () => {
    expect(breaksOf("认为，“严重")).toContain("认为，");
    expect(breaksOf("完毕。“下面")).toContain("完毕。");
    expect(breaksOf("写道：“我们")).toContain("写道：");
  });

  it("never after an opening bracket (LB14) nor before a Latin word", () => {
    expect(breaksOf("并（“加大")).not.toContain("并（");
    expect(breaksOf("认为，“yes")).not.toContain("认为，");
  });

  it("is never separated from the letter after it", () => {
    expect(breaksOf("认为，“严重")).not.toContain("认为，“");
  });
});

describe("the East Asian set", () => {
  it("is East_Asian_Width F, W and H: fullwidth punctuation and halfwidth katakana in, the quotes themselves and Latin out", () => {
    expect(["。", "，", "！", "」", "特", "ｱ", "𠀀"].map((c) => isEastAsian(c.codePointAt(0)))).toEqual([true, true, true, true, true, true, true]);
    expect(["”", "“", "a", "."].map((c) => isEastAsian(c.codePointAt(0)))).toEqual([false, false, false, false]);
  });

  it("reads a plane-2 ideograph before a quote as one character", () => {
    const text = "𠀀”特";
    expect(quotationBreaks(text)).toEqual([text.indexOf("”") + 1]);
  });
});
