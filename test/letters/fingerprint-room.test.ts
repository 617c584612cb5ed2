import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LIMITS } from "../../functions/core/letter/schema";
import { translationOfSource } from "../../functions/core/letter/source-fingerprint";
import { loadLetter } from "../../functions/letters/load-letters";
import { READER_LIMITS } from "../../functions/letters/reader-rules";
import { DATA_DIR, SEED_LETTER } from "../support/letters";

/**
 * A translation records a fingerprint for each recipient whose words it holds: at the schema's
 * 2,000 recipients an indented translation passed the 256 KiB file limit, so the largest letter the
 * limits allow could not be written as our data files are (fresh user, s11 item 4). The fingerprints
 * no longer count against the 256 KiB (LIMITS.fileBytes); the reader leaves room for them.
 */
const read = (file: string) => JSON.parse(readFileSync(join(DATA_DIR, SEED_LETTER, file), "utf8")) as Record<string, unknown>;
const indented = (value: unknown) => JSON.stringify(value, null, 2);

describe("a letter with the most recipients the schema allows, written indented", () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "letterpress-fingerprints-"));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Writes letter `id` with `count` recipients, its en.json and a fr.json recording their fingerprints; `pad` adds white space to fr.json. */
  function writeLetter(id: string, count: number, pad = 0): { frBytes: number } {
    const ids = Array.from({ length: count }, (_, i) => `recipient-${String(i + 1).padStart(4, "0")}`);
    // Words of a realistic length (a country's name, an ambassador's): they are printed, and count against the 256 KiB.
    const words = (language: string) =>
      Object.fromEntries(
        ids.map((recipient, i) => [recipient, { country: `${language} ${String(i).padStart(4, "0")}`, representative: `H.E. ${language} Envoy ${String(i).padStart(4, "0")}` }]),
      );
    const folder = join(dataDir, id);
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, "letter.json"),
      indented({ ...read("letter.json"), id, recipients: ids.map((recipient, i) => ({ id: recipient, country: "FR", locale: i % 2 ? "fr" : "en" })) }),
    );
    const { translationOf: _none, ...source }: Record<string, unknown> = { ...read("en.json"), recipients: words("English") };
    writeFileSync(join(folder, "en.json"), indented(source));
    const fr = `${indented({ ...read("fr.json"), recipients: words("French"), translationOf: translationOfSource(source, "en", ids) })}${" ".repeat(pad)}`;
    writeFileSync(join(folder, "fr.json"), fr);
    return { frBytes: Buffer.byteLength(fr) };
  }

  it(`reads ${LIMITS.recipients} recipients' words and fingerprints in an indented translation larger than 256 KiB`, async () => {
    const { frBytes } = writeLetter("most-recipients", LIMITS.recipients);
    expect(frBytes).toBeGreaterThan(LIMITS.fileBytes);
    const parsed = await loadLetter(dataDir, "most-recipients");
    expect(Object.fromEntries([...parsed.localeErrors].map(([locale, error]) => [locale, error.message]))).toEqual({});
    expect([...parsed.letter.translations.keys()].sort()).toEqual(["en", "fr"]);
    expect(Object.keys(parsed.letter.translations.get("fr")!.recipients)).toHaveLength(LIMITS.recipients);
  });

  it("still holds the text besides the fingerprints to 256 KiB, naming the bytes counted", async () => {
    const { frBytes } = writeLetter("padded", 10, LIMITS.fileBytes);
    expect(frBytes).toBeLessThanOrEqual(READER_LIMITS.maxFileBytes);
    const parsed = await loadLetter(dataDir, "padded");
    expect(parsed.localeErrors.get("fr")?.message).toMatch(
      /^padded\/fr\.json: [\d,]+ bytes, not counting translationOf; a data file may have at most 262,144 bytes \(256 KiB\) not counting its translationOf fingerprints/,
    );
    expect(parsed.letter.translations.has("en")).toBe(true);
  });

  it("refuses a file past the room for every fingerprint before reading it", async () => {
    const { frBytes } = writeLetter("too-big", 10, READER_LIMITS.maxFileBytes);
    const parsed = await loadLetter(dataDir, "too-big");
    expect(parsed.localeErrors.get("fr")?.message).toBe(
      `too-big/fr.json: ${new Intl.NumberFormat("en").format(frBytes)} bytes; a data file may have at most 543,744 bytes (262,144 not counting its translationOf fingerprints)`,
    );
  });
});
