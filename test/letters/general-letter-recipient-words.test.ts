import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type LetterContext, type TemplateOffer, templateOffersOf } from "../../functions/core/letter/letter-context";
import { type LetterFile, parseLetter } from "../../functions/core/letter/parse-letter";
import { recipientFingerprints } from "../../functions/core/letter/source-fingerprint";
import { TemplateLibrary } from "../../functions/core/template/template-library";
import { loadTemplateSets } from "../../functions/templates/load-template-set";
import { DATA_DIR, TEMPLATES_DIR } from "../support/letters";

/**
 * A language's letter to all recipients needs every recipient's words, current, only when its template
 * prints the recipients' list (`recipientList`): a template that does not (parliamentary-committee,
 * and any organization's copy of it) makes that letter whatever the recipients' words are (fresh
 * user 15: one recipient's words changed in the source held back every language's letter to all).
 * Against the real templates, their syntax trees read as the render reads them.
 */
const LETTER = join(DATA_DIR, "committee-hearing-defenders");
type Json = Record<string, any>;

let offers: Map<string, TemplateOffer>;
beforeAll(async () => {
  offers = templateOffersOf(new TemplateLibrary(await loadTemplateSets(TEMPLATES_DIR)));
});

/** The committee letter with two recipients, one reading German, one French; French lacks the German reader's words, German records an old fingerprint of its own reader's. */
function letterWithRecipients(): LetterFile[] {
  const files: Record<string, Json> = Object.fromEntries(readdirSync(LETTER).map((name) => [name, JSON.parse(readFileSync(join(LETTER, name), "utf8"))]));
  files["letter.json"]!.recipients = [
    { id: "bundestag", country: "DE", locale: "de" },
    { id: "assemblee", country: "FR", locale: "fr" },
  ];
  const words = (country: string) => ({ country, representative: `Chair of the committee of ${country}` });
  files["en.json"]!.recipients = { bundestag: words("Germany"), assemblee: words("France") };
  const current = recipientFingerprints(files["en.json"]!);
  files["de.json"]!.recipients = { bundestag: words("Deutschland"), assemblee: words("Frankreich") };
  files["de.json"]!.translationOf.recipients = { bundestag: current.get("bundestag"), assemblee: "0123456789abcdef" };
  files["fr.json"]!.recipients = { assemblee: words("France") };
  files["fr.json"]!.translationOf.recipients = { assemblee: current.get("assemblee") };
  return Object.entries(files).map(([name, value]) => ({ name, bytes: new TextEncoder().encode(JSON.stringify(value)) }));
}

describe("a letter to all recipients and the recipients' words", () => {
  it("reads from each template's syntax whether it prints the recipients' list", () => {
    expect(offers.get("un-security-council")?.printsRecipientList).toBe(true);
    expect(offers.get("parliamentary-committee")?.printsRecipientList).toBe(false);
  });

  it("makes every language's letter to all recipients under a template that prints no list, and still refuses a reader's own stale copy", () => {
    const parsed = parseLetter("committee-hearing-defenders", letterWithRecipients(), [], { templates: offers });
    expect([...parsed.generalLetterErrors.keys()]).toEqual([]);
    expect(parsed.localeErrors.size).toBe(0);
    expect([...parsed.recipientErrors.keys()]).toEqual([]);
    const staleReader = letterWithRecipients().map((file) => {
      if (file.name !== "fr.json" || !("bytes" in file)) return file;
      const fr = JSON.parse(new TextDecoder().decode(file.bytes));
      fr.translationOf.recipients.assemblee = "0123456789abcdef";
      return { name: file.name, bytes: new TextEncoder().encode(JSON.stringify(fr)) };
    });
    const refused = parseLetter("committee-hearing-defenders", staleReader, [], { templates: offers });
    expect([...refused.recipientErrors.keys()]).toEqual(["assemblee"]);
    expect([...refused.generalLetterErrors.keys()]).toEqual([]);
  });

  it("refuses them, naming what is missing and stale, when the same template printed the list", () => {
    const printing: LetterContext = { templates: new Map([...offers].map(([name, offer]) => [name, { ...offer, printsRecipientList: true }])) };
    const parsed = parseLetter("committee-hearing-defenders", letterWithRecipients(), [], printing);
    expect([...parsed.generalLetterErrors.keys()].sort()).toEqual(["de", "fr"]);
    expect(parsed.generalLetterErrors.get("fr")?.message).toContain('"bundestag"');
    expect(parsed.generalLetterErrors.get("de")?.message).toContain("translationOf.recipients.assemblee");
  });
});
