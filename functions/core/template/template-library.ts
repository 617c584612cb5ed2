import { createHash } from "node:crypto";
import { InvalidLetterDataError, LetterpressError } from "../errors";
import { LETTER_FACTS_FILE, type Letter } from "../letter/parse-letter";
import { DEFAULT_TEMPLATE } from "../letter/schema";
import { LruCache } from "../pdf/cache";
import { type ParsedStylesheets, parseStylesheets, StyleError, type StylesheetSource } from "../style";
import { checkAcrossSheets, inLineOrder } from "../style/stylesheet";
import { parsePreparedStylesheet, type PreparedTemplates } from "./prepared-templates";
import { TemplateEngine, type TemplateSet } from "./template-engine";

/**
 * One template's stylesheets, parsed once: its ua.css and print.css each once for the template's
 * life, the small per-document settings sheet (paper, font stack, page label, title) once per
 * distinct text, and each document's cascade (the three in order) kept per combination. The
 * template owns them, so they go with it; no render parses a sheet a render before it parsed.
 */
export class TemplateStylesheets {
  /** Each sheet parsed alone, by its text, with an id for the combination's key. */
  private readonly sheets = new Map<string, { id: number; parsed: ParsedStylesheets }>();
  private readonly settings = new LruCache<string, { id: number; parsed: ParsedStylesheets }>({
    maxBytes: LruCache.budgets.stylesheets / 2,
    maxEntries: 256,
    sizeOf: (text) => LruCache.weigh.string(text) * 4,
  });
  private readonly combined = new LruCache<string, ParsedStylesheets>({ maxBytes: LruCache.budgets.stylesheets / 2, maxEntries: 256, sizeOf: () => 4096 });
  private nextId = 0;

  /** `prepared`: the bundle's stylesheets parsed at bundling time, taken by their text instead of parsing it again. */
  constructor(private readonly prepared?: PreparedTemplates) {}

  /** A document's stylesheet sources by language, paper and title (`editionStylesheets`). */
  private readonly sourcesByKey = new LruCache<string, readonly StylesheetSource[]>({
    maxBytes: LruCache.budgets.stylesheets,
    maxEntries: 256,
    sizeOf: (key) => 4096 + LruCache.weigh.string(key),
  });
  /**
   * The CSP hash of the HTML edition's `<style>` text, by sources and what the page adds (its fonts'
   * characters per face): hashing hundreds of kilobytes of embedded fonts per letter was a third of
   * the edition's time. The text itself is not kept: it is joined from pieces kept elsewhere.
   */
  private readonly hashes = new LruCache<string, string>({
    maxBytes: 1024 * 1024,
    maxEntries: 1024,
    sizeOf: (key, hash) => LruCache.weigh.string(key) + LruCache.weigh.string(hash),
  });
  private readonly sourceIds = new WeakMap<readonly StylesheetSource[], number>();
  /**
   * The HTML edition's letters by shape (their markup without their text) and sources: what the
   * edition learned from styling one of them (render-html.ts owns the entries' type).
   */
  private readonly shapes = new LruCache<string, unknown>({ maxBytes: 2 * 1024 * 1024, maxEntries: 64, sizeOf: (key) => LruCache.weigh.string(key) * 4 + 16 * 1024 });

  /** What the HTML edition kept for letters of this shape and sources; undefined until kept. */
  shape(sources: readonly StylesheetSource[], shape: string): unknown {
    return this.shapes.get(this.headKey(sources, shape));
  }

  keepShape(sources: readonly StylesheetSource[], shape: string, entry: unknown): void {
    this.shapes.set(this.headKey(sources, shape), entry);
  }

  private headKey(sources: readonly StylesheetSource[], key: string): string {
    let id = this.sourceIds.get(sources);
    if (id === undefined) this.sourceIds.set(sources, (id = this.nextId++));
    return `${id}\u0000${key}`;
  }

  /** The stylesheet sources of one document, made once per key (language, paper, title) and shared: read-only. */
  sources(key: string, make: () => readonly StylesheetSource[]): readonly StylesheetSource[] {
    let sources = this.sourcesByKey.get(key);
    if (!sources) this.sourcesByKey.set(key, (sources = make()));
    return sources;
  }

