import { createHash } from "node:crypto";

/** Fields of a translation file that are bookkeeping, not translatable content. */
const BOOKKEEPING_FIELDS = new Set(["locale", "translationOf"]);

/** JSON with object keys sorted at every depth, so formatting and key order never change the fingerprint. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * SHA-256 of a translation's content (everything but its bookkeeping fields), as lowercase hex.
 * A translation records the fingerprint of the source text it was made from; when the source
 * changes, the fingerprints differ and the translation is reported as out of date.
 */
export function sourceFingerprint(translationFile: Record<string, unknown>): string {
  const content = Object.fromEntries(Object.entries(translationFile).filter(([key]) => !BOOKKEEPING_FIELDS.has(key)));
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
}
