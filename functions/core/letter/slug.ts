import * as z from "zod";

// Apart from the letter schema: object keys, routes and the deployment contract need the id rule,
// not the text rules (and bidi-js) that the schema brings.

/** Ids become S3 keys, file names and URL segments: lowercase letters, digits and inner hyphens only. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const SLUG_RULE = "an id of lowercase letters, digits and hyphens (1-64 characters, no leading or trailing hyphen)";
export const slug = z
  .string({ error: (issue) => (issue.input === undefined ? `missing; expected ${SLUG_RULE}` : `expected ${SLUG_RULE}`) })
  .regex(SLUG_PATTERN, { error: `expected ${SLUG_RULE}` });

/** An id read as the id it stands for, as people mistype case and separators: any case, `_` for `-` (`UNSC_DPRK-2015` is `unsc-dprk-2015`). */
export function foldedSlug(written: string): string {
  return written.toLowerCase().replaceAll("_", "-");
}

/**
 * A letter id as a request's path may write it: a slug, or one in another case or with `_` for `-`
 * (`UNSC_DPRK-2015`), let through to be answered with the id it stands for (404, "did you mean").
 * Anything else (a `/`, `..`, a NUL, too long) is refused as `slug` refuses it.
 */
export const writtenSlug = z
  .string({ error: (issue) => (issue.input === undefined ? `missing; expected ${SLUG_RULE}` : `expected ${SLUG_RULE}`) })
  .refine((written) => SLUG_PATTERN.test(foldedSlug(written)), { error: `expected ${SLUG_RULE}` });
