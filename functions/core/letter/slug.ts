import * as z from "zod";

// Apart from the letter schema: object keys, routes and the deployment contract need the id rule,
// not the text rules (and bidi-js) that the schema brings.

/** Ids become S3 keys, file names and URL segments: lowercase letters, digits and inner hyphens only. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const SLUG_RULE = "an id of lowercase letters, digits and hyphens (1-64 characters, no leading or trailing hyphen)";
export const slug = z
  .string({ error: (issue) => (issue.input === undefined ? `missing; expected ${SLUG_RULE}` : `expected ${SLUG_RULE}`) })
  .regex(SLUG_PATTERN, { error: `expected ${SLUG_RULE}` });
