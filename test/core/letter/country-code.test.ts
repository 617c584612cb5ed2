import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InvalidLetterDataError } from "../../../functions/core/errors";
import { countryCodeProblem } from "../../../functions/core/letter/country-code";
import { type LetterFile, parseLetter } from "../../../functions/core/letter/parse-letter";

const SAMPLE = join(__dirname, "../../fixtures/letters/sample");

/** The sample letter with its first recipient's country code replaced. */
function sampleWithCountry(country: string): LetterFile[] {
  return readdirSync(SAMPLE).map((name) => {
    const json = JSON.parse(readFileSync(join(SAMPLE, name), "utf8"));
    if (name === "letter.json") json.recipients[0].country = country;
    return { name, bytes: new TextEncoder().encode(JSON.stringify(json)) };
  });
}

function countryIssues(country: string): string[] {
  try {
    parseLetter("sample", sampleWithCountry(country));
    return [];
  } catch (error) {
    if (!(error instanceof InvalidLetterDataError)) throw error;
    return error.issues.filter((issue) => issue.path === "recipients[0].country").map((issue) => issue.message);
  }
}

describe("a recipient's country: an assigned ISO 3166-1 alpha-2 code", () => {
  it.each(["FR", "GB", "US", "CN", "TD", "AQ", "PS"])("accepts %s", (code) => {
    expect(countryCodeProblem(code)).toBeUndefined();
    expect(countryIssues(code)).toEqual([]);
  });

  it.each([
    ["ZZ", undefined],
    ["QO", undefined],
    ["QM", undefined],
    ["XA", undefined],
    ["EU", undefined],
    ["UN", undefined],
    ["UK", "GB"],
    ["SU", "RU"],
    ["gb", "GB"],
    ["Fr", "FR"],
    ["France", "FR"],
    ["united kingdom", "GB"],
  ])("refuses %s, which CLDR may name but ISO assigns to no country (meant: %s)", (code, meant) => {
    const issues = countryIssues(code);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain(`expected an assigned ISO 3166-1 alpha-2 country code, got "${code}"`);
    if (meant === undefined) expect(issues[0]).not.toContain("did you mean");
    else expect(issues[0]).toContain(`did you mean "${meant}"`);
  });

  it.each(["Atlantis", "G", "GBR", "250", ""])("refuses %j, no two-letter code nor a country's name, suggesting nothing", (code) => {
    expect(countryIssues(code)).toEqual([`expected an assigned ISO 3166-1 alpha-2 country code, got "${code}"`]);
  });
});
