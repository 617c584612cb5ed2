import { breakPositions, type ScriptRules } from "../../../functions/core/pdf/paragraph";

/**
 * Thai, Lao, Khmer and Myanmar write words without spaces; UAX 14 (class SA) leaves their breaks to a
 * dictionary. Without one the merged Thai letter broke lines inside words, after a preposed vowel
 * ("ในเ|กาหลี"), which readers and extractors then saw as two words.
 */
const RULES: ScriptRules = { primary: "thai", keepAll: false };
const optional = (text: string) =>
  [...breakPositions(text, RULES)]
    .filter(([position, required]) => !required && position < text.length)
    .map(([position]) => position)
    .sort((a, b) => a - b);
const wordStarts = (text: string, locale: string) => [...new Intl.Segmenter(locale, { granularity: "word" }).segment(text)].map((s) => s.index).filter((i) => i > 0);

describe("line breaks in scripts without spaces between words", () => {
  it.each([
    ["th", "ว่าด้วยสถานการณ์ในเกาหลีเหนืออีกครั้ง"],
    ["th", "แรงกดดันจากนานาชาติยังคงเป็นช่องทางสำคัญ"],
    ["lo", "ສະພາຄວາມໝັ້ນຄົງແຫ່ງສະຫະປະຊາຊາດ"],
    ["km", "ក្រុមប្រឹក្សាសន្តិសុខអង្គការសហប្រជាជាតិ"],
  ])("%s: may break between the dictionary's words and nowhere inside one (%s)", (locale, text) => {
    const breaks = optional(text);
    expect(breaks.length).toBeGreaterThan(0);
    expect(breaks).toEqual(wordStarts(text, locale));
  });

  it("never breaks after a Thai preposed vowel (เ แ โ ใ ไ)", () => {
    const text = "ว่าด้วยสถานการณ์ในเกาหลีเหนืออีกครั้งและที่สมัชชาใหญ่แห่งสหประชาชาติ";
    for (const position of optional(text)) expect("เแโใไ").not.toContain(text[position - 1]);
  });

  it("keeps the spaces of Latin text as its only breaks", () => {
    expect(optional("Human Rights Watch")).toEqual([6, 13]);
  });
});