  /** The base64 SHA-256 of the HTML page's style text `css()` for these sources and what `key` names (the page's embedded fonts). */
  styleHash(sources: readonly StylesheetSource[], key: string, css: () => string): string {
    const at = this.headKey(sources, key);
    let hash = this.hashes.get(at);
    if (hash === undefined) this.hashes.set(at, (hash = createHash("sha256").update(css()).digest("base64")));
    return hash;
  }

  /**
   * The stylesheets of one document parsed in cascade order: the same rules, origins and order as
   * `parseStylesheets(sources)` gives (a test compares them), from sheets parsed once each.
   */
  parsed(sources: readonly StylesheetSource[]): ParsedStylesheets {
    let parts: { id: number; parsed: ParsedStylesheets }[];
    try {
      parts = sources.map((source) => this.part(source));
    } catch (error) {
      // The problems of every sheet are reported together, as parsing them together reports them.
      if (error instanceof StyleError) parseStylesheets(sources, { wholeDocument: isWholeDocument(sources) });
      throw error;
    }
    const key = parts.map((part) => part.id).join(",");
    let sheets = this.combined.get(key);
    if (!sheets) {
      sheets = inCascadeOrder(parts.map((part) => part.parsed));
      // What reads the sheets together is checked here, as parseStylesheets checks a whole document: print.css's
      // var(--font-body) reads the settings' stack, ua.css may give the page size and print.css its margins.
      // A document's cascade always holds the render's settings sheet (the user origin); sheets without it are not a whole document.
      const across = checkAcrossSheets(sheets, isWholeDocument(sources));
      if (across.errors.length > 0)
        throw new StyleError(
          inLineOrder(
            across.errors,
            sources.map((source) => source.name),
          ),
          across.warnings,
        );
      if (across.warnings.length > 0) sheets.warnings = across.warnings;
      this.combined.set(key, sheets);
    }
    return sheets;
  }

  private part(source: StylesheetSource): { id: number; parsed: ParsedStylesheets } {
    // A template's own sheets are the same for every document; the settings sheet differs per language and title.
    const kept = source.origin === "user" ? this.settings : this.sheets;
    const key = `${source.origin}\u0000${source.name}\u0000${source.text}`;
    let part = kept.get(key);
    if (!part) {
      part = { id: this.nextId++, parsed: parsePreparedStylesheet(source, this.prepared) };
      kept.set(key, part);
    }
    return part;
  }
}

/** Whether sources are a document's whole cascade: it always holds the render's settings sheet (document-stylesheets.ts), the user origin. */
function isWholeDocument(sources: readonly StylesheetSource[]): boolean {
  return sources.some((source) => source.origin === "user");
}

/** The HTML edition's one `<style>` text and its Content-Security-Policy hash. */
export interface HtmlHead {
  css: string;
  /** base64 SHA-256 of `css`. */
  hash: string;
}

/**
 * Sheets parsed one by one, joined as if parsed together: each rule's and page rule's order moves
 * past the orders of the sheets before it (parseStylesheets numbers rules and page rules of all
 * its sheets in one sequence, which the cascade and the computed-style cache read).
 */
function inCascadeOrder(parts: readonly ParsedStylesheets[]): ParsedStylesheets {
  const out: ParsedStylesheets = { rules: [], pages: [] };
  let offset = 0;
  for (const part of parts) {
    let count = 0;
    for (const rule of part.rules) {
      out.rules.push(offset === 0 ? rule : { ...rule, order: rule.order + offset });
      count = Math.max(count, rule.order + 1);
    }
    for (const page of part.pages) {
      out.pages.push(offset === 0 ? page : { ...page, order: page.order + offset });
      count = Math.max(count, page.order + 1);
    }
    offset += count;
    if (part.fontFaces) out.fontFaces = [...(out.fontFaces ?? []), ...part.fontFaces];
  }
  return out;
}

/** Each template's parsed stylesheets, with the template: its engine's life is theirs. */
const stylesheetsOfEngine = new WeakMap<TemplateEngine, TemplateStylesheets>();

/** The parsed stylesheets a template owns (made with its engine's first document). */
export function templateStylesheets(engine: TemplateEngine): TemplateStylesheets {
  let sheets = stylesheetsOfEngine.get(engine);
  if (!sheets) stylesheetsOfEngine.set(engine, (sheets = new TemplateStylesheets(engine.prepared)));
  return sheets;
}

