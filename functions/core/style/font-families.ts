// css-tree's parser without its lexer (see css-tree-parts.ts).
import * as csstree from "./css-tree-parts";
import { FAMILIES, FAMILY_IDS, type FamilyId, type TemplateFamilyId } from "../pdf/font-library";
import { ColorError, PROPERTIES } from "./properties";
import { checkDeclaration, type Declaration, type ParsedStylesheets, pageSizeOf } from "./stylesheet";
import { hasVariables, parseValue, substituteVariables, ValueError } from "./values";

/**
 * The font registry's families by the names stylesheets give them (lowercase): each family's own CSS
 * name from the registry (so a script added there is known here too), plus the generic names and
 * the CJK aliases the template's stacks use.
 */
export const FAMILY_NAMES: Readonly<Record<string, FamilyId>> = {
  ...Object.fromEntries(FAMILY_IDS.map((id) => [FAMILIES[id].name.toLowerCase(), id])),
  serif: "serif",
  "noto sans cjk sc": "sc",
  "noto sans cjk tc": "tc",
  "noto sans cjk jp": "jp",
  "noto sans cjk kr": "kr",
  "sans-serif": "sans",
};

/**
 * Each name as a stylesheet writes it, and its family (null: none). The layout asks for every name
 * of a paragraph's stack, per paragraph: lowercasing the name and looking the new string up cost
 * 1-2% of a warm PDF; a name seen before is one map lookup. Bounded: a stylesheet can name only so many.
 */
const familyOfWrittenName = new Map<string, FamilyId | null>();
const WRITTEN_NAMES_LIMIT = 1024;

/** A template family's id (font-library.ts `templateFamilyId`): four content hashes and the family's name. */
const TEMPLATE_FAMILY_ID = /^@[0-9a-f]+(?:,[0-9a-f]+){3}:/;

/**
 * The family a `font-family` name stands for in the registry, or the template family a computed
 * name is the id of; undefined when neither provides it.
 */
export function registryFamilyOf(name: string): FamilyId | undefined {
  let family = familyOfWrittenName.get(name);
  if (family === undefined) {
    const key = name.toLowerCase();
    // A template's own family, as its name computes (font-faces.ts `templateFamilies`): its id.
    family = TEMPLATE_FAMILY_ID.test(name) ? (name as TemplateFamilyId) : Object.hasOwn(FAMILY_NAMES, key) ? (FAMILY_NAMES[key] as FamilyId) : null;
    if (familyOfWrittenName.size >= WRITTEN_NAMES_LIMIT) familyOfWrittenName.clear();
    familyOfWrittenName.set(name, family);
  }
  return family ?? undefined;
}

/** The names an author may write, for error messages: the registry's families, then the generics. */
function knownNames(): string {
  return [...FAMILY_IDS.map((id) => `"${FAMILIES[id].name}"`), "serif", "sans-serif"].join(", ");
}

/** How the render's own settings sheet is named (document-stylesheets.ts). */
const SETTINGS_SHEET = "document settings";

/** What the check found: errors fail the template; warnings name a family the list skips. */
export interface FontFamilyReport {
  errors: string[];
  warnings: string[];
}

/** At most this many substitutions of one declaration's var()s are tried (each var may be set by several rules). */
const MAX_READINGS = 64;

/** Every `font-family` declaration of the sheets: rules, `@page` and its margin boxes. */
function fontFamilyDeclarations(sheets: ParsedStylesheets): Declaration[] {
  const all: Declaration[] = [];
  const take = (declarations: readonly Declaration[]) => {
    for (const declaration of declarations) if (declaration.property === "font-family") all.push(declaration);
  };
  for (const rule of sheets.rules) take(rule.declarations);
  for (const page of sheets.pages) {
    take(page.declarations);
    for (const box of Object.values(page.marginBoxes)) take(box ?? []);
  }
  return all;
}

/** Every value each custom property is given anywhere in the sheets (any selector may set it for the element that reads it). */
function customPropertyValues(sheets: ParsedStylesheets): Map<string, Declaration[]> {
  const values = new Map<string, Declaration[]>();
  const take = (declarations: readonly Declaration[]) => {
    for (const declaration of declarations) {
      if (!declaration.property.startsWith("--")) continue;
      values.set(declaration.property, [...(values.get(declaration.property) ?? []), declaration]);
    }
  };
  for (const rule of sheets.rules) take(rule.declarations);
  for (const page of sheets.pages) {
    take(page.declarations);
    for (const box of Object.values(page.marginBoxes)) take(box ?? []);
  }
  return values;
}

