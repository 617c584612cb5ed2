import { createHash } from "node:crypto";
import type { MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import Handlebars from "handlebars";
import {
  compileSelector,
  type Declaration,
  type Origin,
  type PageRule,
  type ParsedStylesheets,
  parseStylesheets,
  type StyleRule,
  type StylesheetSource,
} from "../style/stylesheet";
import type { SourceImage } from "./template-images";

/**
 * Work on the templates done when the render function is bundled instead of at every cold start:
 * each Handlebars source precompiled (with what it reads: the view's fields and message keys, and
 * checked: its markup, the helpers it calls, the images it writes), each
 * template stylesheet parsed and checked, each message of the catalogs parsed to its ICU syntax tree.
 * Every entry is keyed by a hash of its source (and of what else shapes it), so a template edited
 * after bundling, or a templates folder the bundle never saw, misses and is compiled at run time
 * exactly as without this file. It is code (precompiled templates are functions): it is read only
 * from beside the bundle's own code, never from a templates folder.
 */
export interface PreparedTemplates {
  format: typeof PREPARED_FORMAT;
  /** By `templateKey(source)`. */
  templates: Readonly<Record<string, PreparedTemplate>>;
  /** By `stylesheetKey(origin, text)`. */
  stylesheets: Readonly<Record<string, PreparedStylesheet>>;
  /** By `messageKey(message)`: the tree `parse(message)` gives (no locale). */
  messages: Readonly<Record<string, MessageFormatElement[]>>;
}

/** Bumped when the shape of an entry, or what makes one, changes (a file of another format is ignored whole). */
export const PREPARED_FORMAT = 3;

/** The file beside the bundle's index.js (written by infra/bundling/prepare-templates.ts). */
export { PREPARED_TEMPLATES_FILE } from "../../render/prepared-file";

/**
 * Handlebars' compile options of every template: strict (a missing field is an error), escaped,
 * `t` the one known helper. Part of each template's key: a spec compiled with other options is another spec.
 */
export const TEMPLATE_COMPILE_OPTIONS = { strict: true, noEscape: false, preventIndent: true, knownHelpers: { t: true }, knownHelpersOnly: false } as const;

export interface PreparedTemplate {
  /** What `Handlebars.precompile(source, TEMPLATE_COMPILE_OPTIONS)` gives, evaluated: the argument of `Handlebars.template`. */
  spec: TemplateSpecification;
  /** First parts of the source's path expressions (the view's fields it reads). */
  paths: readonly string[];
  /** Its `{{t "key"}}` calls in order, each with the names of the arguments it passes and where it stands (a bundle of before has no position). */
  calls: readonly { key: string; arguments: readonly string[]; line?: number; column?: number }[];
  /** Whether a `{{t}}` of it names its key other than by a string literal. */
  dynamicKeys: boolean;
  /** Its markup was checked against the vocabulary (template-markup.ts) and had no problem: not checked again. */
  markupChecked: boolean;
  /** It was walked for helpers the template does not have (template-helpers.ts) and calls none: not walked again. */
  helpersChecked: boolean;
  /**
   * The `<img>` elements it writes, found by walking its markup at bundling time (template-images.ts):
   * the engine checks their alt text and files against the template's assets when it loads, without the walk.
   */
  images: readonly SourceImage[];
}

/** Handlebars' precompiled template object (its typings call it TemplateSpecification without exporting a usable type). */
export type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

/**
 * A parsed stylesheet without its compiled selectors (functions) or its name (errors name the sheet
 * as the run does). Declaration lists are kept once and referred to by index: the rules of one
 * selector list share one list, as the parse shares it.
 */
export interface PreparedStylesheet {
  lists: PreparedDeclaration[][];
  rules: (Omit<StyleRule, "matches" | "declarations"> & { declarations: number })[];
  pages: (Omit<PageRule, "declarations" | "marginBoxes"> & { declarations: number; marginBoxes: Partial<Record<string, number>> })[];
  fontFaces?: ParsedStylesheets["fontFaces"];
}

/** A declaration whose `where` lacks the stylesheet's name: `line 12, selector h1, property color`. */
export type PreparedDeclaration = Omit<Declaration, "where" | "at"> & { whereInSheet: string; atInSheet?: string };

const hash = (...parts: string[]) => createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 32);

/** A template source's key: the source, the options it is compiled with, and the Handlebars version. */
export function templateKey(source: string): string {
  return hash("hbs", Handlebars.VERSION, JSON.stringify(TEMPLATE_COMPILE_OPTIONS), source);
}

/** A stylesheet's key: its origin (rules carry it) and its text. */
export function stylesheetKey(origin: Origin, text: string): string {
  return hash("css", origin, text);
}

