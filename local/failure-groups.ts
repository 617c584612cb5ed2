import { countOf } from "../functions/core/errors";

/**
 * Grouping of alike failures for the command line: a letter of 800 recipients whose translation records
 * no fingerprint for them failed 800 copies in 800 lines of the same words and no summary (fresh user,
 * s12 item 5). The first few of each kind are said in full, the rest counted on one line naming the
 * first of them; nothing is dropped: every failure is still counted, listed in out/manifest.json, and
 * said in full with `--every-failure`.
 */

/** How many failures of one kind are said in full before the rest are counted. */
export const SAID_IN_FULL = 3;

/** Names shown on a kind's summary line before "and N more". */
const NAMED_ON_SUMMARY = 5;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * What makes two failures alike: the message with what names one of them masked: the `ids` (a
 * recipient's, a paragraph's) where they stand as words, fingerprints (12 or more hex digits) and list
 * indexes (`recipients[12]`). "fr.json: translationOf.recipients.r0001: missing; expected "r0001": "485c…""
 * and the same of r0003 are one kind.
 */
export function failureKind(message: string, ids: readonly (string | null | undefined)[]): string {
  let kind = message;
  // Not in a file's name: a recipient "fr" of big/fr.json is alike the others of that file.
  for (const id of ids) if (id) kind = kind.replace(new RegExp(`(?<![\\w/-])${escapeRegExp(id)}(?![\\w-]|\\.json)`, "g"), "<id>");
  return kind.replace(/\b[0-9a-f]{12,}\b/g, "<fingerprint>").replace(/\[\d+\]/g, "[…]");
}

/** Counts failures by kind, and says which to print in full and what to sum up. */
export class FailureGroups {
  private readonly kinds = new Map<string, { first: string; names: string[] }>();

  /** @param everyFailure say every failure in full (`--every-failure`): nothing is summed up */
  constructor(private readonly everyFailure = false) {}

  /** Records one failure of `kind` (failureKind; `name`: the document or part it is of); true when it is to be said in full. */
  add(kind: string, name: string): boolean {
    const group = this.kinds.get(kind) ?? { first: kind.split("\n")[0] ?? kind, names: [] };
    group.names.push(name);
    this.kinds.set(kind, group);
    return this.everyFailure || group.names.length <= SAID_IN_FULL;
  }

  /**
   * A line per kind with more failures than were said in full: how many in all, the kind (its first
   * line, what names each masked), the first names and how many more, and where every one is (`where`).
   */
  summaryLines(what: string, where: string, alike = "failed alike"): string[] {
    if (this.everyFailure) return [];
    return [...this.kinds.values()]
      .filter(({ names }) => names.length > SAID_IN_FULL)
      .map(({ first, names }) => {
        const more = names.length - NAMED_ON_SUMMARY;
        const named = `${names.slice(0, NAMED_ON_SUMMARY).join(", ")}${more > 0 ? ` and ${countOf(more, "more", "more")}` : ""}`;
        return `${countOf(names.length, what)} ${alike}, the first ${SAID_IN_FULL} said above (${first}): ${named}; every one ${where}`;
      });
  }
}

/**
 * The lines of one failure's problems (a letter's invalid data: a line per field), alike ones summed up
 * after the first few: each line with its name on a summary (its file and path) and the ids that name
 * its part (`ids`), in order, then a line per kind summed up. Every line when `everyFailure`.
 */
export function groupedProblemLines(
  problems: readonly { line: string; name: string; ids: readonly (string | null)[] }[],
  everyFailure: boolean,
  summary: { what: string; where: string; alike: string } = { what: "problem", where: "said with --every-failure", alike: "alike" },
): string[] {
  const groups = new FailureGroups(everyFailure);
  const said = problems.filter(({ line, name, ids }) => groups.add(failureKind(line, ids), name)).map(({ line }) => line);
  return [...said, ...groups.summaryLines(summary.what, summary.where, summary.alike)];
}

/** The ids a data file's path names an entry by: `translationOf.recipients.gb` -> gb, `signatories.hrnk.name` -> hrnk. */
export function idsInPath(path: string): string[] {
  return [...path.matchAll(/(?:^|\.)(?:recipients|paragraphs|signatories|sources|parts)\.([^.[\]]+)/g)].map((match) => match[1] as string);
}
