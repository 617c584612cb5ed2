import { buildLetterView } from "../template/letter-view";
import type { MessageCatalog } from "../template/message-catalog";
import type { FilledImageProblem } from "../template/template-images";
import type { TemplateLibrary } from "../template/template-library";
import type { LocaleId } from "../locales";
import type { Letter } from "./parse-letter";
import type { LetterWord } from "./schema";
import { fontFaceHashes } from "../style/font-faces";

/** A message as a letter's document prints it: its key and its text, formatted (Intl's dates, numbers and lists in it). */
export interface PrintedMessageText {
  key: string;
  text: string;
}

/** What a template offers a letter: the languages of its message catalogs and the letter's own words it prints. */
export interface TemplateOffer {
  locales: ReadonlySet<LocaleId>;
  letterWords: readonly LetterWord[];
  /**
   * Whether the template prints the recipients' list (their countries) in a letter to all recipients;
   * when it does not, that letter needs no recipient's words. Taken as printed when absent.
   */
  printsRecipientList?: boolean;
  /** A template folder set aside because it does not load (a local run): a letter naming it is checked against nothing here and fails at render with the template's problems. */
  setAside?: true;
  /** The folder errors name, `templates/<name>`: a catalog is `<folder>/messages/<tag>.json`. */
  folder?: string;
  /** The content hashes of the template's own faces (`@font-face` in its print.css): the letter's text may use what they draw. */
  fontFaces?(): readonly string[];
  /** The template's own words in a language (its message catalog), checked against the fonts like the letter's words. */
  catalog?(locale: LocaleId): MessageCatalog | undefined;
  /**
   * The messages the template prints for a letter in a language, as formatted: what `Intl` makes of the
   * letter's date, counts and lists is in no file, and is checked against the fonts from these.
   * Throws what filling the template throws, but the problems of its images (`imageProblems` says those).
   */
  printedMessages?(letter: Letter, locale: LocaleId): PrintedMessageText[];
  /**
   * The problems of the images whose src the letter's data makes (`assets/signatures/{{id}}`: a
   * signatory without a signature file, or with two), the general letter filled in a language:
   * the template's own image lookup, at the letter check. Throws what filling the template throws.
   */
  imageProblems?(letter: Letter, locale: LocaleId): FilledImageProblem[];
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
  /**
   * Every character of the text no shipped face covers, nor any of `templateFaces` (the content
   * hashes of the letter's template's own faces, `TemplateOffer.fontFaces`); default-ignorable code
   * points never are. Another template's faces do not count: they draw nothing in this letter.
   */
  uncovered(text: string, templateFaces?: readonly string[]): UncoveredCharacter[];
  /** A character as errors name it, `U+13000 EGYPTIAN HIEROGLYPH A001 "𓀀"`. */
  describe?(codePoint: number): string;
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

/** The message the page label is (render-html.ts makes the page stylesheet's label of it). */
const PAGE_LABEL = "footer.page";

/** What each template of a library offers, by name: read from its catalogs and its letter template. */
export function templateOffersOf(library: TemplateLibrary): Map<string, TemplateOffer> {
  const offers = new Map<string, TemplateOffer>();
  for (const name of library.names) {
    const engine = library.get(name);
    if (!engine) continue;
    let fontFaces: readonly string[] | undefined;
    // The letter check asks for what the template prints and for its images, per language: one fill gives both.
    const imagesOfFill = new WeakMap<Letter, Map<LocaleId, FilledImageProblem[]>>();
    const fillLetter = (letter: Letter, locale: LocaleId, printed?: (key: string, text: string) => void) => {
      const problems = engine.letterImageProblems(buildLetterView(letter, locale), locale, printed);
      let byLocale = imagesOfFill.get(letter);
      if (!byLocale) imagesOfFill.set(letter, (byLocale = new Map()));
      byLocale.set(locale, problems);
      return problems;
    };
    offers.set(name, {
      locales: new Set(Object.keys(engine.set.catalogs)),
      // Read from the stylesheet when a letter of the template is first checked against the fonts.
      fontFaces: () => (fontFaces ??= fontFaceHashes(engine.set.stylesheet)),
      letterWords: engine.letterWords,
      printsRecipientList: engine.printsRecipientList,
      folder: engine.folder,
      catalog: (locale) => engine.set.catalogs[locale],
      printedMessages(letter, locale) {
        const printed = new Map<string, PrintedMessageText>();
        const keep = (key: string, text: string) => printed.set(`${key}\u0000${text}`, { key, text });
        fillLetter(letter, locale, keep);
        // The page label the stylesheets print, with every digit a page number may have.
        const messages = engine.messages(locale);
        if (messages.has(PAGE_LABEL)) keep(PAGE_LABEL, messages.format(PAGE_LABEL, { page: 12345, pages: 67890 }));
        return [...printed.values()];
      },
      imageProblems: (letter, locale) => imagesOfFill.get(letter)?.get(locale) ?? fillLetter(letter, locale),
    });
  }
  for (const name of library.broken.keys()) offers.set(name, { locales: new Set(), letterWords: [], setAside: true });
  return offers;
}
