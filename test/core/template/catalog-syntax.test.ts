import { checkCatalogs, checkTemplateCatalogs } from "../../../functions/core/template/message-catalog";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { loadTemplateSet } from "../../../functions/templates/load-template-set";
import { SEED_TEMPLATE, TEMPLATES_DIR } from "../../support/letters";

/**
 * A catalog's ICU errors say where they are (issue 15 item 9.4), and a plural branch the language
 * never selects (French `few`) is refused at load rather than ignored: Intl.PluralRules says which
 * categories a language has, `other` and exact `=n` matches always stand.
 */
const printed = (key: string, ...names: string[]) => new Map([[key, { calls: [{ where: "letter.hbs", arguments: new Set(names) }] }]]);

describe("catalog message syntax and plural categories", () => {
  it("gives the line and column (in the message) of an ICU syntax error, with the text around it", () => {
    const problems = checkTemplateCatalogs({ en: { greeting: "Dear {name,\nwith {count" } }, printed("greeting", "name", "count"));
    expect(problems).toEqual(['messages/en.json: greeting: malformed ICU message (invalid argument type, at line 2, column 1 of the message: near "Dear {name,\\nwith {count")']);
    const [unclosed] = checkTemplateCatalogs({ fr: { note: "Bonjour\n{n, plural, one {#} other {#}" } }, printed("note", "n"));
    expect(unclosed).toMatch(/^messages\/fr\.json: note: malformed ICU message \(.*, at line 2, column \d+ of the message/);
  });

  it("refuses a plural category the language does not have, cardinal and ordinal, however deep", () => {
    const problems = checkTemplateCatalogs(
      {
        fr: { items: "{n, plural, one {# pièce} few {# pièces} other {# pièces}}" },
        en: { items: "{n, plural, =0 {none} one {# item} other {# items}}" },
        ja: { items: "{n, plural, other {{n, selectordinal, one {#st} other {#}}}}" },
        ru: { items: "{n, plural, one {#} few {#} many {#} other {#}}" },
      },
      printed("items", "n"),
    );
    expect(problems).toEqual([
      'messages/fr.json: items: {n, plural} has a branch "few", a category fr never selects; expected many, one, other or an exact =n',
      'messages/ja.json: items: {n, selectordinal} has a branch "one", a category ja never selects; expected other or an exact =n',
    ]);
  });

  // fresh user 8a, item 6: the check was one-sided; a branch the language needs was never asked for.
  it("refuses a message with no branch for a category the language selects for whole counts, naming the counts", () => {
    const problems = checkTemplateCatalogs(
      {
        "sr-Latn": { items: "{n, plural, one {# stavka} other {# stavki}}" },
        ru: { items: "{n, plural, one {# пункт} many {# пунктов} other {# пункта}}" },
        // Exact matches cover a category of one count (Arabic zero and two); French many is for a million and more.
        ar: { items: "{n, plural, =0 {لا شيء} one {#} =2 {#} few {#} many {#} other {#}}" },
        fr: { items: "{n, plural, one {# pièce} other {# pièces}}" },
        en: { items: "{n, selectordinal, one {#st} two {#nd} few {#rd} other {#th}}" },
        he: { items: "{n, selectordinal, other {#}}" },
      },
      printed("items", "n"),
    );
    expect(problems).toEqual([
      'messages/ru.json: items: {n, plural} has no branch "few", which ru selects for 2, 3, 4, 22, …: those counts would print the "other" branch; add a "few" branch (or exact =n branches for them)',
      'messages/sr-Latn.json: items: {n, plural} has no branch "few", which sr-Latn selects for 2, 3, 4, 22, …: those counts would print the "other" branch; add a "few" branch (or exact =n branches for them)',
    ]);
    const ordinal = checkTemplateCatalogs({ en: { items: "{n, selectordinal, one {#st} other {#th}}" } }, printed("items", "n"));
    expect(ordinal).toEqual([
      'messages/en.json: items: {n, selectordinal} has no branch "two", which en selects for 2, 22, 32, 42, …: those counts would print the "other" branch; add a "two" branch (or exact =n branches for them)',
      'messages/en.json: items: {n, selectordinal} has no branch "few", which en selects for 3, 23, 33, 43, …: those counts would print the "other" branch; add a "few" branch (or exact =n branches for them)',
    ]);
  });

  // issue 13, cold start: the counts asked are 0-199 and the hundreds; exact branches cover a finite category, never one that goes on.
  it("takes exact =n branches for every count of a category that has a few, never for one that goes on", () => {
    const italian = "{n, selectordinal, =8 {l'8ª} =11 {l'11ª} =80 {l'80ª} =800 {l'800ª} other {la #ª}}";
    expect(checkTemplateCatalogs({ it: { rank: italian } }, printed("rank", "n"))).toEqual([]);
    expect(checkTemplateCatalogs({ it: { rank: italian.replace(" =800 {l'800ª}", "") } }, printed("rank", "n"))).toEqual([
      'messages/it.json: rank: {n, selectordinal} has no branch "many", which it selects for 800: those counts would print the "other" branch; add a "many" branch (or exact =n branches for them)',
    ]);
    // Slovenian "two" is 2, 102, 202, ...: two exact branches below 200 do not cover it.
    expect(checkTemplateCatalogs({ sl: { items: "{n, plural, one {#} few {#} =2 {dva} =102 {sto dva} other {#}}" } }, printed("items", "n"))).toEqual([
      'messages/sl.json: items: {n, plural} has no branch "two", which sl selects for 2, 102, …: those counts would print the "other" branch; add a "two" branch (or exact =n branches for them)',
    ]);
  });

  it("refuses it in the source-catalog check too", () => {
    expect(checkCatalogs({ en: { k: "{n, plural, one {a} two {b} other {c}}" } }, "en")).toEqual([
      'messages/en.json: k: {n, plural} has a branch "two", a category en never selects; expected one, other or an exact =n',
    ]);
  });

  it("the template refuses French few when it loads", async () => {
    const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
    const catalogs = Object.fromEntries(Object.entries(set.catalogs).map(([tag, catalog]) => [tag, { ...catalog }]));
    const key = Object.keys(catalogs["fr"]!).find((name) => catalogs["fr"]![name]!.includes("plural"));
    expect(key).toBeDefined();
    catalogs["fr"]![key!] = catalogs["fr"]![key!]!.replace(/\bother\s*\{/, "few {x} other {");
    expect(() => new TemplateEngine({ ...set, catalogs })).toThrow(
      new RegExp(
        `templates/${SEED_TEMPLATE}/messages/fr\\.json line \\d+, column 3: ${key!.replace(/\./g, "\\.")}: \\{\\w+, plural\\} has a branch "few", a category fr never selects`,
      ),
    );
  });
});
