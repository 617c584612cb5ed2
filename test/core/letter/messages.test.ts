import { readFileSync } from "node:fs";
import { join } from "node:path";
import { countOf } from "../../../functions/core/errors";
import { parseLetter } from "../../../functions/core/letter/parse-letter";
import { sourceFingerprint } from "../../../functions/core/letter/source-fingerprint";

const SAMPLE = join(__dirname, "../../fixtures/letters/sample");
const read = (name: string) => JSON.parse(readFileSync(join(SAMPLE, name), "utf8")) as Record<string, any>;
const file = (name: string, value: unknown) => ({ name, bytes: Buffer.from(JSON.stringify(value)) });

describe("counts in messages", () => {
  it.each([
    [0, "0 letters"],
    [1, "1 letter"],
    [2, "2 letters"],
    [1234, "1,234 letters"],
  ])("counts %d as %j", (count, expected) => {
    expect(countOf(count, "letter")).toBe(expected);
  });

  it("says a one-paragraph source has 1 paragraph", () => {
    const en = read("en.json");
    en["paragraphs"] = en["paragraphs"].slice(0, 1);
    const fr = read("fr.json");
    fr["translationOf"]["sourceSha256"] = sourceFingerprint(en);
    const { localeErrors } = parseLetter("sample", [file("letter.json", read("letter.json")), file("en.json", en), file("fr.json", fr)]);
    expect(localeErrors.get("fr")?.message).toBe('sample/fr.json: paragraphs[1]: unexpected paragraph "request"; the source has 1 paragraph');
  });
});
