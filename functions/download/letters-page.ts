import { createHash } from "node:crypto";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { DOWNLOAD_ROUTE, SHARE_ROUTES } from "../deployment-contract";
import type { DocumentStore } from "../storage/document-store";
import type { ManifestEntry, WaitingLanguage } from "../storage/manifest";

/**
 * What the letters page shows of one letter: the documents its latest revision's manifest lists, or
 * why it cannot show them. Built from the bucket alone (the latest pointer and the manifest), so the
 * download function needs neither the letter data nor the typesetter to serve the page.
 */
export type PublishedLetter =
  | {
      letterId: string;
      revision: string;
      documents: readonly ManifestEntry[];
      /** The heading's title read from its published entry, where the manifest lists that entry untitled. */
      recordedTitle?: LetterTitle;
      /** Languages the revision's data cannot make yet (a stale translation), as the render recorded them. */
      waiting?: readonly WaitingLanguage[];
    }
  | { letterId: string; problem: string };

/** A letter's title in one language, as the page heads the letter with it. */
export interface LetterTitle {
  text: string;
  locale: string;
}

/** How many letters are read from the bucket at once (two small GETs each). */
const READ_CONCURRENCY = 8;

/**
 * Every letter the store holds, with the documents of its latest revision. A letter that cannot be
 * read (no pointer yet, a missing or unreadable manifest) is listed with the reason, never left out
 * silently; only failing to list the letters at all rejects.
 */
export async function readPublishedLetters(store: DocumentStore): Promise<PublishedLetter[]> {
  const letterIds = await store.listLetterIds();
  const letters: PublishedLetter[] = new Array(letterIds.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < letterIds.length; index = next++) letters[index] = await readLetter(store, letterIds[index] as string);
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, letterIds.length) }, worker));
  return letters;
}

async function readLetter(store: DocumentStore, letterId: string): Promise<PublishedLetter> {
  try {
    const latest = await store.getLatest(letterId);
    if (!latest) return { letterId, problem: "not published yet: it has no latest.json" };
    const manifest = await store.getManifest(letterId, latest.revision);
    if (!manifest) return { letterId, problem: `revision ${latest.revision} has no manifest` };
    const recordedTitle = await readMissingTitle(store, manifest.documents);
    // Only a note beside the documents: a record that cannot be read leaves them listed, without it.
    const waiting = await store.getWaitingLanguages(letterId, latest.revision).catch(() => []);
    return {
      letterId,
      revision: latest.revision,
      documents: manifest.documents,
      ...(recordedTitle === undefined ? {} : { recordedTitle }),
      ...(waiting.length === 0 ? {} : { waiting }),
    };
  } catch (error) {
    return { letterId, problem: `cannot be read: ${(error as Error).message}` };
  }
}

/**
 * The title of the language the page heads a letter with, read from that language's published entry
 * when the manifest lists it without one. Concurrent publishers list each other's documents from
 * their entry keys, which carry no title, and the protocol does not read titles while merging (that
 * made publishing quadratic in GETs under contention). So the reader fills the gap: at most one GET
 * per letter shown, only when its title is missing. All of a language's documents in one revision
 * share its title (the revision is a digest of the data), so any one entry of it will do.
 */
async function readMissingTitle(store: DocumentStore, documents: readonly ManifestEntry[]): Promise<LetterTitle | undefined> {
  const shown = headingLanguageDocuments(documents);
  const first = shown[0];
  if (first === undefined || shown.some((entry) => entry.title !== undefined)) return undefined;
  try {
    const text = await store.recordedTitle(first);
    return text === undefined ? undefined : { text, locale: first.locale };
  } catch {
    // Only the heading is at stake: the letter's documents are still listed, under another language's title or its id.
    return undefined;
  }
}

/**
 * HTML-escapes text for an element's content or a quoted attribute value (the characters Handlebars
 * escapes). Our own five lines rather than Handlebars, which the download bundle does not otherwise load.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`=]/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * The page's controls, as one function of a root element and the Authorization header to send (null
 * where the browser needs none: `npm run serve`, or an IAM deployment behind a signing proxy). The
 * "copy share link" form POSTs `{ recipient? }` as JSON to the share route (which takes JSON only)
 * and shows the link it answers, copying it when the browser allows. With a token (the people API
 * behind its JWT authorizer, see sign-in-page.ts), a download link is followed by asking the download
 * route for the signed URL as JSON with the token, since a plain navigation carries none.
 */
