import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Letter } from "../../functions/core/letter/parse-letter";
import { describeLetterRun } from "../../local/letter-run-report";

/** Issue 15 item 3: what serve prints for a letter of which nothing was published in this render. */
describe("describeLetterRun, for a letter this render did not publish", () => {
  const partFailure = {
    letterId: "my-letter",
    revision: "0123456789ab",
    locale: "fr",
    part: "1/1",
    failed: [{ format: "pdf", recipientId: null, code: "TEMPLATE_ERROR", reason: "x.hbs line 2" }],
  };

  it("never says '(none) published' when every document failed and nothing was published before", () => {
    const report = describeLetterRun({ letterId: "my-letter", letter: undefined, revision: undefined, documents: 0, failures: [partFailure], deadLetters: [] });
    expect(report.out).toEqual([]);
    expect(report.err).toEqual([
      "letter my-letter: not published: none of its documents could be made (below)",
      "letter my-letter: 1 failure:",
      "  fr PDF: TEMPLATE_ERROR: x.hbs line 2",
    ]);
  });

  it("says what the links still lead to when the letter cannot be read now, each problem on its own line", () => {
    const failure = { letterId: "my-letter", messageIds: ["m1"], code: "INVALID_DATA", reason: "my-letter/letter.json: malformed JSON\nmy-letter/en.json: missing" };
    const report = describeLetterRun({ letterId: "my-letter", letter: undefined, revision: "feedc0ffee12", documents: 6, failures: [failure], deadLetters: [] });
    expect(report.out).toEqual([]);
    expect(report.err).toEqual([
      "letter my-letter: not published (its links still lead to revision feedc0ffee12, published before): its data is invalid (INVALID_DATA):",
      "  my-letter/letter.json: malformed JSON",
      "  my-letter/en.json: missing",
    ]);
  });

  it.each([
    ["feedc0ffee12", "; its stored documents (revision feedc0ffee12) are kept until withdrawn (npm run withdraw -- --letter my-letter) and serve again once the folder is back"],
    [undefined, ""],
  ])("says a letter moved out of the data (published: %s) is unlisted, its links 410 and downloads 404, never that its links still lead to it", (revision, stored) => {
    const failure = { letterId: "my-letter", messageIds: ["m1"], code: "UNKNOWN_LETTER", reason: 'no letter "my-letter" in data' };
    const report = describeLetterRun({ letterId: "my-letter", letter: undefined, revision, documents: 0, failures: [failure], deadLetters: [] });
    expect(report.err).toEqual([]);
    expect(report.out).toEqual([`letter my-letter: no longer in the data (no letter "my-letter" in data): not listed, its links answer 410 and its downloads 404${stored}`]);
  });

  it("says a letter that could not be planned for another reason by its code", () => {
    const failure = { letterId: "my-letter", messageIds: ["m1"], code: "TEMPLATE_ERROR", reason: "templates/x/letter.hbs line 1" };
    const report = describeLetterRun({ letterId: "my-letter", letter: undefined, revision: undefined, documents: 0, failures: [failure], deadLetters: [] });
    expect(report.err).toEqual(["letter my-letter: not published (nothing of it is published): it could not be planned (TEMPLATE_ERROR):", "  templates/x/letter.hbs line 1"]);
  });

  // Review of issue 15's fix: a render whose own revision did not complete (a PDF failed) was said as
  // "revision <the one published before> published", as if this render had published it.
  it("says a revision that did not complete is not published, and what the links still lead to", () => {
    const report = describeLetterRun({
      letterId: "my-letter",
      letter: undefined,
      revision: "feedc0ffee12",
      rendered: "0123456789ab",
      documents: 6,
      failures: [partFailure],
      deadLetters: [],
    });
    expect(report.out).toEqual([]);
    expect(report.err).toEqual([
      "letter my-letter: revision 0123456789ab not published (its links still lead to revision feedc0ffee12, published before): some of its documents could not be made (below)",
      "letter my-letter: 1 failure:",
      "  fr PDF: TEMPLATE_ERROR: x.hbs line 2",
    ]);
    // The revision it made, once latest.json names it, is published.
    const published = describeLetterRun({
      letterId: "my-letter",
      letter: undefined,
      revision: "0123456789ab",
      rendered: "0123456789ab",
      documents: 6,
      failures: [],
      deadLetters: [],
    });
    expect(published.out).toEqual(["letter my-letter: revision 0123456789ab published, 6 documents"]);
  });
});

/**
 * README's serve section shows what serve prints: a published revision (with the failures of a language
 * its data refuses), and a revision that did not complete, which is not published (its links still lead
 * to the revision before). Each example is exactly what describeLetterRun prints for the run it shows.
 */
