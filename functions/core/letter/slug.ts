import { z } from "zod";

// Apart from the letter schema: object keys, routes and the deployment contract need the id rule,
// not the text rules (and bidi-js) that the schema brings.

/** Ids become S3 keys, file names and URL segments: lowercase letters, digits and inner hyphens only. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const slug = z.string().regex(SLUG_PATTERN, {
  error: "expected an id of lowercase letters, digits and hyphens (1-64 characters, no leading or trailing hyphen)",
});
