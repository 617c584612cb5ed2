import type { Script } from "../locales";
import { FAMILIES, FAMILY_IDS, type FamilyId, isCjkFamily, primaryFamilyOf } from "../pdf/font-library";
import { balancedStylesheet, type StylesheetSource } from "./stylesheet";

/** The paper a render asks for (the command line's `--paper`); the template's `@page size` overrides it. */
export type Paper = "A4" | "Letter";

/** A template's two stylesheets, as read from templates/. */
export interface TemplateStylesheets {
  /** templates/ua.css: the defaults of the vocabulary's elements. */
  userAgent: string;
  /** templates/<name>/print.css: the template's own look. */
  author: string;
  /** How errors name the author's stylesheet: its path, `templates/<name>/print.css` (`templates/print.css` when not given). */
  authorName?: string;
}

/**
 * The font stack of a document script (ISO 15924), best first: the body family the font registry
 * sets it in, the registry's Latin family for a script that is not Latin, then every other family
 * of the registry in the PDF's fallback order (the large CJK faces last) and a generic. The PDF
 * sets the text in the first family and falls back per character; the HTML edition embeds each
 * face it falls back to under its name, so the browser finds it in this stack, not on the machine.
 * Any script gets a stack, so a language added by files never renders `--font-body: undefined`.
 */
export function fontStackOf(script: Script): string {
  const family = primaryFamilyOf(script);
  const sans = isCjkFamily(family) || family === "thai" || family === "sans";
  const latin: FamilyId = sans ? "sans" : "serif";
  const fallbacks = [...FAMILY_IDS.filter((f) => !isCjkFamily(f)), ...FAMILY_IDS.filter(isCjkFamily)];
  const order = [family, latin, ...fallbacks].filter((f, i, all) => all.indexOf(f) === i);
  return [...order.map((f) => `"${FAMILIES[f].name}"`), sans ? "sans-serif" : "serif"].join(", ");
}

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
export function pageLabelContent(format: (page: string, pages: string) => string, counterStyle = "decimal"): string {
  // The numbers in the language's own digits (bn, fa): a counter style the browser and the PDF both print.
  const style = counterStyle === "decimal" ? "" : `, ${counterStyle}`;
  return format("\uE000", "\uE001")
    .split(/(\uE000|\uE001)/)
    .filter((part) => part !== "")
    .map((part) => (part === "\uE000" ? `counter(page${style})` : part === "\uE001" ? `counter(pages${style})` : cssString(part)))
    .join(" ");
}

export interface DocumentStyleOptions {
  script: Script;
  paper: Paper;
  /** The template's `footer.page` message for the document's language. */
  pageLabel: (page: string, pages: string) => string;
  /** The numeric counter style of the language's digits (`bengali`, `persian`); `decimal` by default. */
  pageNumberStyle?: string;
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
    `:root { --font-body: ${fontStackOf(options.script)}; --page-label: ${pageLabelContent(options.pageLabel, options.pageNumberStyle)}; --running-title: ${cssString(options.runningTitle ?? "")}; }`,
    `@page { size: ${options.paper === "A4" ? "A4" : "letter"}; }`,
  ].join("\n");
  return [
    { name: "templates/ua.css", origin: "user-agent", text: sheets.userAgent },
    { name: "document settings", origin: "user", text: settings },
    { name: sheets.authorName ?? "templates/print.css", origin: "author", text: sheets.author },
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
    ...sources.map((source) => (source.origin === "author" ? balancedStylesheet(source.text) : `@layer ${layers[source.origin]} {\n${balancedStylesheet(source.text)}\n}`)),
  ].join("\n");
}
