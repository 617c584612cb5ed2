import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type DataIssue, formatDataIssue } from "../../../functions/core/errors";
import { type LetterFile, parseLetter } from "../../../functions/core/letter/parse-letter";
import { recipientFingerprints } from "../../../functions/core/letter/source-fingerprint";

/**
 * Removing a recipient from letter.json made the whole letter invalid ("unexpected recipient ...; it is
 * not in letter.json") until its words were also removed from every language file: nothing published
 * meanwhile. Those words print nowhere, so they are a warning naming each file and what to remove,
 * in the source and the translations alike. A signatory a translation names and letter.json lacks
 * stays an error: it may be a mistyped id.
 */
const SAMPLE = join(__dirname, "../../fixtures/letters/sample");

type Json = Record<string, any>;
type Letter = Record<string, Json>;

function sample(): Letter {
  return Object.fromEntries(readdirSync(SAMPLE).map((name) => [name, JSON.parse(readFileSync(join(SAMPLE, name), "utf8")) as Json]));
}

function filesOf(letter: Letter): LetterFile[] {
  return Object.entries(letter).map(([name, value]) => ({ name, bytes: new TextEncoder().encode(JSON.stringify(value)) }));
}

const parse = (letter: Letter) => parseLetter("sample", filesOf(letter));
const issuesOf = (error: unknown) => ((error as { issues?: DataIssue[] }).issues ?? []).map(formatDataIssue);

/** The sample letter with recipient "gb" removed from letter.json only. */
function withoutGbInLetterJson(): Letter {
  const letter = sample();
  letter["letter.json"]!.recipients = letter["letter.json"]!.recipients.filter((recipient: Json) => recipient.id !== "gb");
  return letter;
}

describe("words of a recipient letter.json no longer names", () => {
  it("make no error: the letter and every language stay usable, each file warned with the fields to remove", () => {
    const parsed = parse(withoutGbInLetterJson());
    expect([...parsed.letter.translations.keys()].sort()).toEqual(["en", "fr"]);
    expect(parsed.localeErrors.size).toBe(0);
    expect(parsed.recipientErrors.size).toBe(0);
    expect(parsed.generalLetterErrors.size).toBe(0);
    expect(parsed.warnings.map(formatDataIssue)).toEqual([
      'sample/en.json: recipients.gb: recipient "gb" is not in letter.json: nothing prints these words; remove recipients.gb (or add the recipient to letter.json)',
      'sample/fr.json: recipients.gb: recipient "gb" is not in letter.json: nothing prints these words; remove recipients.gb and translationOf.recipients.gb (or add the recipient to letter.json)',
    ]);
  });

  it("warn of a fingerprint recorded for a removed recipient whose words are already gone", () => {
    const letter = withoutGbInLetterJson();
    delete letter["en.json"]!.recipients.gb;
    delete letter["fr.json"]!.recipients.gb;
    const parsed = parse(letter);
    expect(parsed.localeErrors.size).toBe(0);
    expect(parsed.warnings.map(formatDataIssue)).toEqual([
      'sample/fr.json: translationOf.recipients.gb: recipient "gb" is not in letter.json: nothing prints these words; remove translationOf.recipients.gb (or add the recipient to letter.json)',
    ]);
  });

  it("are never stale, and the source's fingerprint is the same with or without them", () => {
    const letter = withoutGbInLetterJson();
    // The source reworded the removed recipient's words: the French copy recorded the old ones.
    letter["en.json"]!.recipients.gb.representative = "Ambassador of the United Kingdom";
    expect(recipientFingerprints(letter["en.json"]!).get("gb")).not.toBe(letter["fr.json"]!.translationOf.recipients.gb);
    const parsed = parse(letter);
    expect(parsed.localeErrors.size).toBe(0);
    expect(parsed.letter.sourceFingerprint).toBe(parse(sample()).letter.sourceFingerprint);
  });

  it("are not offered as a fingerprint to record to a translation that records none", () => {
    const letter = withoutGbInLetterJson();
    delete letter["fr.json"]!.translationOf;
    const problems = parse(letter).localeErrors.get("fr");
    const message = issuesOf(problems).join("\n");
    expect(message).toContain('"fr": "706e7ea62270cbda"');
    expect(message).not.toContain('"gb":');
  });

  it("are no problem of a letter refused for another", () => {
    const letter = withoutGbInLetterJson();
    delete letter["en.json"]!.title;
    let problems: string[] = [];
    try {
      parse(letter);
    } catch (error) {
      problems = issuesOf(error);
    }
    expect(problems).toEqual(["sample/en.json: title: missing; expected a string"]);
  });

  it("keep a signatory a translation names and letter.json lacks an error", () => {
    const letter = sample();
    letter["letter.json"]!.signatories = letter["letter.json"]!.signatories.filter((signatory: Json) => signatory.id !== "second-ngo");
    delete letter["en.json"]!.signatories["second-ngo"];
    expect(issuesOf(parse(letter).localeErrors.get("fr"))).toContain('sample/fr.json: signatories.second-ngo: unexpected signatory "second-ngo"; it is not in letter.json');
  });
});