export const LETTER_CONTROLS_SCRIPT = `function wireLetterControls(root, authorization) {
  const authorized = (headers) => (authorization ? { ...headers, authorization } : headers);
  for (const form of root.querySelectorAll("form[data-share]")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const output = form.querySelector("output");
      const button = form.querySelector("button");
      button.disabled = true;
      output.textContent = "Making a link...";
      try {
        const recipient = form.getAttribute("data-recipient");
        const reply = await fetch(form.action, {
          method: "POST",
          headers: authorized({ "content-type": "application/json", accept: "application/json" }),
          body: JSON.stringify(recipient ? { recipient } : {}),
          credentials: "same-origin",
        });
        const answer = await reply.json().catch(() => ({}));
        if (!reply.ok || typeof answer.url !== "string") throw new Error((answer.error && answer.error.message) || answer.message || "the server answered " + reply.status);
        const link = document.createElement("a");
        link.href = answer.url;
        link.textContent = answer.url;
        output.replaceChildren(link, " (works until " + new Date(answer.expiresAt).toUTCString() + ")");
        try {
          await navigator.clipboard.writeText(answer.url);
          output.append(", copied");
        } catch {
          // Not allowed here (no focus or permission): the link is shown, to copy by hand.
        }
      } catch (error) {
        output.textContent = "No link was made: " + error.message;
      } finally {
        button.disabled = false;
      }
    });
  }
  if (!authorization) return;
  for (const anchor of root.querySelectorAll("a[data-download]")) {
    anchor.addEventListener("click", async (event) => {
      event.preventDefault();
      const reply = await fetch(anchor.href, { headers: authorized({ accept: "application/json" }), credentials: "same-origin" });
      const answer = await reply.json().catch(() => ({}));
      if (reply.ok && typeof answer.url === "string") location.assign(answer.url);
      else anchor.after(" (not available: " + ((answer.error && answer.error.message) || answer.message || reply.status) + ")");
    });
  }
}`;

/** The letters page's own script: the controls over the whole page, with no token (the browser sends what it sends). */
const LETTERS_PAGE_SCRIPT = `${LETTER_CONTROLS_SCRIPT}
wireLetterControls(document, null);`;

/** The page's stylesheet; the sign-in page, which shows the letters page's content, uses it too. */
export const LETTERS_PAGE_STYLE =
  "body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;line-height:1.4}td,th{padding:.25rem .75rem;text-align:start;vertical-align:top}form{margin:0}output{display:block;overflow-wrap:anywhere}a[data-download]{white-space:nowrap}";

/** A CSP source allowing exactly this inline script or style. */
export const sha256Source = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/**
 * The page's Content-Security-Policy: nothing loads but its own style and script (by hash); fetch
 * reaches this API only; forms post here only; no framing, no base rewriting.
 */