/** A custom property chosen as set by no rule: its var() reads its fallback. */
const UNSET: unique symbol = Symbol("unset");

/** One way a value may read once its var()s are substituted, and which settings it took. */
interface Reading {
  text: string;
  via: string[];
}

/**
 * The texts a value may take, one per combination of the settings of the custom properties it reads,
 * directly or through others (a custom property set by two rules gives two readings). A combination
 * that leaves a var() unset without a fallback, or runs in a cycle, gives no reading: a sheet checked
 * alone may read what the document's other sheets set, and the cascade reports the rest.
 */
function readingsOf(text: string, settings: ReadonlyMap<string, readonly Declaration[]>, failures?: string[], withFallbacks = false): Reading[] {
  if (!hasVariables(text)) return [{ text, via: [] }];
  const names: string[] = [];
  const visit = (value: string) => {
    for (const match of value.matchAll(/var\(\s*(--[^\s,)]+)/gi)) {
      const name = match[1]!;
      if (names.includes(name)) continue;
      names.push(name);
      for (const option of settings.get(name) ?? []) visit(option.text);
    }
  };
  visit(text);
  let combinations: Map<string, Declaration | typeof UNSET>[] = [new Map()];
  for (const name of names) {
    const options: (Declaration | typeof UNSET)[] = [...(settings.get(name) ?? [])];
    if (options.length === 0) continue;
    // An element no rule setting the property reaches reads the var()'s fallback.
    if (withFallbacks) options.push(UNSET);
    combinations = combinations.flatMap((chosen) => options.map((option) => new Map<string, Declaration | typeof UNSET>([...chosen, [name, option]]))).slice(0, MAX_READINGS);
  }
  const readings: Reading[] = [];
  for (const chosen of combinations) {
    try {
      const used: string[] = [];
      const substituted = substituteVariables(text, (name) => {
        const chosenOption = chosen.get(name);
        if (chosenOption === UNSET) {
          used.push(`${name} is not set where it is read`);
          return undefined;
        }
        const option = chosenOption;
        // The render's own settings (the document's font stack) differ per language: named, not quoted.
        if (option)
          used.push(
            option.where.startsWith(`${SETTINGS_SHEET} `)
              ? `${name} is the render's setting for the document's language`
              : `${name} is ${option.text.trim()} (${option.where.replace(/, property --.*$/, "")})`,
          );
        return option?.text;
      });
      readings.push({ text: substituted, via: used });
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      failures?.push(error.message);
    }
  }
  return readings;
}

/** Every declaration of the sheets that reads a custom property: its value is known only once substituted. */
function variableDeclarations(sheets: ParsedStylesheets): Declaration[] {
  const all: Declaration[] = [];
  const take = (declarations: readonly Declaration[]) => {
    for (const declaration of declarations) if (!declaration.property.startsWith("--") && declaration.tokens === null) all.push(declaration);
  };
  for (const rule of sheets.rules) take(rule.declarations);
  for (const page of sheets.pages) {
    take(page.declarations);
    for (const box of Object.values(page.marginBoxes)) take(box ?? []);
  }
  return all;
}

/**
 * Checks every value that reads custom properties as the cascade would read it, at load rather than
 * once per document at render: substituted with every value each property is given anywhere in the
 * sheets (and its fallback), each reading checked as a value written out is (`border: 1pt dashed
 * var(--warm)` with `--warm: 12pt` is refused here, as `border: 1pt dashed 12pt` is). A var() no
 * rule sets and without a fallback is refused too. `sheets` must be a document's whole cascade.
 * Each line names the stylesheet, line, selector and property, and the settings read.
 */
