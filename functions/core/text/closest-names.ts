/**
 * The names a person most likely meant by one that is not there: a letter id (`--letter`) or a
 * language tag (`--locale`, the download and share routes). One helper for both, so both suggest alike.
 */

import { foldedSlug } from "../letter/slug";

/** Most edits a near miss may be from what it meant, as commander suggests its own commands and flags. */
const MAX_EDITS = 3;
/** Least share of a name a near miss must keep (commander's 0.4): `ab` is no near miss of `xy`. */
const MIN_SIMILARITY = 0.4;

/**
 * Edits from one string to another: insertions, deletions, substitutions and swaps of two neighbours
 * (optimal string alignment, Damerau-Levenshtein's restricted form), each one edit, counted in UTF-16
 * units. Stops counting past `MAX_EDITS`: more is no near miss.
 */
function editsBetween(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > MAX_EDITS) return MAX_EDITS + 1;
  // rows[i][j]: edits from a's first i units to b's first j.
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i]!;
      row[j] = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The known names `written` most likely stands for, sorted: those equal to it once both are folded
 * (by default: lower case, `_` read as `-`: `WATER_APPEAL` for `water-appeal`), else the nearest misses,
 * those fewest edits away (at most 3, keeping at least 40% of the name: `unsc-dprk2015` for
 * `unsc-dprk-2015`, `zh-Hnat` for `zh-Hant`), else those it begins, at least 3 characters of them
 * (`committee` for `committee-hearing-defenders`). None when nothing is that close.
 */
export function closestNames(written: string, known: Iterable<string>, fold: (name: string) => string = foldedSlug): string[] {
  const names = [...new Set(known)].filter((name) => name !== written).sort();
  const folded = fold(written);
  const same = names.filter((name) => fold(name) === folded);
  if (same.length > 0) return same;
  let fewest = MAX_EDITS;
  let nearest: string[] = [];
  for (const name of names) {
    const candidate = fold(name);
    const edits = editsBetween(folded, candidate);
    const length = Math.max(folded.length, candidate.length);
    if ((length - edits) / length <= MIN_SIMILARITY || edits > fewest) continue;
    if (edits < fewest) nearest = [];
    fewest = edits;
    nearest.push(name);
  }
  if (nearest.length > 0 || folded.length < MIN_PREFIX) return nearest;
  return names.filter((name) => fold(name).startsWith(folded));
}

/** The fewest characters a name's beginning must be to stand for it: `co` begins too much. */
const MIN_PREFIX = 3;
