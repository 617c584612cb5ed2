import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fillLetter } from "../../functions/core/html/render-html";
import type { Letter } from "../../functions/core/letter/parse-letter";
import { loadLetter } from "../../functions/letters/load-letters";
import { createEngine, DATA_DIR, SEED_LETTER, TEMPLATES_DIR } from "../support/letters";

/** Every shipped template folder (one with a letter.hbs), read from templates/: a new one is checked too. */
const SHIPPED = readdirSync(TEMPLATES_DIR).filter((name) => statSync(join(TEMPLATES_DIR, name)).isDirectory() && readdirSync(join(TEMPLATES_DIR, name)).includes("letter.hbs"));

/** A letter of the data that uses each template: the seed for the Council's, the committee hearing for the committee's. */
const LETTER_OF: Record<string, string> = { "un-security-council": SEED_LETTER, "parliamentary-committee": "committee-hearing-defenders" };

/** The letter with every optional list emptied: no recipients, no sources (its quotations read as plain text). */
function withEmptyLists(letter: Letter): Letter {
  const translations = new Map(
    [...letter.translations].map(([locale, translation]) => [
      locale,
      {
        ...translation,
        sources: {},
        recipients: {},
        paragraphs: translation.paragraphs.map((paragraph) => ({
          ...paragraph,
          content: paragraph.content.map((segment) => ("quote" in segment ? { text: segment.quote } : segment)),
        })),
      },
    ]),
  );
  return { ...letter, facts: { ...letter.facts, recipients: [] }, translations } as Letter;
}

/**
 * The headings and labels of a filled letter with nothing under them: an <h2> whose section holds
 * no entry (li, tr or p) after it, and a label ending in ":" with no text after it before its element closes (not a paragraph: a salutation may end in ":", "Excelencias:").
 */
function emptyHeadings(fragment: string): string[] {
  const found: string[] = [];
  for (const [, section] of fragment.matchAll(/<section\b[^>]*>([\s\S]*?)<\/section>/g)) {
    const heading = /<h2\b[^>]*>([\s\S]*?)<\/h2>([\s\S]*)/.exec(section!);
    if (heading && !/<(li|td|p)\b[^>]*>\s*[^<\s]/.test(heading[2]!)) found.push(`heading "${heading[1]}" with no entry under it`);
  }
  for (const [label] of fragment.matchAll(/[^>]*:\s*(?=<\/(address|li|td|h\d|dt|dd)>)/g)) found.push(`label "${label.trim()}" with nothing after it`);
  return found;
}

describe("the shipped templates with a letter's lists empty (fresh user 7, item 16)", () => {
  it("covers every shipped template", () => {
    expect(SHIPPED.sort()).toEqual(Object.keys(LETTER_OF).sort());
  });

  for (const template of SHIPPED) {
    it(`${template}: prints no heading or label with nothing under it (no recipients, no sources), in every language`, async () => {
      const engine = await createEngine(template);
      const { letter } = await loadLetter(DATA_DIR, LETTER_OF[template]!);
      expect(letter.facts.template).toBe(template);
      const empty = withEmptyLists(letter);
      for (const locale of empty.translations.keys()) {
        const { fragment } = fillLetter(engine, empty, locale);
        expect({ locale, problems: emptyHeadings(fragment) }).toEqual({ locale, problems: [] });
        expect(fragment).not.toContain('class="sources"');
        // The letter is still whole: its signatories' heading has its entries under it.
        expect(fragment).toContain('id="signatories-heading"');
      }
    });

    it(`${template}: still prints the headings whose lists have entries (the check can find them)`, async () => {
      const engine = await createEngine(template);
      const { letter } = await loadLetter(DATA_DIR, LETTER_OF[template]!);
      for (const locale of letter.translations.keys()) {
        const { fragment } = fillLetter(engine, letter, locale);
        expect({ locale, problems: emptyHeadings(fragment) }).toEqual({ locale, problems: [] });
        if (Object.keys(letter.translations.get(locale)!.sources).length > 0) expect(fragment).toContain('id="sources-heading"');
      }
    });
  }

  it("the check finds an empty heading and a bare label (as the old templates printed them)", () => {
    expect(emptyHeadings('<section class="sources"><h2 id="sources-heading">Sources of quotations</h2>\n<ul>\n</ul>\n</section>')).toHaveLength(1);
    expect(emptyHeadings('<address class="addressee">The Members<br>Members of the Council: </address>')).toHaveLength(1);
    expect(emptyHeadings("<section><h2>Signatories</h2><ul><li>A</li></ul></section><address>To: Someone</address>")).toEqual([]);
  });
});