export function checkVariableValues(sheets: ParsedStylesheets): string[] {
  const problems = new Set<string>();
  const settings = customPropertyValues(sheets);
  for (const declaration of variableDeclarations(sheets)) {
    // font-family has its own check, against the font registry (checkFontFamilies).
    if (declaration.property === "font-family") continue;
    const failures: string[] = [];
    for (const { text, via } of readingsOf(declaration.text, settings, failures, true)) {
      try {
        const tokens = parseValue(text);
        if (declaration.property === "size") pageSizeOf(tokens, { em: 12, rem: 12 });
        else checkDeclaration(declaration.property, tokens);
      } catch (error) {
        if (!(error instanceof ValueError)) throw error;
        const where = error instanceof ColorError ? (declaration.at ?? declaration.where) : declaration.where;
        problems.add(`${where}: ${error.message}${via.length > 0 ? ` (through ${via.join("; ")})` : ""}`);
      }
    }
    for (const failure of failures) {
      // A property some rule sets, tried unset for its fallback, is an error only where no rule sets it: the cascade's to report.
      const unset = /^var\((--[^)]+)\) is not set/.exec(failure);
      if (unset && settings.has(unset[1]!)) continue;
      problems.add(`${declaration.where}: ${failure}`);
    }
  }
  return [...problems];
}

/** The family names of a font-family value as written (case kept, for messages), as CSS reads the list; null for a CSS-wide keyword. */
function familyNames(text: string): string[] | null {
  const tokens = parseValue(text);
  if (tokens.length === 1 && tokens[0]!.type === "ident" && ["inherit", "initial", "unset"].includes(tokens[0]!.name)) return null;
  // The property's own reading validates the list (and throws what it refuses); the names are re-read with their case.
  const lowercase = PROPERTIES["font-family"]!.compute(tokens, { font: { em: 12, rem: 12 }, color: "#000000" }) as string[];
  const names: string[] = [];
  let current: string[] = [];
  const value = csstree.parse(text, { context: "value" }) as csstree.Value;
  value.children.forEach((node) => {
    if (node.type === "Operator" && node.value === ",") {
      names.push(current.join(" "));
      current = [];
    } else if (node.type === "Identifier") current.push(node.name);
    else if (node.type === "String") current.push(node.value);
  });
  names.push(current.join(" "));
  return names.length === lowercase.length ? names : lowercase;
}

/**
 * Checks every `font-family` of the sheets against the font registry, through the custom properties
 * it reads: a list no family of which the registry provides is an error (the PDF could set the text
 * in no face the HTML edition embeds); a list whose first available family comes after others
 * names those others in a warning, as CSS takes the first family available and skips the rest.
 * Each line names the stylesheet, line, selector and property.
 */
export function checkFontFamilies(sheets: ParsedStylesheets): FontFamilyReport {
  const report: FontFamilyReport = { errors: [], warnings: [] };
  const settings = customPropertyValues(sheets);
  const seen = new Set<string>();
  const say = (list: string[], line: string) => {
    if (!seen.has(line)) list.push(line);
    seen.add(line);
  };
  // The template's own families (@font-face) are known by name as the registry's are.
  const declared = new Set((sheets.fontFaces ?? []).map((face) => face.family.toLowerCase()));
  const known = (name: string) => registryFamilyOf(name) !== undefined || declared.has(name.toLowerCase());
  for (const declaration of fontFamilyDeclarations(sheets)) {
    for (const { text, via } of readingsOf(declaration.text, settings)) {
      let names: string[] | null;
      try {
        names = familyNames(text);
      } catch (error) {
        // A value that does not read is the cascade's error to report, with this same location.
        if (error instanceof ValueError) continue;
        throw error;
      }
      if (names === null) continue;
      const through = via.length > 0 ? ` (through ${via.join("; ")})` : "";
      const missing = names.filter((name) => !known(name));
      if (missing.length === 0) continue;
      const quoted = missing.map((name) => `"${name}"`).join(", ");
      if (missing.length === names.length) {
        say(
          report.errors,
          `${declaration.where}: ${missing.length === 1 ? `the family ${quoted} is not` : `none of the families ${quoted} is`} in the font registry${through}; expected one of ${knownNames()}`,
        );
      } else {
        const used = names.find(known)!;
        say(
          report.warnings,
          `${declaration.where}: ${quoted} ${missing.length === 1 ? "is" : "are"} not in the font registry${through}; the PDF sets the text in the list's first family that is${via.length === 0 ? ` ("${used}")` : ""}, as does the HTML page wherever the reader has no font of ${missing.length === 1 ? "that name" : "those names"} installed (the registry has ${knownNames()})`,
        );
      }
    }
  }
  return report;
}
