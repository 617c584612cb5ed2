import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { loadTemplateSet } from "../../../functions/templates/load-template-set";
import { TEMPLATES_DIR } from "../../support/letters";

/**
 * A message key no catalog has is named with the line and column of the `{{t}}` that prints it,
 * in a partial (partials/<name>.hbs) as in letter.hbs, whatever form the call takes: printed,
 * printed unescaped, in a block's condition, as a partial's hash value, inside a block.
 */
const TEMPLATE = "parliamentary-committee";
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lp-callpos-"));
  cpSync(TEMPLATES_DIR, dir, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The 1-based line and column where `needle` starts in `source`. */
function positionIn(source: string, needle: string): string {
  const offset = source.indexOf(needle);
  if (offset < 0) throw new Error(`${needle} is not in the source`);
  const before = source.slice(0, offset).split("\n");
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

async function loadProblems(): Promise<string[]> {
  const set = await loadTemplateSet(dir, TEMPLATE);
  try {
    new TemplateEngine(set);
  } catch (error) {
    return (error as Error).message.split("\n").map((line) => line.replace(`${set.folder}/`, ""));
  }
  return [];
}

/** Adds `partial` as partials/notes.hbs, called after the letterhead, and `inLetter` after the title. */
function writeTemplate(partial: string, inLetter: string): string {
  const letterFile = join(dir, TEMPLATE, "letter.hbs");
  const letter = readFileSync(letterFile, "utf8").replace("{{> letterhead}}", "{{> letterhead}}\n{{> notes}}").replace("</h1>", `</h1>\n${inLetter}`);
  writeFileSync(letterFile, letter);
  writeFileSync(join(dir, TEMPLATE, "partials", "notes.hbs"), partial);
  writeFileSync(join(dir, TEMPLATE, "partials", "label.hbs"), "<span>{{text}}</span>");
  return letter;
}

describe("a missing message key, at load", () => {
  it("is named by the line and column of each call that prints it, in a partial as in letter.hbs", async () => {
    const partial = [
      '<p>{{t "walker.printed"}}</p>',
      '  <p>{{{t "walker.unescaped"}}}</p>',
      '{{#if summary}}<p>{{#if (t "walker.condition")}}x{{/if}}</p>{{/if}}',
      '<p>{{> label text=(t "walker.hash")}}</p>',
    ].join("\n");
    const letter = writeTemplate(partial, '<p class="summary">{{t "walker.top"}} {{#each signatories}}{{t "walker.block"}}{{/each}}</p>');
    const problems = await loadProblems();
    const expected = [
      ["walker.printed", "partials/notes.hbs", positionIn(partial, '{{t "walker.printed"}}')],
      ["walker.unescaped", "partials/notes.hbs", positionIn(partial, '{{{t "walker.unescaped"}}}')],
      ["walker.condition", "partials/notes.hbs", positionIn(partial, '(t "walker.condition")')],
      ["walker.hash", "partials/notes.hbs", positionIn(partial, '(t "walker.hash")')],
      ["walker.top", "letter.hbs", positionIn(letter, '{{t "walker.top"}}')],
      ["walker.block", "letter.hbs", positionIn(letter, '{{t "walker.block"}}')],
    ];
    for (const locale of ["de", "en", "fr"])
      for (const [key, file, at] of expected) expect(problems).toContain(`messages/${locale}.json: ${key}: missing; ${file} ${at} prints it`);
  });

  it("is named at the first call that prints it when several do", async () => {
    const partial = '<p>\n   {{t "walker.twice"}}</p>\n<p>{{t "walker.twice"}}</p>';
    writeTemplate(partial, "");
    const problems = await loadProblems();
    expect(problems.filter((problem) => problem.includes("walker.twice"))).toEqual(
      ["de", "en", "fr"].map((locale) => `messages/${locale}.json: walker.twice: missing; partials/notes.hbs line 2, column 4 prints it`),
    );
  });
});
