import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalStack, startLocalStack } from "../support/local-stack";
import { DATA_DIR, SEED_LETTER } from "../support/letters";

// A render of one language reads and validates every file of the letter (the revision names every
// usable translation); these pin what it must keep refusing, however that reading is made cheaper.
async function editJson(dataDir: string, name: string, edit: (json: Record<string, unknown>) => void): Promise<void> {
  const path = join(dataDir, SEED_LETTER, name);
  const json = JSON.parse(await readFile(path, "utf8"));
  edit(json);
  await writeFile(path, JSON.stringify(json));
}

describe("a render of the requested languages only", () => {
  let dataDir: string;
  let stack: LocalStack;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "letterpress-requested-"));
    await cp(DATA_DIR, dataDir, { recursive: true });
  });
  afterEach(async () => {
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("refuses a requested language whose file is invalid, naming the file and field, and a stale one as stale", async () => {
    await editJson(dataDir, "fr.json", (french) => {
      french.title = 42;
    });
    await editJson(dataDir, "ru.json", (russian) => {
      (russian.translationOf as { sourceSha256: string }).sourceSha256 = "0".repeat(64);
    });
    stack = await startLocalStack({ dataDir });
    const result = await stack.service.render({ letterId: SEED_LETTER, formats: ["html"], locales: ["fr", "ru", "en"] });
    const failures = new Map(result.failures.map((failure) => [failure.request.locale, failure.error]));
    expect([...failures.keys()].sort()).toEqual(["fr", "ru"]);
    expect(failures.get("fr")?.code).toBe("INVALID_DATA");
    expect(failures.get("fr")?.message).toMatch(new RegExp(`${SEED_LETTER}/fr\\.json: title: expected a string, received a number`));
    expect(failures.get("ru")?.code).toBe("STALE_TRANSLATION");
    expect(result.manifest?.documents.map((entry) => entry.locale)).toEqual(["en"]);
  });

  it("refuses the whole letter when letter.json is invalid, with every file's problems at once, even for one language", async () => {
    await editJson(dataDir, "letter.json", (facts) => {
      facts.signatories = "nobody";
    });
    await editJson(dataDir, "ja.json", (japanese) => {
      japanese.title = ["not", "a", "string"];
    });
    await editJson(dataDir, "ko.json", (korean) => {
      korean.summary = 7;
    });
    stack = await startLocalStack({ dataDir });
    const refusal = stack.service.render({ letterId: SEED_LETTER, formats: ["html"], locales: ["en"] });
    await expect(refusal).rejects.toMatchObject({ code: "INVALID_DATA" });
    const message = await refusal.catch((error: Error) => error.message);
    expect(message).toMatch(new RegExp(`${SEED_LETTER}/letter\\.json: signatories`));
    expect(message).toMatch(new RegExp(`${SEED_LETTER}/ja\\.json: title`));
    expect(message).toMatch(new RegExp(`${SEED_LETTER}/ko\\.json: summary`));
  });
});
