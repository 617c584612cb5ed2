import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalStack, startLocalStack } from "../support/local-stack";
import { DATA_DIR, SEED_LETTER } from "../support/letters";

/**
 * The fresh user's finding 2, end to end: a recipient added to letter.json and en.json, or one
 * recipient's English words changed, made every Arabic document fail as STALE_TRANSLATION. Now only
 * that recipient's document fails; the language's letter and its other recipients' are made and stored.
 */
describe("a batch after a recipient is added or reworded in the source", () => {
  let dataDir: string;
  let stack: LocalStack;
  const folder = () => join(dataDir, SEED_LETTER);
  const readJson = async (name: string) => JSON.parse(await readFile(join(folder(), name), "utf8"));
  const writeJson = async (name: string, value: unknown) => writeFile(join(folder(), name), JSON.stringify(value, null, 2));

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "letterpress-stale-by-part-"));
    await cp(DATA_DIR, dataDir, { recursive: true });
  });
  afterEach(async () => {
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("a new Arabic-reading recipient the Arabic file lacks: its document and the Arabic letter to all recipients (which lists it) fail naming ar.json and the recipient, the other copies are stored", async () => {
    const facts = await readJson("letter.json");
    facts.recipients.push({ id: "om", country: "OM", locale: "ar" });
    await writeJson("letter.json", facts);
    const english = await readJson("en.json");
    english.recipients.om = { country: "Oman", representative: "Permanent Representative of Oman to the United Nations" };
    await writeJson("en.json", english);
    stack = await startLocalStack({ dataDir });

    const letter = await stack.service.render({ letterId: SEED_LETTER, formats: ["html"], locales: ["ar"] });
    expect(letter.stored).toEqual([]);
    expect(letter.failures.map((failure) => failure.error.message)).toEqual([
      expect.stringContaining(`${SEED_LETTER}/ar.json: recipients: missing the words of 1 of the letter's 16 recipients ("om")`),
    ]);

    const personal = await stack.service.render({ letterId: SEED_LETTER, formats: ["html"], locales: ["ar"], recipients: true });
    expect(personal.stored.map((stored) => stored.request.recipientId)).toEqual(["jo"]);
    expect(personal.failures.map((failure) => [failure.request.recipientId, failure.error.code])).toEqual([["om", "INVALID_DATA"]]);
    expect(personal.failures[0]?.error.message).toContain(`${SEED_LETTER}/ar.json: recipients.om: missing; recipient "om" is to receive the letter in this language`);
  });

  it("a recipient's English words changed: its document is stale, and so is each language's letter to all recipients (which prints them); the language's other copies are stored", async () => {
    const english = await readJson("en.json");
    english.recipients.jo.representative = `${english.recipients.jo.representative} (acting)`;
    await writeJson("en.json", english);
    stack = await startLocalStack({ dataDir });

    const letter = await stack.service.render({ letterId: SEED_LETTER, formats: ["html"], locales: ["ar", "es"] });
    expect(letter.stored).toEqual([]);
    expect(letter.failures.map((failure) => failure.error.message)).toEqual(
      ["ar", "es"].map((locale) =>
        expect.stringMatching(
          new RegExp(
            `^${SEED_LETTER}/${locale}\\.json: translationOf\\.recipients\\.jo: recipient "jo"'s words were translated from source revision .*the ${locale} letter to all recipients prints recipient "jo"'s words`,
          ),
        ),
      ),
    );
    const personal = await stack.service.render({ letterId: SEED_LETTER, formats: ["html"], locales: ["ar"], recipients: true });
    expect(personal.failures.map((failure) => [failure.request.recipientId, failure.error.code])).toEqual([["jo", "STALE_TRANSLATION"]]);
    expect(personal.failures[0]?.error.message).toMatch(
      new RegExp(`^${SEED_LETTER}/ar\\.json: translationOf\\.recipients\\.jo: recipient "jo"'s words were translated from source revision`),
    );
  });
});
