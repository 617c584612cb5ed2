import { createHash } from "node:crypto";
import { canonicalLocale, type LocaleId, localeInfo } from "../core/locales";
import { MessageFormatter, type MessageCatalog } from "../core/template/message-catalog";
import type { ShareRefusal } from "./share-service";

/**
 * The small page a person sees when a share link cannot be served: what happened and whom to ask, in
 * the document's language when the link proved to be ours, else in the reader's (Accept-Language).
 * Never XML, never a stack: the words come from the message catalogs only.
 */

/** What the page says; several refusal reasons read the same to a person. */
export type RefusalPageKind = "expired" | "revoked" | "gone" | "updating" | "invalid" | "error";

const PAGES: Record<RefusalPageKind, { statusCode: number; ask: "share.askSharer" | "share.error.ask" }> = {
  // 410: the link was good and is not any more; 404: it never was one of ours (or cannot be told apart).
  expired: { statusCode: 410, ask: "share.askSharer" },
  revoked: { statusCode: 410, ask: "share.askSharer" },
  gone: { statusCode: 410, ask: "share.askSharer" },
  // 503: not gone, being updated (a translation waits for its translator); the same link works again.
  updating: { statusCode: 503, ask: "share.error.ask" },
  invalid: { statusCode: 404, ask: "share.askSharer" },
  error: { statusCode: 503, ask: "share.error.ask" },
};

/** The message keys a page of `kind` prints: its title, its body and whom to ask. */
function pageKeys(kind: RefusalPageKind): string[] {
  return [`share.${kind}.title`, `share.${kind}.body`, PAGES[kind].ask];
}

/** Every key some refused-link page prints: the English catalog, which every page falls back to, must have each. */
export const REFUSAL_PAGE_KEYS: readonly string[] = [...new Set((Object.keys(PAGES) as RefusalPageKind[]).flatMap(pageKeys))];

export function refusalPageKind(reason: ShareRefusal): RefusalPageKind {
  switch (reason) {
    case "EXPIRED":
      return "expired";
    case "REVOKED":
      return "revoked";
    case "DOCUMENT_GONE":
      return "gone";
    case "DOCUMENT_UPDATING":
      return "updating";
    // A key the ring no longer holds sealed it: its links outlived (expired), or the key was retired or
    // its ring replaced. Said as expired, which asks for a new link; that this key is not held is all it tells.
    case "UNKNOWN_KEY":
      return "expired";
    case "TAMPERED":
    case "MALFORMED":
      return "invalid";
  }
}

// The look, once: system fonts (nothing to fetch), readable measure, contrast above WCAG AA.
const STYLE = [
  ":root{color-scheme:light}",
  'body{margin:0;font:1.125rem/1.6 system-ui,-apple-system,"Segoe UI","Noto Sans",sans-serif;color:#1b1b1b;background:#fff}',
  "main{max-width:36rem;margin:0 auto;padding:3rem 1.5rem}",
  "h1{font-size:1.6rem;line-height:1.3;margin:0 0 1rem}",
  "p{margin:0 0 1rem}",
].join("");

/** The page's own policy: nothing may load, nothing may run; only its one inline stylesheet applies. */
export const REFUSAL_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash("sha256").update(STYLE, "utf8").digest("base64")}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] as string);

/**
 * The best available language for an Accept-Language header (RFC 9110): highest weight first, each
 * range matched by RFC 4647 lookup (`pt-BR` is pt-BR if available, else `pt`; `fr-CH` is French);
 * undefined when none is available.
 */
export function negotiateLocale(acceptLanguage: string | undefined, available: readonly LocaleId[]): LocaleId | undefined {
  if (!acceptLanguage) return undefined;
  const ranges = acceptLanguage
    .slice(0, 512)
    .split(",")
    .map((part, index) => {
      const [range = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { range: canonicalLocale(range.trim()) ?? "", weight: q === undefined ? 1 : Number(q), index };
    })
    .filter((range) => range.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { range } of ranges) {
    // Lookup: drop subtags from the end until a language is available (zh-Hant-TW, zh-Hant, zh).
    for (let subtags = range.split("-"); subtags.length > 0 && subtags[0] !== ""; subtags = subtags.slice(0, -1)) {
      const candidate = subtags.join("-");
      if (available.includes(candidate)) return candidate;
    }
  }
  return undefined;
}

export interface RefusalPage {
  statusCode: number;
  locale: LocaleId;
  html: string;
}

/** The page for `kind` in `locale`; a catalog without the page's words falls back to English. */
export function renderRefusalPage(kind: RefusalPageKind, locale: LocaleId, catalogs: Readonly<Partial<Record<LocaleId, MessageCatalog>>>): RefusalPage {
  const page = PAGES[kind];
  const keys = pageKeys(kind);
  const usable = (id: LocaleId) => catalogs[id] !== undefined && keys.every((key) => Object.hasOwn(catalogs[id] as MessageCatalog, key));
  const chosen: LocaleId = usable(locale) ? locale : "en";
  const messages = new MessageFormatter(chosen, catalogs[chosen] ?? {});
  const [title, body, ask] = keys.map((key) => escapeHtml(messages.format(key)));
  const { tag, dir } = localeInfo(chosen);
  const html = [
    "<!DOCTYPE html>",
    `<html lang="${tag}" dir="${dir}">`,
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${title}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    "<main>",
    `<h1>${title}</h1>`,
    `<p>${body}</p>`,
    `<p>${ask}</p>`,
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
  return { statusCode: page.statusCode, locale: chosen, html };
}
