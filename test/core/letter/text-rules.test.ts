import bidiFactory from "bidi-js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseLetter } from "../../../functions/core/letter/parse-letter";
import { translationSchema } from "../../../functions/core/letter/schema";
import { bidiControlProblem, combiningSequenceProblem, controlCharacterProblem, invisibleTextProblem } from "../../../functions/core/letter/text-rules";

const bidi = bidiFactory();
const SAMPLE = join(__dirname, "../../fixtures/letters/sample");

/** The strong (L, R, AL) characters of a text in the order the Unicode bidi algorithm displays them. */
function displayedStrongText(text: string, direction: "ltr" | "rtl"): string {
  const levels = bidi.getEmbeddingLevels(text, direction);
  const order = bidi.getReorderedIndices(text, levels);
  return order
    .map((index: number) => text[index] ?? "")
    .filter((char: string) => /^(L|R|AL)$/.test(bidi.getBidiCharTypeName(char)))
    .join("");
}
const strongText = (text: string) => [...text].filter((char) => /^(L|R|AL)$/.test(bidi.getBidiCharTypeName(char))).join("");

// The quick test that lets text without controls or surrogates skip the full search must let each kind through.
describe("control characters and unpaired surrogates, at the edges of their ranges", () => {
  it.each([
    ["a\u0000b", "U+0000 at character 1"],
    ["ab\u001f", "U+001F at character 2"],
    ["\u007f", "U+007F at character 0"],
    ["x\u0085", "U+0085 at character 1"],
    ["\u009f.", "U+009F at character 0"],
    ["\u{20000}\ud800", "U+D800 at character 1"],
    ["\udfff\u{1F600}", "U+DFFF at character 0"],
  ])("finds it in %j", (text, where) => {
    expect(controlCharacterProblem(text)).toContain(where);
  });

  it.each(["plain", "\u00a0no-break, \u00a0é", "\u{20000}\u{1F600} paired surrogates", "\u2028\ufffd"])("finds none in %j", (text) => {
    expect(controlCharacterProblem(text)).toBeUndefined();
  });
});

describe("bidi controls in letter text", () => {
  // Each refused text really does display its letters in another order than it is written (checked
  // with the bidi algorithm itself), so the rule refuses a reordering, not a character.
  it.each([
    ["the issue's words", "act \u2067\u2066against\u2069 \u2066for\u2069\u2069 the resolution"],
    ["three nested words", "vote \u2067\u2066no\u2069 \u2066yes\u2069 \u2066abstain\u2069\u2069 today"],
    ["an FSI with no letters of its own, holding an RLI", "\u2068\u2067\u2066one\u2069 \u2066two\u2069\u2069\u2069"],
    ["Arabic words reordered by an LRI holding RLIs", "\u2066\u2067\u0644\u0627\u2069 \u2067\u0646\u0639\u0645\u2069\u2069"],
  ])("refuses %s, which the bidi algorithm displays out of order", (_name, text) => {
    const withoutControls = text.replace(/[\u2066-\u2069]/g, "");
    expect(displayedStrongText(text, "ltr")).not.toBe(displayedStrongText(withoutControls, "ltr"));
    expect(bidiControlProblem(text)).toMatch(/contains a bidi isolate \(U\+206[6-9] at character \d+\)/);
  });

  it.each([
    ["an English name isolated in Arabic text", "\u0648\u0642\u0651\u0639\u062a \u2066Human Rights Watch\u2069 \u0639\u0644\u0649"],
    ["Arabic isolated in English text", "the word \u2067\u0633\u0644\u0627\u0645\u2069 means peace"],
    ["an FSI around Hebrew with digits", "see \u2068\u05e1\u05e2\u05d9\u05e3 12\u2069 below"],
    ["two isolates side by side, not nested", "\u2066one\u2069 and \u2066two\u2069"],
    ["marks, which open no context", "C++\u200f \u0648 \u200eJava"],
  ])("allows %s", (_name, text) => {
    expect(bidiControlProblem(text)).toBeUndefined();
  });

  it("keeps an allowed isolate's letters in written order", () => {
    // An allowed isolate in LTR text keeps every Latin letter in written order.
    const text = "sign \u2066here and there\u2069 now";
    expect(bidiControlProblem(text)).toBeUndefined();
    expect(displayedStrongText(text, "ltr")).toBe(strongText(text));
  });
});

describe("invisible text", () => {
  it.each([["\u200b"], ["\u2060\u2060"], ["\u00ad"], ["\u115f\u3164"], ["\u200c\u200d"], ["\u180e"], ["\u2800"]])("counts %j as empty or refuses it", (value) => {
    // U+2800 (braille blank) is visible as a cell to braille readers and is neither space nor ignorable.
    if (value === "\u2800") expect(invisibleTextProblem(value)).toBeUndefined();
    else expect(invisibleTextProblem(value)).toMatch(/^expected non-empty text/);
  });

  it("keeps invisible characters that sit inside visible text (Persian ZWNJ, emoji ZWJ)", () => {
    expect(invisibleTextProblem("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645")).toBeUndefined();
    expect(invisibleTextProblem("\u{1f469}\u200d\u{1f52c}")).toBeUndefined();
  });
});

describe("combining sequences (UAX #15 stream-safe)", () => {
  it("allows 30 marks in a row and refuses 31, counting precomposed letters' marks", () => {
    expect(combiningSequenceProblem(`a${"\u0301".repeat(30)}`)).toBeUndefined();
    expect(combiningSequenceProblem(`a${"\u0301".repeat(31)}`)).toMatch(/has 31 combining marks in a row .* at most 30/);
    // "é" is e + U+0301 once decomposed: with 30 more marks it is 31.
    expect(combiningSequenceProblem(`\u00e9${"\u0301".repeat(30)}`)).toMatch(/has 31 combining marks/);
    expect(combiningSequenceProblem(`x${"\u0489".repeat(10_000)}`)).toMatch(/has 10000 combining marks/);
  });

  it("allows real text dense with marks (Vietnamese, Hebrew with points)", () => {
    expect(combiningSequenceProblem("Vi\u1ec7t Nam \u1ede \u0111\u00e2u")).toBeUndefined();
    expect(combiningSequenceProblem("\u05d1\u05bc\u05b0\u05e8\u05b5\u05d0\u05e9\u05c1\u05b4\u05d9\u05ea")).toBeUndefined();
  });
});

describe("user-supplied keys are own-property lookups", () => {
  const sample = JSON.parse(readFileSync(join(SAMPLE, "en.json"), "utf8")) as Record<string, unknown>;

  it.each(["constructor", "toString", "hasOwnProperty", "__proto__", "valueOf"])("a validated translation has no %s it was not given", (key) => {
    const translation = translationSchema.parse(sample);
    expect(translation.sources[key]).toBeUndefined();
    expect(translation.signatories[key]).toBeUndefined();
    expect(translation.recipients[key]).toBeUndefined();
  });

  it("refuses a quotation attributed to a source only Object.prototype has", () => {
    const files = ["letter.json", "en.json"].map((name) => {
      const text = readFileSync(join(SAMPLE, name), "utf8");
      return { name, bytes: Buffer.from(name === "en.json" ? text.replace('"source": "report"', '"source": "constructor"') : text) };
    });
    expect(() => parseLetter("sample", files)).toThrow('sample/en.json: paragraphs[0].content[1].source: unknown source "constructor"');
  });
});
