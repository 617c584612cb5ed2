import { closestNames } from "./core/text/closest-names";
import { LetterpressError } from "./core/errors";
import { foldedSlug, SLUG_PATTERN } from "./core/letter/slug";

/**
 * What a person asking the download and share routes for a letter that is not there is told: the
 * letter ids they most likely meant (the id in another case, a near miss, its beginning), as
 * `generate --letter` suggests them (closest-names.ts), from the letters the route can see.
 */

/**
 * A letter id written in another form than an id (`UNSC-DPRK-2015`, `unsc_dprk_2015`): no letter is
 * stored under it, a 404 that the route words again with the ids it can see (`withLetterSuggestion`).
 */
export function letterIdWrittenOtherwise(written: string): LetterpressError {
  return new LetterpressError("UNKNOWN_LETTER", `no letter "${written}": a letter id is written in lowercase letters, digits and hyphens`);
}

/**
 * An unknown letter's refusal (UNKNOWN_LETTER) with the ids `written` most likely stands for among
 * `known` (`closestNames`): `...; did you mean "unsc-dprk-2015"?`. Any other error, a letter id that
 * is no id in any form (never echoed), or ids that cannot be listed (the store does not answer):
 * the error as it was.
 *
 * @param written the letter id as the request's path wrote it (any case)
 * @param known the letter ids the route can see (on AWS: those with documents in the bucket)
 */
export async function withLetterSuggestion(error: unknown, written: string | undefined, known: () => Promise<readonly string[]>): Promise<unknown> {
  if (!(error instanceof LetterpressError) || error.code !== "UNKNOWN_LETTER" || written === undefined || !SLUG_PATTERN.test(foldedSlug(written))) return error;
  const ids = await known().catch(() => undefined);
  const meant = ids === undefined ? [] : closestNames(written, ids);
  if (meant.length === 0) return error;
  return new LetterpressError("UNKNOWN_LETTER", `${error.message}; did you mean ${meant.map((id) => `"${id}"`).join(" or ")}?`, { cause: error });
}
