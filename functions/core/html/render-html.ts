import { createHash } from "node:crypto";
import type { Letter } from "../letter/parse-letter";
import { type LocaleId, localeInfo, type Script } from "../locales";
import { buildLetterView, type LetterView } from "../template/letter-view";
import type { TemplateEngine } from "../template/template-engine";

export type Paper = "A4" | "Letter";

export interface FilledLetter {
  /** The filled letter template: the one source both editions are made from. */
  fragment: string;
  view: LetterView;
}

/** Fonts the reader's system may have, best first, per script; the page itself loads nothing. */
const FONT_STACKS: Record<Script, string> = {
  Latn: '"Noto Serif", "Source Serif Pro", Georgia, "Times New Roman", serif',
  Cyrl: '"Noto Serif", "PT Serif", Georgia, "Times New Roman", serif',
  Arab: '"Noto Naskh Arabic", "Amiri", "Traditional Arabic", "Noto Serif", "Times New Roman", serif',
  Hans: '"Noto Sans SC", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif',
  Kore: '"Noto Sans KR", "Noto Sans CJK KR", "Source Han Sans K", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif',
};

const PAGE_MARGINS = "22mm 22mm 24mm";

/** Fills the letter template for one language (and, optionally, one recipient). */
export function fillLetter(engine: TemplateEngine, letter: Letter, locale: LocaleId, recipientId?: string): FilledLetter {
  const view = buildLetterView(letter, locale, recipientId);
  return { fragment: engine.fill("letter", view, locale), view };
}

/** A CSS string literal: quotes, backslashes and line breaks escaped. */
function cssString(value: string): string {
  return `"${value.replace(/[\\"]/g, "\\$&").replace(/\n/g, "\\A ")}"`;
}

/** The localized "Page X of Y" as CSS content, with the numbers as page counters. */
function pageLabelContent(engine: TemplateEngine, locale: LocaleId): string {
  // Private-use markers survive message formatting and split the text around the two numbers.
  const label = engine.messages(locale).format("footer.page", { page: "\uE000", pages: "\uE001" });
  return label
    .split(/(\uE000|\uE001)/)
    .filter((part) => part !== "")
    .map((part) => (part === "\uE000" ? "counter(page)" : part === "\uE001" ? "counter(pages)" : cssString(part)))
    .join(" ");
}

function documentCss(engine: TemplateEngine, locale: LocaleId, paper: Paper): string {
  const info = localeInfo(locale);
  const perDocument = [
    `:root { --font-body: ${FONT_STACKS[info.script]}; }`,
    `@page { size: ${paper === "A4" ? "A4" : "letter"}; margin: ${PAGE_MARGINS};`,
    `  @bottom-center { content: ${pageLabelContent(engine, locale)}; font-family: var(--font-body); font-size: 9pt; color: #555; } }`,
  ].join("\n");
  return `${engine.set.stylesheet}\n${perDocument}\n`;
}

/** Wraps a filled letter into a standalone page: no script, no request, one inline style allowed by hash. */
export function renderHtmlPage(engine: TemplateEngine, filled: FilledLetter, paper: Paper): string {
  const { view } = filled;
  const css = documentCss(engine, view.locale, paper);
  const styleHash = createHash("sha256").update(css).digest("base64");
  const contentSecurityPolicy = [
    "default-src 'none'",
    `style-src 'sha256-${styleHash}'`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  return engine.fill(
    "page",
    { lang: view.lang, dir: view.dir, title: view.title, description: view.summary, contentSecurityPolicy, css, letter: filled.fragment },
    view.locale,
  );
}

export interface RenderHtmlOptions {
  paper?: Paper;
  recipientId?: string;
}

/**
 * The HTML edition of a letter in one language: a standalone, accessible, print-ready page.
 * Pure and deterministic: the same letter, templates and options give the same string.
 */
export function renderHtml(engine: TemplateEngine, letter: Letter, locale: LocaleId, options: RenderHtmlOptions = {}): string {
  return renderHtmlPage(engine, fillLetter(engine, letter, locale, options.recipientId), options.paper ?? "A4");
}
