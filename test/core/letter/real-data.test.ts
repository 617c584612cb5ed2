import { SHIPPED_LOCALES } from "../../support/letters";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLetter } from "../../../functions/letters/load-letters";

const DATA = join(__dirname, "../../../data");
const LETTER = "unsc-dprk-2015";

/** Every key path of a JSON value, with array items numbered: the shape two translations must share. */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => keyPaths(item, `${prefix}[${index}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => keyPaths(item, prefix ? `${prefix}.${key}` : key));
  }
  return [prefix];
}

describe(`the ${LETTER} letter data`, () => {
  it("loads in every language it has a file for, with no unusable translation", async () => {
    const { letter, localeErrors } = await loadLetter(DATA, LETTER);
    expect([...localeErrors].map(([locale, error]) => `${locale}: ${error.message}`)).toEqual([]);
    expect([...letter.translations.keys()].sort()).toEqual([...SHIPPED_LOCALES].sort());
  });

  it("names the nine co-signers and the fifteen members of the Council in 2015", async () => {
    const { letter } = await loadLetter(DATA, LETTER);
    expect(letter.facts.signatories).toHaveLength(9);
    expect(letter.facts.recipients.map((recipient) => recipient.country).sort()).toEqual([
      "AO",
      "CL",
      "CN",
      "ES",
      "FR",
      "GB",
      "JO",
      "LT",
      "MY",
      "NG",
      "NZ",
      "RU",
      "TD",
      "US",
      "VE",
    ]);
    // The seed states neither a date nor an ambassador's name: nothing is invented.
    expect(letter.facts.date).toBeUndefined();
    expect(letter.facts.recipients.some((recipient) => recipient.representativeName !== undefined)).toBe(false);
  });

  it("keeps the seed's English paragraphs word for word, with its quotations attributed", async () => {
    const seed = await readFile(join(__dirname, "../../../../shared/seeds/000_a4c01b9df4dd9a2f.txt"), "utf8").catch(() => null);
    const { letter } = await loadLetter(DATA, LETTER);
    const english = letter.translations.get("en")!;
    const paragraphs = english.paragraphs.map((paragraph) => paragraph.content.map((segment) => ("quote" in segment ? `“${segment.quote}”` : segment.text)).join(""));
    expect(paragraphs).toHaveLength(4);
    if (seed) for (const paragraph of paragraphs) expect(seed).toContain(paragraph);
    const quotes = english.paragraphs.flatMap((paragraph) => paragraph.content.filter((segment) => "quote" in segment));
    expect(quotes.map((quote) => ("quote" in quote ? quote.source : ""))).toEqual(["coi", "coi", "coi", "coi", "special-rapporteur", "special-rapporteur", "special-rapporteur"]);
  });

  it.each(SHIPPED_LOCALES.filter((locale) => locale !== "en"))("gives %s exactly the keys of the English source", async (locale) => {
    const source = JSON.parse(await readFile(join(DATA, LETTER, "en.json"), "utf8"));
    const translation = JSON.parse(await readFile(join(DATA, LETTER, `${locale}.json`), "utf8"));
    const withoutBookkeeping = (paths: string[]) => paths.filter((path) => path !== "locale" && !path.startsWith("translationOf."));
    // Text segments may be split differently per language; paragraphs and everything else must match.
    const shape = (paths: string[]) => withoutBookkeeping(paths).map((path) => path.replace(/content\[\d+\]\.(text|quote|source)/, "content[]"));
    expect([...new Set(shape(keyPaths(translation)))].sort()).toEqual([...new Set(shape(keyPaths(source)))].sort());
  });

  it("reports a translation as stale when an English paragraph changes", async () => {
    const copy = await mkdtemp(join(tmpdir(), "letterpress-stale-"));
    try {
      await cp(join(DATA, LETTER), join(copy, LETTER), { recursive: true });
      const sourcePath = join(copy, LETTER, "en.json");
      const source = JSON.parse(await readFile(sourcePath, "utf8"));
      source.paragraphs[3].content[0].text = source.paragraphs[3].content[0].text.replace("In our view,", "In our considered view,");
      await writeFile(sourcePath, JSON.stringify(source, null, 2));

      const { letter, localeErrors } = await loadLetter(copy, LETTER);
      expect([...letter.translations.keys()]).toEqual(["en"]);
      // Every translation present is stale, whichever languages the data has.
      const translated = (await readdir(join(copy, LETTER))).filter((name) => name !== "letter.json" && name !== "en.json").map((name) => name.replace(/\.json$/, ""));
      expect(translated.length).toBeGreaterThan(0);
      expect([...localeErrors.keys()].sort()).toEqual(translated.sort());
      expect(localeErrors.get("ko")?.code).toBe("STALE_TRANSLATION");
      expect(localeErrors.get("ko")?.message).toMatch(/^unsc-dprk-2015\/ko\.json: translationOf\.sourceSha256: the translation was made from source revision 153f3c33f2ea/);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});