/**
 * Every template of a deployment, each compiled once into its own engine, keyed by the template's
 * name: a letter is filled by the engine of the template its letter.json names.
 */
export class TemplateLibrary {
  private readonly engines: ReadonlyMap<string, TemplateEngine>;
  /**
   * Templates set aside because they do not load, by name, with their problems (one TEMPLATE_ERROR
   * message each): a local run makes the letters of the sound templates, and a letter that names one
   * of these fails with its problems. Empty for a library that refuses a broken template (the Lambda's).
   */
  readonly broken: ReadonlyMap<string, string>;

  /**
   * `prepared`: work on the templates done at bundling time (prepared-templates.ts), used where a source is the one prepared.
   * Given engines already made and the templates set aside (`checkedTemplateLibrary`'s "set-aside"), it keeps them as they are.
   */
  constructor(sets: readonly TemplateSet[] | { engines: readonly TemplateEngine[]; broken: ReadonlyMap<string, string> }, prepared?: PreparedTemplates) {
    if (!Array.isArray(sets)) {
      const made = sets as { engines: readonly TemplateEngine[]; broken: ReadonlyMap<string, string> };
      this.engines = new Map(made.engines.map((engine) => [engine.set.name, engine]));
      this.broken = made.broken;
      return;
    }
    this.broken = new Map();
    const engines = new Map<string, TemplateEngine>();
    // Every template's problems at once: a broken template hides none of another's.
    const problems: string[] = [];
    for (const set of sets as readonly TemplateSet[]) {
      try {
        engines.set(set.name, new TemplateEngine(set, prepared));
      } catch (error) {
        if (!(error instanceof LetterpressError) || error.code !== "TEMPLATE_ERROR") throw error;
        problems.push(error.message);
      }
    }
    if (problems.length > 0) throw new LetterpressError("TEMPLATE_ERROR", problems.join("\n"));
    this.engines = engines;
  }

  /** The templates' names, sorted. */
  get names(): string[] {
    return [...this.engines.keys()].sort();
  }

  /** One template's engine by name; undefined when there is no such template. */
  get(name: string): TemplateEngine | undefined {
    return this.engines.get(name);
  }

  /**
   * The engine of the template a letter names. A template set aside fails with its problems
   * (TEMPLATE_ERROR), and with the problems of the letter's languages (`localeErrors`, by locale) after them. An unknown name is an error in the letter's data,
   * naming letter.json, the field and the templates there are.
   */
  forLetter(letter: Letter, localeErrors?: ReadonlyMap<string, Error>): TemplateEngine {
    const name = letter.facts.template;
    const engine = this.engines.get(name);
    if (engine) return engine;
    // A template set aside: the letter fails with that template's problems, as a strict run would, and with the
    // problems of its languages' data beside them, so fixing the template does not reveal a second list (fresh user 8a).
    const broken = this.broken.get(name);
    if (broken !== undefined) throw new TemplateSetAsideError(name, [broken, ...dataProblemsBeside(localeErrors)].join("\n"));
    throw new InvalidLetterDataError([
      {
        file: `${letter.facts.id}/${LETTER_FACTS_FILE}`,
        path: "template",
        message: `no template "${name}"${name === DEFAULT_TEMPLATE ? " (the default when letter.json names none)" : ""}; expected one of the folders of templates/: ${this.names.map((known) => `"${known}"`).join(", ")}`,
      },
    ]);
  }
}

/** A letter's template was set aside (it does not load): the letter is not made, for the template's problems (its message), not its data's. */
export class TemplateSetAsideError extends LetterpressError {
  constructor(
    readonly template: string,
    message: string,
  ) {
    super("TEMPLATE_ERROR", message);
  }
}

/** The problems of a letter's languages, as lines to follow a set-aside template's: none when every language is sound. */
function dataProblemsBeside(localeErrors: ReadonlyMap<string, Error> | undefined): string[] {
  const lines = [...(localeErrors ?? new Map<string, Error>())]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([, error]) =>
      (error instanceof LetterpressError && error.code !== "INVALID_DATA" && error.code !== "STALE_TRANSLATION" ? `${error.code}: ${error.message}` : error.message).split("\n"),
    );
  const unique = [...new Set(lines)];
  return unique.length === 0 ? [] : [`and the letter's data problems, which the template's do not hide (${unique.length}):`, ...unique.map((line) => `  ${line}`)];
}