describe("README's serve examples", () => {
  const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```\n(letter committee-hearing-defenders [\s\S]*?)```/g)].map((match) => (match[1] as string).trimEnd().split("\n"));
  // Named by its title in English, as the console names it ("..." in README).
  const letter = { facts: { id: "committee-hearing-defenders", sourceLocale: "en" }, translations: new Map([["en", { title: "..." }]]) } as unknown as Letter;
  const run = { letterId: "committee-hearing-defenders", letter, deadLetters: [] };
  const failureOf = (line: string) => {
    const [, format, code, reason] = /^ {2}[a-z]+ (PDF|HTML): ([A-Z_]+): (.*)$/.exec(line) ?? [];
    return { format: (format as string).toLowerCase(), recipientId: null, code: code as string, reason: reason as string };
  };

  it("shows a published revision as serve prints it", () => {
    const block = blocks.find((lines) => / published, /.test(lines[0] as string));
    expect(block).toBeDefined();
    const [, revision, documents] = /revision ([0-9a-f]+) published, (\d+) documents$/.exec((block as string[])[0] as string) ?? [];
    const failed = (block as string[]).slice(2).map(failureOf);
    const failure = { letterId: run.letterId, revision: revision as string, locale: "fr", part: "1/1", failed };
    expect(describeLetterRun({ ...run, revision, rendered: revision, documents: Number(documents), failures: [failure] }).err).toEqual((block as string[]).slice(1));
    expect(describeLetterRun({ ...run, revision, rendered: revision, documents: Number(documents), failures: [failure] }).out).toEqual((block as string[]).slice(0, 1));
  });

  it("shows a revision that did not complete as serve prints it: not published, and what its links still lead to", () => {
    const block = blocks.find((lines) => / not published \(its links still lead to revision /.test(lines[0] as string));
    expect(block).toBeDefined();
    const [, rendered, revision] =
      /revision ([0-9a-f]+) not published \(its links still lead to revision ([0-9a-f]+), published before\)/.exec((block as string[])[0] as string) ?? [];
    expect(rendered).not.toBe(revision);
    const failed = (block as string[]).slice(2).map(failureOf);
    const failure = { letterId: run.letterId, revision: rendered as string, locale: "ru", part: "1/1", failed };
    const report = describeLetterRun({ ...run, revision, rendered, documents: 4, failures: [failure] });
    expect(report.out).toEqual([]);
    expect(report.err).toEqual(block);
  });
});

/** Fresh user s12, item 5: serve printed a line per failed copy of a letter of 800 recipients, alike but for the recipient. */
describe("describeLetterRun, for a letter of many recipients failing alike", () => {
  const ids = Array.from({ length: 800 }, (_, i) => `r${String(i).padStart(4, "0")}`);
  /** What serve prints for letter "big" after `failure`, its log in .local/functions.log. */
  const reportOf = (failure: Parameters<typeof describeLetterRun>[0]["failures"][number]) =>
    describeLetterRun({ letterId: "big", letter: undefined, revision: undefined, documents: 0, failures: [failure], deadLetters: [], functionsLog: ".local/functions.log" });
  const missing = (id: string) => `big/fr.json: translationOf.recipients.${id}: missing; expected "${id}": "${id.padEnd(16, "0").replace("r", "a")}" in translationOf.recipients`;

  it("says the first few in full, then their count and first names, and where every one is; the failure count is every document's", () => {
    const failure = {
      letterId: "big",
      revision: "0123456789ab",
      locale: "fr",
      part: "1/1",
      failed: ids.map((id) => ({ format: "html", recipientId: id, code: "STALE_TRANSLATION", reason: missing(id) })),
    };
    const report = reportOf(failure);
    expect(report.err).toEqual([
      "letter big: not published: none of its documents could be made (below)",
      "letter big: 800 failures:",
      `  fr HTML (copy for r0000): STALE_TRANSLATION: ${missing("r0000")}`,
      `  fr HTML (copy for r0001): STALE_TRANSLATION: ${missing("r0001")}`,
      `  fr HTML (copy for r0002): STALE_TRANSLATION: ${missing("r0002")}`,
      '  800 documents failed alike, the first 3 said above (fr HTML (copy for <id>): STALE_TRANSLATION: big/fr.json: translationOf.recipients.<id>: missing; expected "<id>": "<fingerprint>" in translationOf.recipients): ' +
        "fr HTML (copy for r0000), fr HTML (copy for r0001), fr HTML (copy for r0002), fr HTML (copy for r0003), fr HTML (copy for r0004) and 795 more; every one in .local/functions.log",
    ]);
  });

  it("sums up a letter's alike data problems the same way", () => {
    const failure = { letterId: "big", messageIds: ["m1"], code: "INVALID_DATA", reason: ids.map(missing).join("\n") };
    const report = reportOf(failure);
    expect(report.err).toHaveLength(1 + 3 + 1);
    expect(report.err.at(-1)).toMatch(
      /^ {2}800 problems alike, the first 3 said above \(.*\): big\/fr\.json: translationOf\.recipients\.r0000, .* and 795 more; every one in \.local\/functions\.log$/,
    );
  });
});
