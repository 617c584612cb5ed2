import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mayPassOnRetry } from "../../functions/render/render-handler";
import { type LocalStack, startLocalStack } from "../support/local-stack";
import { DATA_DIR, SEED_LETTER, TEMPLATES_DIR } from "../support/letters";

/**
 * A language whose words Intl formats in a script no shipped font has (Cherokee: the recipients' list
 * joined with "மற்றும்") is refused when the letter is validated, once, naming the catalog file and the
 * message: its documents fail with a data error no retry repeats, and the letter's other languages
 * are published (issue 13 item 3: it failed at render, RENDER_ERROR, retried, holding back the publish).
 */
describe("a language the fonts cannot print, found at validation", () => {
  let root: string;
  let stack: LocalStack;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "letterpress-template-coverage-"));
    await cp(DATA_DIR, join(root, "data"), { recursive: true });
    await cp(TEMPLATES_DIR, join(root, "templates"), { recursive: true });
    const messages = join(root, "templates/un-security-council/messages");
    await writeFile(join(messages, "chr.json"), await readFile(join(messages, "en.json"), "utf8"));
    const french = JSON.parse(await readFile(join(root, "data", SEED_LETTER, "fr.json"), "utf8")) as Record<string, unknown>;
    await writeFile(join(root, "data", SEED_LETTER, "chr.json"), JSON.stringify({ ...french, locale: "chr" }));
    stack = await startLocalStack({ dataDir: join(root, "data"), templatesDir: join(root, "templates") });
  });
  afterAll(async () => {
    await stack?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("fails only that language's documents, as data, naming messages/chr.json and the message, and publishes the others", async () => {
    const result = await stack.service.render({ letterId: SEED_LETTER, formats: ["html"] });
    const failed = [...new Set(result.failures.map((failure) => failure.request.locale))];
    expect(failed).toEqual(["chr"]);
    for (const { error } of result.failures) {
      expect(error.code).toBe("INVALID_DATA");
      expect(mayPassOnRetry(error.code)).toBe(false);
      expect(error.message).toContain(`${join(root, "templates")}/un-security-council/messages/chr.json: addressee.members: prints "`);
      expect(error.message).toMatch(/a list as Intl joins it for chr: no shipped font has a glyph for U\+13A0 CHEROKEE LETTER A "Ꭰ"/);
    }
    const published = new Set(result.manifest?.documents.map((entry) => entry.locale));
    expect(published.has("chr")).toBe(false);
    expect(published.has("en")).toBe(true);
    expect(published.size).toBeGreaterThan(10);
  });
});