export const LETTERS_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256Source(LETTERS_PAGE_SCRIPT)}`,
  `style-src ${sha256Source(LETTERS_PAGE_STYLE)}`,
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

const languageNames = new Intl.DisplayNames(["en"], { type: "language", fallback: "code" });

function languageName(locale: string): string {
  try {
    return languageNames.of(locale) ?? locale;
  } catch {
    return locale;
  }
}

/** A route of the API as a path, its `{name}` segments filled in (percent-encoded). */
function routePath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (_whole, name: string) => encodeURIComponent(values[name] ?? ""));
}

const SHARE_CREATE_PATH = SHARE_ROUTES.create.split(" ")[1] as string;

/** Whole-letter documents first, then by recipient, language and format. */
function byRecipientLocaleFormat(a: ManifestEntry, b: ManifestEntry): number {
  const order = (entry: ManifestEntry) => [entry.recipientId ?? "", entry.locale, entry.format];
  const [x, y] = [order(a), order(b)];
  for (let index = 0; index < x.length; index++) {
    const left = x[index] as string;
    const right = y[index] as string;
    if (left !== right) return left < right ? -1 : 1;
  }
  return 0;
}

function documentRow(letterId: string, entry: ManifestEntry): string {
  const values = { letterId, locale: entry.locale, format: entry.format };
  const recipientQuery = entry.recipientId === null ? "" : `?recipient=${encodeURIComponent(entry.recipientId)}`;
  const download = `${routePath(DOWNLOAD_ROUTE.path, values)}${recipientQuery}`;
  const share = routePath(SHARE_CREATE_PATH, values);
  const format = entry.format.toUpperCase();
  const recipient = entry.recipientId === null ? "whole letter" : entry.recipientId;
  const recipientAttribute = entry.recipientId === null ? "" : ` data-recipient="${escapeHtml(entry.recipientId)}"`;
  return (
    `<tr><th scope="row">${escapeHtml(languageName(entry.locale))} (${escapeHtml(entry.locale)})</th>` +
    `<td>${escapeHtml(recipient)}</td><td>${escapeHtml(format)}</td>` +
    `<td><a data-download href="${escapeHtml(download)}">Download ${escapeHtml(format)}</a></td>` +
    `<td><form data-share method="post" action="${escapeHtml(share)}"${recipientAttribute}><button type="submit">Copy share link</button><output aria-live="polite"></output></form></td></tr>`
  );
}

/** The page's language: its headings and words are English. */
const PAGE_LOCALE = "en";

/** The documents in the language a letter is headed in: the page's language where the letter has it, else the first by tag. */
function headingLanguageDocuments(documents: readonly ManifestEntry[]): ManifestEntry[] {
  const locales = new Set(documents.map((entry) => entry.locale));
  const locale = locales.has(PAGE_LOCALE) ? PAGE_LOCALE : [...locales].sort()[0];
  return documents.filter((entry) => entry.locale === locale).sort(byRecipientLocaleFormat);
}

/**
 * A letter's title as the page shows it: in the page's language where the manifest or its published
 * entry records one, else in the first language that has one (marked with its `lang`, so it is read
 * and shaped right), else none (a manifest written before titles were recorded, or a letter that
 * cannot be read).
 */
function titleOf(letter: PublishedLetter): LetterTitle | undefined {
  if ("problem" in letter) return undefined;
  const listed = headingLanguageDocuments(letter.documents).find((entry) => entry.title !== undefined);
  if (listed) return { text: listed.title as string, locale: listed.locale };
  if (letter.recordedTitle) return letter.recordedTitle;
  const titled = [...letter.documents].filter((entry) => entry.title !== undefined).sort(byRecipientLocaleFormat)[0];
  return titled ? { text: titled.title as string, locale: titled.locale } : undefined;
}

/** The letter's title as its heading, its id beside it as secondary text; the id alone when there is no title. */
function letterHeading(letter: PublishedLetter): string {
  const title = titleOf(letter);
  const id = `<code>${escapeHtml(letter.letterId)}</code>`;
  if (!title) return `<h2>${id}</h2>`;
  const lang = title.locale === PAGE_LOCALE ? "" : ` lang="${escapeHtml(title.locale)}" dir="auto"`;
  return `<h2><span${lang}>${escapeHtml(title.text)}</span></h2><p>Letter ${id}</p>`;
}

/**
 * The languages left out of the revision, each with the data file to fix and why: before, a stale
 * translation's language was simply missing from the table.
 */
function waitingNote(letterId: string, waiting: readonly WaitingLanguage[] | undefined): string {
  if (waiting === undefined || waiting.length === 0) return "";
  const items = waiting.map(
    (language) =>
      `<li>${escapeHtml(languageName(language.locale))} (${escapeHtml(language.locale)}): fix <code>data/${escapeHtml(letterId)}/${escapeHtml(language.file)}</code>: ${escapeHtml(language.reason)}</li>`,
  );
  return `<p>Waiting, not in this revision (its documents are made once the file is fixed):</p><ul data-waiting>${items.join("")}</ul>`;
}

function letterSection(letter: PublishedLetter): string {
  const heading = letterHeading(letter);
  if ("problem" in letter) return `<section>${heading}<p>This letter ${escapeHtml(letter.problem)}.</p></section>`;
  const waiting = waitingNote(letter.letterId, letter.waiting);
  if (letter.documents.length === 0) return `<section>${heading}<p>Revision ${escapeHtml(letter.revision)} lists no documents yet.</p>${waiting}</section>`;
  const rows = [...letter.documents].sort(byRecipientLocaleFormat).map((entry) => documentRow(letter.letterId, entry));
  return (
    `<section>${heading}<p>Revision ${escapeHtml(letter.revision)}: ${letter.documents.length} document${letter.documents.length === 1 ? "" : "s"}.</p>` +
    `<table><thead><tr><th scope="col">Language</th><th scope="col">Recipient</th><th scope="col">Format</th><th scope="col">Download</th><th scope="col">Share</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table>${waiting}</section>`
  );
}

/**
 * The letters page: every published document of every letter (language, recipient, format), each
 * with a download link (the download route) and a "copy share link" control (the share route). Pure:
 * the same letters give the same page. Every value from the bucket is escaped.
 */
export function lettersPage(letters: readonly PublishedLetter[]): string {
  const body = letters.length === 0 ? "<p>No letter has been published yet: the bucket holds no documents under letters/.</p>" : letters.map(letterSection).join("");
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>letterpress: letters</title><style>${LETTERS_PAGE_STYLE}</style></head>
<body><main><h1>Letters</h1><p>Each download link asks for a short-lived signed link to the document. "Copy share link" makes a link a colleague without an AWS account can open (7 days by default).</p>${body}</main><script>${LETTERS_PAGE_SCRIPT}</script></body></html>`;
}

/** `GET /`: the letters page, read from the bucket now; never cached, never framed. */
export async function lettersPageResponse(store: DocumentStore): Promise<APIGatewayProxyStructuredResultV2> {
  return {
    statusCode: 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": LETTERS_PAGE_CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    },
    body: lettersPage(await readPublishedLetters(store)),
  };
}
