import type { Script } from "../locales";
import { FAMILIES, primaryFamilyOf } from "../pdf/font-library";
import type { StylesheetSource } from "./stylesheet";

/** The paper a render asks for (the command line's `--paper`); the template's `@page size` overrides it. */
export type Paper = "A4" | "Letter";

/** A template's two stylesheets, as read from templates/. */
export interface TemplateStylesheets {
  /** templates/ua.css: the defaults of the vocabulary's elements. */
  userAgent: string;
  /** templates/print.css: the template's own look. */
  author: string;
}

/**
 * The body font stack of a document's script (ISO 15924), best first: the font registry's family
 * for the script, then what a reader's system may have. The PDF takes the first family its registry
 * has; a script the registry does not list is set in the serif family with fallback per character.
 */
export function fontStackOf(script: string): string {
  const known = SYSTEM_FALLBACKS[script];
  if (known) return known;
  const family = FAMILIES[primaryFamilyOf(script)];
  return `"${family.name}", ${"cjk" in family || family.name.includes("Sans") ? "sans-serif" : "serif"}`;
}

/** Richer stacks for the scripts whose faces readers' systems commonly have under other names. */
const SYSTEM_FALLBACKS: Readonly<Record<string, string>> = {
  Latn: '"Noto Serif", "Source Serif Pro", Georgia, "Times New Roman", serif',
  Cyrl: '"Noto Serif", "PT Serif", Georgia, "Times New Roman", serif',
  Arab: '"Noto Naskh Arabic", "Amiri", "Traditional Arabic", "Noto Serif", "Times New Roman", serif',
  Hans: '"Noto Sans SC", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif',
  Kore: '"Noto Sans KR", "Noto Sans CJK KR", "Source Han Sans K", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif',
};

/**
 * A CSS string literal: quotes and backslashes escaped, line breaks and the characters that could
 * end the HTML edition's `<style>` element (`<`, `>`, `&`) written as CSS hex escapes.
 */
export function cssString(value: string): string {
  return `"${value.replace(/[\\"]/g, "\\$&").replace(/[\n<>&]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}"`;
}

/**
 * The localized "Page X of Y" as a CSS content value with the page counters in it. `format` is the
 * template's `footer.page` message; private-use markers survive formatting and mark the numbers.
 */
export function pageLabelContent(format: (page: string, pages: string) => string): string {
  return format("\uE000", "\uE001")
    .split(/(\uE000|\uE001)/)
    .filter((part) => part !== "")
    .map((part) => (part === "\uE000" ? "counter(page)" : part === "\uE001" ? "counter(pages)" : cssString(part)))
    .join(" ");
}

export interface DocumentStyleOptions {
  script: Script;
  paper: Paper;
  /** The template's `footer.page` message for the document's language. */
  pageLabel: (page: string, pages: string) => string;
  /** The letter's title, for a running header or footer (`--running-title`). */
  runningTitle?: string;
}

/**
 * The stylesheets of one document, in cascade order: the template's user-agent sheet, the render's
 * own settings (paper size, the font stack of the document's script as `--font-body`, the localized
 * page label as `--page-label`, the letter's title as `--running-title`) as the user origin, then the template's print.css. Both editions
 * read exactly these.
 */
export function documentStylesheets(sheets: TemplateStylesheets, options: DocumentStyleOptions): StylesheetSource[] {
  const settings = [
    `:root { --font-body: ${fontStackOf(options.script)}; --page-label: ${pageLabelContent(options.pageLabel)}; --running-title: ${cssString(options.runningTitle ?? "")}; }`,
    `@page { size: ${options.paper === "A4" ? "A4" : "letter"}; }`,
  ].join("\n");
  return [
    { name: "templates/ua.css", origin: "user-agent", text: sheets.userAgent },
    { name: "document settings", origin: "user", text: settings },
    { name: "templates/print.css", origin: "author", text: sheets.author },
  ];
}

/**
 * The same stylesheets as one `<style>` for the HTML edition: the user-agent and user origins
 * become the two lowest cascade layers, so that, as in the PDF, any rule of print.css beats them
 * whatever its specificity, and the browser's own defaults never show through.
 */
export function stylesheetsAsHtmlCss(sources: readonly StylesheetSource[]): string {
  const layers = { "user-agent": "user-agent", user: "user" } as const;
  return [
    "@layer user-agent, user;",
    ...sources.map((source) => (source.origin === "author" ? source.text : `@layer ${layers[source.origin]} {\n${source.text}\n}`)),
  ].join("\n");
}
