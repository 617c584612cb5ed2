/**
 * Content-Disposition for a download with a localized file name (RFC 6266).
 *
 * The header value itself stays ASCII: raw non-ASCII header values break SigV4 signatures and are
 * mangled by HTTP stacks. The localized name travels percent-encoded in `filename*=UTF-8''...`
 * (RFC 5987), which browsers prefer; `filename="..."` is an ASCII fallback for the rest.
 */

const MAX_NAME_LENGTH = 120;

/** Characters RFC 5987 allows unencoded in an ext-value (attr-char). */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Removes what must never reach a file name: control characters, path separators, surrounding dots and spaces. */
function cleanName(name: string): string {
  return Array.from(
    name
      .normalize("NFC")
      .replace(/[\u0000-\u001f\u007f-\u009f/\\]/g, " ")
      .replace(/\s+/g, " ")
      .replace(/^[\s.]+|[\s.]+$/g, ""),
  )
    .slice(0, MAX_NAME_LENGTH)
    .join("")
    .trim();
}

const PLAIN_ASCII = /^[\x20-\x7e]+$/;

/**
 * `attachment; filename="<ascii>"; filename*=UTF-8''<utf-8>` for `displayName.extension`.
 * The ASCII fallback is the display name when it is plain ASCII, otherwise `fallbackName.extension`
 * (a slug such as the document's file segment), so it never degrades into a row of underscores.
 */
export function attachmentDisposition(displayName: string, extension: string, fallbackName: string): string {
  const cleaned = cleanName(displayName) || fallbackName;
  const fileName = `${cleaned}.${extension}`;
  const ascii = PLAIN_ASCII.test(cleaned) ? cleaned.replace(/["\\]/g, "_") : fallbackName;
  return `attachment; filename="${ascii}.${extension}"; filename*=UTF-8''${encodeRfc5987(fileName)}`;
}

/** The UTF-8 file name carried by `filename*=`, or undefined when there is none. */
export function dispositionFileName(header: string): string | undefined {
  const match = /filename\*=UTF-8''([^;\s]+)/i.exec(header);
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
}
