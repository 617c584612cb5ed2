import { fillLetter } from "../../../functions/core/html/render-html";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { loadTemplateSet } from "../../../functions/templates/load-template-set";
import { loadFixtureLetter, SEED_TEMPLATE, TEMPLATES_DIR } from "../../support/letters";

/** The seed's template with its letterhead and body printing the letter's own words instead of its messages. */
async function engineWith(partials: Record<string, string>): Promise<TemplateEngine> {
  const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
  return new TemplateEngine({ ...set, name: "own-words", partials: { ...set.partials, ...partials } });
}

/** The fixture letter "sample" with extra fields in some of its language files. */
function sampleWith(extra: Partial<Record<"en" | "fr", Record<string, unknown>>>) {
  const { letter } = loadFixtureLetter("sample");
  const translations = new Map(letter.translations);
  for (const [locale, fields] of Object.entries(extra)) translations.set(locale, { ...translations.get(locale)!, ...fields });
  return { ...letter, translations };
}

const OWN_WORDS = {
  addressee: '<address class="addressee">{{#each addressee}}{{this}}<br>{{/each}}</address>',
  letterhead: '<header class="letterhead"><p class="sender">{{sender}}</p><p class="sender-kind">{{senderKind}}</p></header>',
};

describe("the letter's own words (addressee, salutation, valediction, sender kind)", () => {
  it("are the ones a template prints, found in its syntax trees; a partial named like one ({{> addressee}}) is not one", async () => {
    const seed = new TemplateEngine(await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE));
    expect(seed.letterWords).toEqual([]);
    const own = await engineWith({ ...OWN_WORDS, body: "<p>{{#if salutation}}{{salutation}}{{/if}}</p><p>{{valediction}}</p>" });
    expect(own.letterWords).toEqual(["addressee", "salutation", "valediction", "senderKind"]);
  });

  it("are printed from the letter's file of each language, escaped", async () => {
    const engine = await engineWith(OWN_WORDS);
    const words = (locale: string) => ({ addressee: [`Committee <${locale}>`, "Parliament & Co"], senderKind: `Coalition ${locale}` });
    const letter = sampleWith({ en: words("en"), fr: words("fr") });
    for (const locale of ["en", "fr"]) {
      const { fragment } = fillLetter(engine, letter, locale);
      expect(fragment).toContain(`<address class="addressee">Committee &lt;${locale}&gt;<br>Parliament &amp; Co<br></address>`);
      expect(fragment).toContain(`<p class="sender-kind">Coalition ${locale}</p>`);
    }
  });

  it("missing from one language's file is an error naming that file, each missing field and the template", async () => {
    const engine = await engineWith(OWN_WORDS);
    const letter = sampleWith({ en: { addressee: ["Committee"], senderKind: "Coalition" }, fr: { addressee: ["Commission"] } });
    expect(fillLetter(engine, letter, "en").fragment).toContain("Committee");
    expect(() => fillLetter(engine, letter, "fr")).toThrow('sample/fr.json: senderKind: missing; the letter\'s template "own-words" prints it');
    expect(() => fillLetter(engine, sampleWith({}), "en")).toThrow(
      'sample/en.json: addressee: missing; the letter\'s template "own-words" prints it\nsample/en.json: senderKind: missing; the letter\'s template "own-words" prints it',
    );
  });
});

describe("a template's catalogs", () => {
  it("must each have every message the template prints: one missing is an error naming the catalog file, the key and the source", async () => {
    const set = await loadTemplateSet(TEMPLATES_DIR, "parliamentary-committee");
    const { ["signatories.signature"]: _dropped, ...german } = set.catalogs.de!;
    expect(() => new TemplateEngine({ ...set, catalogs: { ...set.catalogs, de: german } })).toThrow(
      "templates/parliamentary-committee/messages/de.json: signatories.signature: missing; partials/signatories.hbs line 7, column 74 prints it",
    );
    // A key printed in a subexpression counts too.
    const partials = { ...set.partials, letterhead: '<header class="letterhead"><p class="sender">{{sender}} {{#if (t "letterhead.extra")}}x{{/if}}</p></header>' };
    expect(() => new TemplateEngine({ ...set, partials })).toThrow(
      "templates/parliamentary-committee/messages/de.json: letterhead.extra: missing; partials/letterhead.hbs line 1, column 63 prints it\ntemplates/parliamentary-committee/messages/en.json: letterhead.extra: missing; partials/letterhead.hbs line 1, column 63 prints it",
    );
  });
});