/**
 * An ICU message's key: its text itself. Messages are many and short (every language's catalog is
 * checked when a template loads): a lookup by the text costs no hash per message.
 */
export function messageKey(message: string): string {
  return message;
}

/** A message's prepared ICU tree, if it was prepared (own keys only: a message may be any text, `__proto__` too). */
export function preparedMessage(prepared: PreparedTemplates | undefined, message: string): MessageFormatElement[] | undefined {
  return prepared && Object.hasOwn(prepared.messages, message) ? prepared.messages[message] : undefined;
}

/** A file's content as prepared templates, or none when it is not of this format. */
export function asPreparedTemplates(value: unknown): PreparedTemplates | undefined {
  const candidate = value as Partial<PreparedTemplates> | undefined;
  return candidate?.format === PREPARED_FORMAT && candidate.templates && candidate.stylesheets && candidate.messages ? (candidate as PreparedTemplates) : undefined;
}

/** A parsed stylesheet as the prepared file keeps it: every declaration's `where` without the sheet's name. */
export function prepareStylesheet(parsed: ParsedStylesheets, sheetName: string): PreparedStylesheet {
  const prefix = `${sheetName} `;
  const lists: PreparedDeclaration[][] = [];
  const indexOf = new Map<Declaration[], number>();
  const list = (declarations: Declaration[]): number => {
    let index = indexOf.get(declarations);
    if (index === undefined) {
      index = lists.length;
      lists.push(
        declarations.map(({ where, at, ...rest }) => {
          // parseStylesheets writes every place as `<sheet name> line ...`.
          for (const place of [where, at ?? prefix]) {
            if (!place.startsWith(prefix)) throw new Error(`prepared stylesheet ${sheetName}: a declaration's place does not start with the sheet's name: ${place}`);
          }
          return { ...rest, whereInSheet: where.slice(prefix.length), ...(at !== undefined ? { atInSheet: at.slice(prefix.length) } : {}) };
        }),
      );
      indexOf.set(declarations, index);
    }
    return index;
  };
  return {
    lists,
    rules: parsed.rules.map(({ matches: _matches, declarations, ...rule }) => ({ ...rule, declarations: list(declarations) })),
    pages: parsed.pages.map(({ declarations, marginBoxes, ...page }) => ({
      ...page,
      declarations: list(declarations),
      marginBoxes: Object.fromEntries(Object.entries(marginBoxes).map(([box, declarations]) => [box, list(declarations ?? [])])),
    })),
    ...(parsed.fontFaces ? { fontFaces: parsed.fontFaces } : {}),
  };
}

/**
 * A prepared stylesheet as `parseStylesheets([source])` gives it: declarations named by this run's
 * sheet name, selectors compiled by `compileSelector` (the compiler the parse uses).
 */
export function reviveStylesheet(prepared: PreparedStylesheet, sheetName: string, compileSelector: (selector: string) => StyleRule["matches"]): ParsedStylesheets {
  const lists = prepared.lists.map((list) =>
    list.map(
      ({ whereInSheet, atInSheet, ...rest }): Declaration => ({
        ...rest,
        where: `${sheetName} ${whereInSheet}`,
        ...(atInSheet !== undefined ? { at: `${sheetName} ${atInSheet}` } : {}),
      }),
    ),
  );
  const list = (index: number): Declaration[] => {
    const declarations = lists[index];
    if (!declarations) throw new Error(`prepared stylesheet ${sheetName}: no declaration list ${index}`);
    return declarations;
  };
  return {
    rules: prepared.rules.map(({ declarations, ...rule }) => ({ ...rule, matches: compileSelector(rule.selector), declarations: list(declarations) })),
    pages: prepared.pages.map(({ declarations, marginBoxes, ...page }) => ({
      ...page,
      declarations: list(declarations),
      marginBoxes: Object.fromEntries(Object.entries(marginBoxes).map(([box, index]) => [box, list(index ?? -1)])) as PageRule["marginBoxes"],
    })),
    ...(prepared.fontFaces ? { fontFaces: prepared.fontFaces } : {}),
  };
}

/**
 * One stylesheet parsed as `parseStylesheets([source])` parses it: from its prepared entry when its
 * origin and text are the ones prepared (css-tree's parse and the value checks skipped), else parsed now.
 */
export function parsePreparedStylesheet(source: StylesheetSource, prepared: PreparedTemplates | undefined): ParsedStylesheets {
  const entry = prepared?.stylesheets[stylesheetKey(source.origin, source.text)];
  return entry ? reviveStylesheet(entry, source.name, compileSelector) : parseStylesheets([source]);
}
