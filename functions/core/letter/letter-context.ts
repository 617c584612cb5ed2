import type { TemplateLibrary } from "../template/template-library";
import type { LocaleId } from "../locales";
import type { LetterWord } from "./schema";

/** What a template offers a letter: the languages of its message catalogs and the letter's own words it prints. */
export interface TemplateOffer {
  locales: ReadonlySet<LocaleId>;
  letterWords: readonly LetterWord[];
  /** A template folder set aside because it does not load (a local run): a letter naming it is checked against nothing here and fails at render with the template's problems. */
  setAside?: true;
}

/** A character of a text that no shipped face draws. */
export interface UncoveredCharacter {
  /** UTF-16 offset in the text. */
  index: number;
  codePoint: number;
  /** The code point and the character's Unicode name: `U+13000 EGYPTIAN HIEROGLYPH A001`. */
  description: string;
}

/** Which characters the shipped fonts draw (functions/fonts/coverage.ts binds it to the font files). */
export interface TextCoverage {
  /** Every character of the text no shipped face covers; default-ignorable code points never are. */
  uncovered(text: string): UncoveredCharacter[];
}

/**
 * What a deployment offers that a letter must fit, checked when the letter is validated rather than
 * first at render: the templates there are (a letter may name only one of them, in languages it has
 * catalogs for) and the characters its fonts draw. Without it, only the data's own rules are checked.
 */
export interface LetterContext {
  /** Template folders by name. */
  templates?: ReadonlyMap<string, TemplateOffer>;
  coverage?: TextCoverage;
  /**
   * The languages whose text `coverage` checks (letter.json's and the source language's always are):
   * a render of some languages reads only their fonts. Every language when absent.
   */
  coverageLocales?: ReadonlySet<LocaleId>;
}

/** What each template of a library offers, by name: read from its catalogs and its letter template. */
export function templateOffersOf(library: TemplateLibrary): Map<string, TemplateOffer> {
  const offers = new Map<string, TemplateOffer>();
  for (const name of library.names) {
    const engine = library.get(name);
    if (engine) offers.set(name, { locales: new Set(Object.keys(engine.set.catalogs)), letterWords: engine.letterWords });
  }
  for (const name of library.broken.keys()) offers.set(name, { locales: new Set(), letterWords: [], setAside: true });
  return offers;
}
