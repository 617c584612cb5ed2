import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { loadTemplateSet } from "../../../functions/templates/load-template-set";
import { TEMPLATES_DIR } from "../../support/letters";

/**
 * A template's catalogs are checked against what the template prints, not against one catalog:
 * with `footer.page` removed from en.json alone, de and fr were told the key was "unexpected"; removed
 * there too, all three were told it was "missing". The advice for a file must not flip with another
 * file, so that following it for one file never makes the others wrong.
 */
type Catalogs = Record<string, Record<string, string>>;

async function problemsOf(template: string, edit: (catalogs: Catalogs) => void, change: { partials?: Record<string, string> } = {}): Promise<string[]> {
  const set = await loadTemplateSet(TEMPLATES_DIR, template);
  const catalogs: Catalogs = Object.fromEntries(Object.entries(set.catalogs).map(([tag, catalog]) => [tag, { ...catalog }]));
  edit(catalogs);
  try {
    new TemplateEngine({ ...set, catalogs, partials: { ...set.partials, ...change.partials } });
  } catch (error) {
    return (error as Error).message.split("\n");
  }
  return [];
}

/** The line a shipped catalog writes a key on: its problems name it. */
const keyLine = (template: string, locale: string, key: string) =>
  readFileSync(join(TEMPLATES_DIR, template, "messages", `${locale}.json`), "utf8")
    .split("\n")
    .findIndex((line) => line.includes(`"${key}"`)) + 1;

const drop =
  (key: string, ...locales: string[]) =>
  (catalogs: Catalogs) => {
    for (const locale of locales) delete catalogs[locale]![key];
  };

describe("the reference of a template's catalogs is what the template prints", () => {
  const committee = "templates/parliamentary-committee/messages";

  it("a key the code prints, removed from the English catalog alone, is missing there and nowhere else", async () => {
    expect(await problemsOf("parliamentary-committee", drop("footer.page", "en"))).toEqual([`${committee}/en.json: footer.page: missing; the page label (--page-label) prints it`]);
  });

  it("removed from every catalog, it is missing in each, in the same words: the advice for en.json did not flip", async () => {
    expect(await problemsOf("parliamentary-committee", drop("footer.page", "en", "de", "fr"))).toEqual(
      ["de", "en", "fr"].map((locale) => `${committee}/${locale}.json: footer.page: missing; the page label (--page-label) prints it`),
    );
  });

  it("a key a partial prints, removed from the source language and one other, is missing in those two only", async () => {
    const problems = await problemsOf("un-security-council", drop("closing.valediction", "en", "ar"));
    expect(problems).toEqual(
      ["ar", "en"].map((locale) => `templates/un-security-council/messages/${locale}.json: closing.valediction: missing; partials/body.hbs line 7, column 20 prints it`),
    );
  });

  it("a key nothing prints, removed from one catalog, is unexpected where it remains; removed everywhere, nothing is said", async () => {
    // letterhead.from is in every catalog of the Security Council template, and no source prints it.
    const some = await problemsOf("un-security-council", drop("letterhead.from", "en"));
    expect(some).toHaveLength(14);
    for (const line of some)
      expect(line).toMatch(
        /messages\/[a-z]+\.json line \d+, column 3: letterhead\.from: unexpected key; no source of the template prints it and messages\/en\.json lacks it: remove it/,
      );
    const set = await loadTemplateSet(TEMPLATES_DIR, "un-security-council");
    expect(await problemsOf("un-security-council", drop("letterhead.from", ...Object.keys(set.catalogs)))).toEqual([]);
  });

  it("a key added to one catalog is unexpected there, and the others are not told to add it", async () => {
    const problems = await problemsOf("parliamentary-committee", (catalogs) => {
      catalogs["de"]!["budget.extra"] = "zusätzlich";
    });
    expect(problems).toEqual([
      `${committee}/de.json: budget.extra: unexpected key; no source of the template prints it and messages/en.json, messages/fr.json lack it: remove it (or print it, and add it to every catalog)`,
    ]);
  });

  it("arguments are checked against what the template passes: a source-language message that drops one is wrong there alone", async () => {
    const problems = await problemsOf("parliamentary-committee", (catalogs) => {
      catalogs["en"]!["footer.page"] = "Page {page}";
    });
    expect(problems).toEqual([
      `${committee}/en.json line ${keyLine("parliamentary-committee", "en", "footer.page")}, column 3: footer.page: expected the arguments {page}, {pages}, found {page}; the page label (--page-label) passes them`,
    ]);
  });

  it("a message using an argument one place does not pass names that place, per catalog when only some use it", async () => {
    const problems = await problemsOf(
      "parliamentary-committee",
      (catalogs) => {
        catalogs["fr"]!["translation.label"] = "Traduction ({source})";
      },
      { partials: { extra: '<p>{{t "translation.label" source=sourceLocale}}</p>' } },
    );
    expect(problems).toEqual([
      `${committee}/fr.json line ${keyLine("parliamentary-committee", "fr", "translation.label")}, column 3: translation.label: uses {source}, which partials/translation-notice.hbs does not pass (it passes no arguments)`,
    ]);
  });

  it("a source that passes fewer arguments than the code to a key both print is named, the code never", async () => {
    const problems = await problemsOf("parliamentary-committee", () => undefined, { partials: { extra: '<p>{{t "footer.page" page=1}}</p>' } });
    expect(problems).toEqual([`templates/parliamentary-committee/partials/extra.hbs: {{t "footer.page"}} passes {page}, but every catalog's message uses {pages}: pass it there`]);
  });

  it("when a {{t}} names its key from data, every catalog needs every key of the others", async () => {
    const problems = await problemsOf("parliamentary-committee", drop("letterhead.logo", "fr"), { partials: { extra: "<p>{{t title}}</p>" } });
    // letterhead.logo is printed by a literal key too: missing in fr, by the partial that prints it.
    expect(problems).toEqual([
      expect.stringMatching(/^templates\/parliamentary-committee\/messages\/fr\.json: letterhead\.logo: missing; partials\/letterhead\.hbs line 2, column 49 prints it$/),
    ]);
    const extra = await problemsOf(
      "parliamentary-committee",
      (catalogs) => {
        catalogs["de"]!["status.draft"] = "Entwurf";
      },
      { partials: { extra: "<p>{{t title}}</p>" } },
    );
    expect(extra).toEqual([
      `${committee}/en.json: status.draft: missing; messages/de.json has it, and a {{t}} of the template names its key from data, so every catalog needs every key of the others`,
      `${committee}/fr.json: status.draft: missing; messages/de.json has it, and a {{t}} of the template names its key from data, so every catalog needs every key of the others`,
    ]);
  });
});
