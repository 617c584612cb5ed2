import { PassThrough } from "node:stream";
import type { DocumentFailure, DocumentRequest } from "../../functions/core/documents";
import { LetterpressError } from "../../functions/core/errors";
import { FailureGroups, failureKind, groupedProblemLines, idsInPath, SAID_IN_FULL } from "../../local/failure-groups";
import { ProgressTable } from "../../local/progress-table";

/**
 * A letter of 800 recipients whose translation records no fingerprint for them printed 800 lines of
 * the same words and no summary (fresh user, s12 item 5): alike failures are said in full the first
 * few times, then summed up in a line with their count and first names; none is lost.
 */
const ids = Array.from({ length: 800 }, (_, i) => `r${String(i).padStart(4, "0")}`);
const fingerprint = (i: number) => (0x485cff7a720aca9cn + BigInt(i) * 7919n).toString(16).padStart(16, "0");
const missing = (id: string, i: number) =>
  `big/fr.json: translationOf.recipients.${id}: missing; expected "${id}": "${fingerprint(i)}" in translationOf.recipients (the fingerprint of en.json's recipients.${id})`;

function failure(recipientId: string, message: string): DocumentFailure {
  const request: DocumentRequest = { letterId: "big", locale: "fr", format: "html", recipientId };
  return { request, error: new LetterpressError("STALE_TRANSLATION", message) } as DocumentFailure;
}

/** The table's lines (a stream that is not a terminal: a row per document) after `failures`. */
function printed(failures: readonly DocumentFailure[], everyFailure = false): string[] {
  const out = new PassThrough();
  let text = "";
  out.on("data", (chunk: Buffer) => void (text += chunk.toString("utf8")));
  const table = new ProgressTable(out as unknown as NodeJS.WriteStream, new FailureGroups(everyFailure));
  table.planned(failures.map(({ request }) => request));
  for (const each of failures) table.failed(each);
  table.finish("in out/manifest.json's failures");
  return text.split("\n").filter((line) => line.length > 0);
}

describe("generate's table of failures", () => {
  const alike = ids.map((id, i) => failure(id, missing(id, i)));
  const other = [failure("x1", "big/fr.json: recipients.x1: missing"), failure("x2", "the template failed")];

  it("says the first few of a kind in full, keeps every document's row, and sums the kind up at the end", () => {
    const lines = printed([...alike, ...other]);
    const full = lines.filter((line) => line.includes("FAILED: big/fr.json: translationOf.recipients."));
    expect(full).toHaveLength(SAID_IN_FULL);
    expect(full[0]).toContain(missing("r0000", 0));
    // A row for every document: the batch loses none.
    expect(lines.filter((line) => line.includes(" FAILED"))).toHaveLength(802);
    expect(lines.filter((line) => line.includes("FAILED, alike the above (summed up below)"))).toHaveLength(800 - SAID_IN_FULL);
    const summary = lines.filter((line) => line.includes("failed alike"));
    expect(summary).toEqual([
      '  800 documents failed alike, the first 3 said above (big/fr.json: translationOf.recipients.<id>: missing; expected "<id>": "<fingerprint>" in translationOf.recipients (the fingerprint of en.json\'s recipients.<id>)): ' +
        "big fr (r0000) html, big fr (r0001) html, big fr (r0002) html, big fr (r0003) html, big fr (r0004) html and 795 more; every one in out/manifest.json's failures",
    ]);
    // Failures of other kinds are said in full, each.
    expect(lines.some((line) => line.includes("FAILED: big/fr.json: recipients.x1: missing"))).toBe(true);
    expect(lines.some((line) => line.includes("FAILED: the template failed"))).toBe(true);
  });

  it("says every failure in full with --every-failure, and sums nothing up", () => {
    const lines = printed(alike, true);
    expect(lines.filter((line) => line.includes("FAILED: big/fr.json: translationOf.recipients."))).toHaveLength(800);
    expect(lines.some((line) => line.includes("alike"))).toBe(false);
  });

  it("says a kind with no more failures than are said in full without a summary", () => {
    const lines = printed(alike.slice(0, SAID_IN_FULL));
    expect(lines.filter((line) => line.includes("FAILED: "))).toHaveLength(SAID_IN_FULL);
    expect(lines.some((line) => line.includes("alike"))).toBe(false);
  });
});

describe("failureKind", () => {
  it("masks the ids given as whole words, fingerprints and list indexes, and nothing else", () => {
    expect(failureKind(missing("r1", 1), ["r1"])).toBe(failureKind(missing("r2", 2), ["r2"]));
    // r1 is not a word of r10's message: what differs stays.
    expect(failureKind(missing("r10", 3), ["r1"])).toContain("recipients.r10");
    expect(failureKind("letter.json: recipients[12].country: expected a code", [])).toBe("letter.json: recipients[…].country: expected a code");
    // A recipient named as a language file is not masked in the file's name: its failure is alike the others of that file.
    expect(failureKind(missing("fr", 4), ["fr"])).toBe(failureKind(missing("gb", 5), ["gb"]));
  });
});

describe("a letter's problems, alike ones summed up", () => {
  it("reads the ids of a path's entries, not its fields", () => {
    expect(idsInPath("translationOf.recipients.gb")).toEqual(["gb"]);
    expect(idsInPath("signatories.hrnk.name")).toEqual(["hrnk"]);
    expect(idsInPath("recipients[3].country")).toEqual([]);
    expect(idsInPath("title")).toEqual([]);
  });

  it("says the first few lines of a kind, then one line with their count and first ids; unlike lines each", () => {
    const problems = [
      ...ids.map((id, i) => ({ line: missing(id, i), name: id, ids: idsInPath(`translationOf.recipients.${id}`) })),
      { line: "big/letter.json: date: not a calendar date", name: "big/letter.json: date", ids: idsInPath("date") },
    ];
    const lines = groupedProblemLines(problems, false);
    expect(lines).toHaveLength(SAID_IN_FULL + 2);
    expect(lines.slice(0, SAID_IN_FULL)).toEqual(problems.slice(0, SAID_IN_FULL).map(({ line }) => line));
    expect(lines[SAID_IN_FULL]).toBe("big/letter.json: date: not a calendar date");
    expect(lines[SAID_IN_FULL + 1]).toMatch(/^800 problems alike, .*: r0000, r0001, r0002, r0003, r0004 and 795 more; every one said with --every-failure$/);
    expect(groupedProblemLines(problems, true)).toEqual(problems.map(({ line }) => line));
  });
});
