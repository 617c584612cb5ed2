import { countOf } from "../functions/core/errors";
import type { Letter } from "../functions/core/letter/parse-letter";
import type { LocaleId } from "../functions/core/locales";
import { RENDER_QUEUES } from "../functions/deployment-contract";
import { renderPartMessageSchema } from "../functions/render/events";
import type { RenderMessageFailure, RenderPartFailure } from "../functions/render/render-handler";
import { groupedProblemLines, idsInPath } from "./failure-groups";
import type { DeadLetter } from "./local-queue";

/** What `serve` knows after rendering one letter: what is published, what failed and why. */
export interface LetterRun {
  letterId: string;
  /** The letter as read now, for its own title; undefined when it cannot be read. */
  letter: Letter | undefined;
  /** The revision latest.json names after the render: what the letter's links lead to. */
  revision: string | undefined;
  /**
   * The revision this render made, when known: when latest.json names another, this one did not complete
   * (a document of it failed) and is not published, whatever was published before.
   */
  rendered?: string | undefined;
  documents: number;
  failures: readonly (RenderPartFailure | RenderMessageFailure)[];
  deadLetters: readonly DeadLetter[];
  /** Where every failure is logged (`.local/functions.log`), named when alike ones are summed up on the console. */
  functionsLog?: string;
}

/**
 * The letter's own title, as people know it: in English where the letter has it (the console's
 * language), else in its source language; the id when the letter cannot be read.
 */
export function titleOf(letter: Letter | undefined, locale?: string): string {
  if (!letter) return "";
  const translations = letter.translations;
  const title = translations.get(locale as LocaleId)?.title ?? translations.get("en" as LocaleId)?.title ?? translations.get(letter.facts.sourceLocale)?.title;
  return title ?? "";
}

/** "letter unsc-dprk-2015 ("Open letter on..."): " for the start of each console line. */
function named(run: LetterRun): string {
  const title = titleOf(run.letter);
  return title ? `letter ${run.letterId} ("${title}")` : `letter ${run.letterId}`;
}

/** A dead-lettered render message, for people: the part it carried by the letter's title, or the letter's planning. */
export function describeDeadLetter(body: string, letter: Letter | undefined): string {
  let parsed: ReturnType<typeof renderPartMessageSchema.safeParse> | undefined;
  try {
    parsed = renderPartMessageSchema.safeParse(JSON.parse(body));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success) return "planning the letter";
  const { part } = parsed.data;
  const title = titleOf(letter, part.locale);
  const which = title ? `"${title}"` : `letter ${part.letterId}`;
  return `${part.locale} ${part.recipients ? `copies of ${which} for ${part.recipients.join(", ")}` : which}`;
}

/** Each failed document in one line: which, its code and its reason; with the name and id that tell alike ones apart. */
function failureLines(failure: RenderPartFailure): { line: string; name: string; ids: (string | null)[] }[] {
  return failure.failed.map((document) => {
    const name = `${failure.locale} ${document.format.toUpperCase()}${document.recipientId ? ` (copy for ${document.recipientId})` : ""}`;
    return { line: `${name}: ${document.code}: ${document.reason}`, name, ids: [document.recipientId] };
  });
}

/**
 * Why the letter as a whole failed, in generate's words: its code, then each problem (a file and field
 * each) on its own line; alike problems (each recipient's) said the first few times, then summed up.
 */
function letterFailureLines(failure: RenderMessageFailure, everyOneIn: string): string[] {
  const why = failure.code === "INVALID_DATA" ? "its data is invalid" : "it could not be planned";
  const problems = failure.reason.split("\n").map((line) => {
    // "<file>: <path>: <message>", as formatDataIssue writes a data problem.
    const [file = "", path = ""] = line.split(": ");
    return { line, name: `${file}: ${path}`, ids: idsInPath(path) };
  });
  const lines = groupedProblemLines(problems, false, { what: "problem", where: everyOneIn, alike: "alike" });
  return [`${why} (${failure.code}):`, ...lines.map((line) => `  ${line}`)];
}

/**
 * What `serve` prints for a letter it rendered: a line saying what is published, then every failed
 * document with its reason (a data or template error fails at once, with its message), then what
 * failed even after the queue's retries. A letter that could not be read or planned is said to be
 * not published, with every problem as `generate` words it, and what its links still lead to.
 */
export function describeLetterRun(run: LetterRun): { out: string[]; err: string[] } {
  // Alike failures are summed up on the console; the log has every one.
  const everyOneIn = `in ${run.functionsLog ?? "the functions' log"}`;
  const wholeLetter = run.failures.filter((failure): failure is RenderMessageFailure => !("failed" in failure));
  const failedDocuments = run.failures.filter((failure): failure is RenderPartFailure => "failed" in failure).flatMap(failureLines);
  // A letter of 800 recipients failing alike says the first few, then one line with their count and first names.
  const failed = groupedProblemLines(failedDocuments, false, { what: "document", where: everyOneIn, alike: "failed alike" });
  const out: string[] = [];
  const err: string[] = [];
  const before = run.revision ? `its links still lead to revision ${run.revision}, published before` : "nothing of it is published";
  // A letter whose folder left the data is not "still published": its links answer 410 and its downloads 404 (README).
  const gone = wholeLetter.find((failure) => failure.code === "UNKNOWN_LETTER");
  if (gone) {
    const stored = run.revision
      ? `; its stored documents (revision ${run.revision}) are kept until withdrawn (npm run withdraw -- --letter ${run.letterId}) and serve again once the folder is back`
      : "";
    out.push(`${named(run)}: no longer in the data (${gone.reason.split("\n")[0]}): not listed, its links answer 410 and its downloads 404${stored}`);
  } else if (wholeLetter.length > 0) {
    const [first, ...rest] = wholeLetter.flatMap((failure) => letterFailureLines(failure, everyOneIn));
    err.push(`${named(run)}: not published (${before}): ${first}`, ...rest);
  } else if (run.revision === undefined) {
    err.push(`${named(run)}: not published: ${failed.length > 0 ? "none of its documents could be made (below)" : "no revision of it is complete"}`);
  } else if (run.rendered !== undefined && run.rendered !== run.revision) {
    err.push(
      `${named(run)}: revision ${run.rendered} not published (${before}): ${failed.length > 0 ? "some of its documents could not be made (below)" : "not every document of it is stored"}`,
    );
  } else {
    out.push(`${named(run)}: revision ${run.revision} published, ${countOf(run.documents, "document")}`);
  }
  if (failed.length > 0) err.push(`${named(run)}: ${countOf(failedDocuments.length, "failure")}:`, ...failed.map((line) => `  ${line}`));
  if (run.deadLetters.length > 0) {
    err.push(
      `${named(run)}: ${countOf(run.deadLetters.length, "message")} failed ${RENDER_QUEUES.maxReceiveCount} times: ${run.deadLetters.map((dead) => describeDeadLetter(dead.body, run.letter)).join("; ")}`,
    );
  }
  return { out, err };
}
