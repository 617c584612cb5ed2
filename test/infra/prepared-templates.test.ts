import { execFile } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse as parseIcu } from "@formatjs/icu-messageformat-parser";
import { renderDocument } from "../../functions/core/render-document";
import { parseStylesheets, type ParsedStylesheets } from "../../functions/core/style/stylesheet";
import { buildLetterView } from "../../functions/core/template/letter-view";
import { checkCatalogs } from "../../functions/core/template/message-catalog";
import {
  asPreparedTemplates,
  preparedMessage,
  PREPARED_TEMPLATES_FILE,
  type PreparedStylesheet,
  type PreparedTemplates,
  parsePreparedStylesheet,
  stylesheetKey,
  templateKey,
} from "../../functions/core/template/prepared-templates";
import { TemplateEngine, type TemplateSet } from "../../functions/core/template/template-engine";
import { TemplateLibrary, templateStylesheets } from "../../functions/core/template/template-library";
import { assetPath, BUNDLE_FILES } from "../../functions/fonts/font-files";
import { HYPHENATION_BUNDLE_FOLDER, hyphenationDir } from "../../functions/hyphenation/hyphenation-files";
import { createRenderer } from "../../functions/render/create-renderer";
import { preparedBesideCode } from "../../functions/render/prepared-beside-code";
import { loadTemplateSet, loadTemplateSets } from "../../functions/templates/load-template-set";
import { preparedTemplatesModule, writePreparedTemplates } from "../../infra/bundling/prepare-templates";
import { DATA_DIR, loadSeedLetter, REPO, SEED_LETTER, SEED_TEMPLATE, SHIPPED_LOCALES, TEMPLATES_DIR } from "../support/letters";
import { bundleLikeLambda } from "../support/render-bundle";

/**
 * Issue 17 item 1 (cold start): templates precompiled, stylesheets parsed and catalog messages
 * parsed at bundling time (infra/bundling/prepare-templates.ts), shipped beside the bundle and
 * taken by hash of their source. What a prepared template, sheet or message gives must be what
 * compiling or parsing it at run time gives; an edited template is compiled at run time.
 */

/** The module's exports, evaluated as Node evaluates the file beside a bundle. */
function evaluate(text: string): PreparedTemplates {
  const module = { exports: {} as unknown };
  new Function("module", "exports", "require", text)(module, module.exports, require);
  const prepared = asPreparedTemplates(module.exports);
  if (!prepared) throw new Error("not a prepared-templates module");
  return prepared;
}

async function preparedOf(templatesDir: string): Promise<PreparedTemplates> {
  return evaluate((await preparedTemplatesModule(templatesDir)).text);
}

/** The message a template's engine is refused with when it loads. */
function errorOf(make: () => TemplateEngine): string {
  try {
    make();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("loaded without an error");
}

/** A parse without its compiled selectors, which are functions (compared by what they match elsewhere). */
const withoutMatchers = (parsed: ParsedStylesheets) => ({ ...parsed, rules: parsed.rules.map(({ matches: _matches, ...rule }) => rule) });

describe("templates prepared at bundling time", () => {
  let prepared: PreparedTemplates;
  let sets: TemplateSet[];
  beforeAll(async () => {
    prepared = await preparedOf(TEMPLATES_DIR);
    sets = await loadTemplateSets(TEMPLATES_DIR);
  }, 60_000);

  it("cover every source, stylesheet and message of templates/, leaving nothing to run time", async () => {
    const { summary } = await preparedTemplatesModule(TEMPLATES_DIR);
    expect(summary.skipped).toEqual([]);
    for (const set of sets) {
      for (const source of [...Object.values(set.templates), ...Object.values(set.partials)]) expect(prepared.templates[templateKey(source)]).toBeDefined();
      expect(summary.stylesheets).toBeGreaterThanOrEqual(2);
    }
    const messages = new Set(sets.flatMap((set) => Object.values(set.catalogs).flatMap((catalog) => Object.values(catalog ?? {}))));
    expect(summary.messages).toBe(messages.size);
  });

  it("fill every template in every language as templates compiled at run time do", async () => {
    const { letter } = await loadSeedLetter();
    const set = sets.find((candidate) => candidate.name === SEED_TEMPLATE) as TemplateSet;
    const compiled = new TemplateEngine(set);
    const precompiled = new TemplateEngine(set, prepared);
    expect(precompiled.letterWords).toEqual(compiled.letterWords);
    for (const locale of SHIPPED_LOCALES) {
      const view = buildLetterView(letter, locale);
      expect(precompiled.fill("letter", view, locale)).toBe(compiled.fill("letter", view, locale));
    }
  });

  it("parse each template's stylesheets to the rules parsing them at run time gives, named by this run's sheet names", () => {
    for (const set of sets) {
      for (const source of [
        { name: "templates/ua.css", origin: "user-agent" as const, text: set.userAgentStylesheet },
        { name: `${set.folder}/print.css`, origin: "author" as const, text: set.stylesheet },
      ]) {
        const revived = parsePreparedStylesheet(source, prepared);
        const parsed = parseStylesheets([source]);
        expect(withoutMatchers(revived)).toEqual(withoutMatchers(parsed));
        expect(revived.rules.map((rule) => rule.selector)).toEqual(parsed.rules.map((rule) => rule.selector));
        // Rules of one selector list share one declaration list, as the parse shares it.
        const shared = (sheets: ParsedStylesheets) => sheets.rules.map((rule) => sheets.rules.findIndex((other) => other.declarations === rule.declarations));
        expect(shared(revived)).toEqual(shared(parsed));
      }
    }
  });

  it("render the same PDF and HTML bytes as a renderer without them", async () => {
    const parsed = await loadSeedLetter();
    const without = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    const withPrepared = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4", prepared });
    for (const locale of ["en", "ar"] as const) {
      for (const format of ["pdf", "html"] as const) {
        const request = { letterId: SEED_LETTER, locale, format, recipientId: null };
        const a = await renderDocument(without, parsed, request);
        const b = await renderDocument(withPrepared, parsed, request);
        expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
      }
    }
  }, 120_000);

  it("report a template error with the same file, line and column when the failing template was precompiled", async () => {
    const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
    const changed = { ...set, partials: { ...set.partials, sources: "<section>\n  <h2>Sources</h2>\n  <p>{{sourcesHeading}}</p>\n</section>" } };
    const dir = mkdtempSync(join(tmpdir(), "letterpress-prepared-"));
    try {
      cpSync(TEMPLATES_DIR, dir, { recursive: true });
      writeFileSync(join(dir, SEED_TEMPLATE, "partials", "sources.hbs"), changed.partials.sources);
      const preparedChanged = await preparedOf(dir);
      expect(preparedChanged.templates[templateKey(changed.partials.sources)]).toBeDefined();
      const { letter } = await loadSeedLetter();
      const errorOf = (engine: TemplateEngine) => {
        try {
          engine.fill("letter", buildLetterView(letter, "en"), "en");
        } catch (error) {
          return (error as Error).message;
        }
        throw new Error("filled without an error");
      };
      expect(errorOf(new TemplateEngine(changed, preparedChanged))).toBe(
        'template "un-security-council" (letter.hbs, locale en): "sourcesHeading" not defined in the view, at templates/un-security-council/partials/sources.hbs line 3, column 8',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("refuse markup outside the vocabulary, and catalogs that disagree with the sources, with the same lines when the sources were prepared", async () => {
    const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
    const locales = Object.keys(set.catalogs);
    const changed: TemplateSet = {
      ...set,
      templates: { ...set.templates, letter: (set.templates["letter"] as string).replace('<p class="summary">', '<p class="summary" style="color: red">') },
      partials: { ...set.partials, motto: '<div class="motto">\n  <p>{{t "letterhead.logo" extra=title}} <blink>now</blink></p>\n</div>' },
      catalogs: { ...set.catalogs, [locales[1] as string]: { ...set.catalogs[locales[1] as never], "footer.page": "Page {page}" } },
    };
    const dir = mkdtempSync(join(tmpdir(), "letterpress-prepared-markup-"));
    try {
      cpSync(TEMPLATES_DIR, dir, { recursive: true });
      writeFileSync(join(dir, SEED_TEMPLATE, "letter.hbs"), changed.templates["letter"] as string);
      writeFileSync(join(dir, SEED_TEMPLATE, "partials", "motto.hbs"), changed.partials["motto"] as string);
      const preparedChanged = await preparedOf(dir);
      // Prepared (they compile), and their markup left to run time.
      expect(preparedChanged.templates[templateKey(changed.partials["motto"] as string)]?.markupChecked).toBe(false);
      expect(preparedChanged.templates[templateKey(set.partials["body"] as string)]?.markupChecked).toBe(true);
      const without = errorOf(() => new TemplateEngine(changed));
      expect(without).toMatch(/<blink> is not an element of the letter vocabulary/);
      expect(without).toMatch(/footer\.page/);
      expect(errorOf(() => new TemplateEngine(changed, preparedChanged))).toBe(without);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  // Review of issue 15's template checks: the engine walked every source for unknown helpers and <img> at each
  // construction, a Lambda's cold start included. Bundling walks them once now; a prepared source is not walked again.
  it("walk each source for helpers and images once, at bundling: the engine takes what was found there", async () => {
    const committee = sets.find((candidate) => candidate.name === "parliamentary-committee") as TemplateSet;
    const letterhead = committee.partials["letterhead"] as string;
    const signatories = committee.partials["signatories"] as string;
    const entry = (source: string) => prepared.templates[templateKey(source)] as NonNullable<PreparedTemplates["templates"][string]>;
    expect(entry(letterhead).helpersChecked).toBe(true);
    expect(entry(letterhead).images).toEqual([{ at: 'line 2, column 17: <img src="assets/logo.svg">', attrs: expect.any(Array) }]);
    expect(entry(signatories).images).toEqual([expect.objectContaining({ pattern: expect.stringMatching(/^\^assets\/signatures\//) })]);
    // The images as prepared are what the engine checks, not a walk of the source: a place changed in the entry shows.
    const withoutLogo: TemplateSet = {
      ...committee,
      assets: { ...committee.assets!, files: new Map([...committee.assets!.files].filter(([path]) => path !== "assets/logo.svg")) },
    };
    const walked = errorOf(() => new TemplateEngine(withoutLogo));
    expect(walked).toContain('partials/letterhead.hbs line 2, column 17: <img src="assets/logo.svg">');
    expect(errorOf(() => new TemplateEngine(withoutLogo, prepared))).toBe(walked);
    const forged: PreparedTemplates = {
      ...prepared,
      templates: {
        ...prepared.templates,
        [templateKey(letterhead)]: { ...entry(letterhead), images: entry(letterhead).images.map((image) => ({ ...image, at: image.at.replace("line 2", "line 99") })) },
      },
    };
    expect(errorOf(() => new TemplateEngine(withoutLogo, forged))).toContain("partials/letterhead.hbs line 99, column 17");
  });

  it("report a prepared source's unknown helper at load, as without the prepared file (before, it was found only when filled)", async () => {
    const set = await loadTemplateSet(TEMPLATES_DIR, SEED_TEMPLATE);
    const motto = '<div class="motto">\n  <p>{{shout title}}</p>\n</div>';
    const changed: TemplateSet = { ...set, partials: { ...set.partials, motto } };
    const dir = mkdtempSync(join(tmpdir(), "letterpress-prepared-helpers-"));
    try {
      cpSync(TEMPLATES_DIR, dir, { recursive: true });
      writeFileSync(join(dir, SEED_TEMPLATE, "partials", "motto.hbs"), motto);
      const preparedChanged = await preparedOf(dir);
      // It compiles (an unknown helper is refused only when its line is filled): prepared, its helpers left to run time.
      expect(preparedChanged.templates[templateKey(motto)]?.helpersChecked).toBe(false);
      const without = errorOf(() => new TemplateEngine(changed));
      expect(without).toContain("partials/motto.hbs line 2, column 6: {{shout …}} calls a helper the template does not have");
      expect(errorOf(() => new TemplateEngine(changed, preparedChanged))).toBe(without);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("take a source's precompiled template by its hash, and compile an edited source at run time", async () => {
    const { letter } = await loadSeedLetter();
    const set = sets.find((candidate) => candidate.name === SEED_TEMPLATE) as TemplateSet;
    const edited = set.templates["letter"]?.replace('<p class="summary">', '<p class="summary">Edited after bundling: ') as string;
    expect(edited).toContain("Edited after bundling");
    const view = buildLetterView(letter, "en");
    // The edited source is not the prepared one: compiled now, the edit shows.
    const engine = new TemplateEngine({ ...set, templates: { ...set.templates, letter: edited } }, prepared);
    expect(engine.fill("letter", view, "en")).toContain("Edited after bundling: ");
    // The prepared entry is what runs when the hash matches: under the edited source's key, the original's spec prints no edit.
    const original = prepared.templates[templateKey(set.templates["letter"] as string)];
    const forged: PreparedTemplates = { ...prepared, templates: { ...prepared.templates, [templateKey(edited)]: original as NonNullable<typeof original> } };
    expect(new TemplateEngine({ ...set, templates: { ...set.templates, letter: edited } }, forged).fill("letter", view, "en")).not.toContain("Edited after bundling");
  });

  it("give a template's documents the prepared parse of its stylesheets (a place changed in the prepared entry shows)", () => {
    const set = sets.find((candidate) => candidate.name === SEED_TEMPLATE) as TemplateSet;
    const key = stylesheetKey("author", set.stylesheet);
    const entry = prepared.stylesheets[key] as PreparedStylesheet;
    const forged: PreparedTemplates = {
      ...prepared,
      stylesheets: {
        ...prepared.stylesheets,
        [key]: { ...entry, lists: entry.lists.map((list) => list.map((declaration) => ({ ...declaration, whereInSheet: `forged ${declaration.whereInSheet}` }))) },
      },
    };
    const engine = new TemplateLibrary([set], forged).get(SEED_TEMPLATE) as TemplateEngine;
    const source = { name: `${engine.folder}/print.css`, origin: "author" as const, text: set.stylesheet };
    const parsed = templateStylesheets(engine).parsed([source]);
    expect(parsed.rules.length).toBeGreaterThan(0);
    for (const rule of parsed.rules) for (const declaration of rule.declarations) expect(declaration.where).toMatch(/^templates\/un-security-council\/print\.css forged line \d+/);
  });

  it("parse an edited stylesheet at run time: its problems are reported as without the prepared file", () => {
    const set = sets.find((candidate) => candidate.name === SEED_TEMPLATE) as TemplateSet;
    const engine = new TemplateLibrary([{ ...set, stylesheet: `${set.stylesheet}\nh1 { float: left; }\n` }], prepared).get(SEED_TEMPLATE) as TemplateEngine;
    const source = { name: `${engine.folder}/print.css`, origin: "author" as const, text: engine.set.stylesheet };
    expect(() => templateStylesheets(engine).parsed([source])).toThrow(/print\.css line \d+, selector h1, property float: not a property of the supported CSS/);
  });

  it("check the catalogs with the prepared message trees as with trees parsed now", () => {
    for (const set of sets) {
      const locales = Object.keys(set.catalogs);
      const broken = { ...set.catalogs, [locales[1] as string]: { ...set.catalogs[locales[1] as never], "footer.page": "Page {page}" } };
      const lookup = (message: string) => preparedMessage(prepared, message);
      expect(checkCatalogs(broken, locales[0] as never, lookup)).toEqual(checkCatalogs(broken, locales[0] as never));
      expect(checkCatalogs(set.catalogs, locales[0] as never, lookup)).toEqual([]);
    }
  });

  it("take a message's tree by its own text only: a message that is the name of an Object property finds none", () => {
    for (const message of ["__proto__", "constructor", "toString", "hasOwnProperty"]) expect(preparedMessage(prepared, message)).toBeUndefined();
    const message = Object.values(sets[0]?.catalogs ?? {})[0]?.["footer.page"] as string;
    expect(preparedMessage(prepared, message)).toEqual(parseIcu(message));
  });

  it("are read from beside the code only: none beside the sources", () => {
    expect(preparedBesideCode(join(REPO, "functions/render"))).toBeUndefined();
  });
});

describe("the render bundle at a cold start", () => {
  let dir: string;
  /** The bundle run on a templates folder: its PDF's text, and how many Unicode tries it inflated. */
  const render = async (templatesDir: string, locale = "en") => {
    const out = join(dir, "out.pdf");
    const { stdout: report } = await promisify(execFile)(
      process.execPath,
      [join(dir, "index.js"), templatesDir, join(dir, "fonts"), join(dir, HYPHENATION_BUNDLE_FOLDER), DATA_DIR, out, locale],
      { cwd: dir },
    );
    const { stdout } = await promisify(execFile)("pdftotext", ["-enc", "UTF-8", out, "-"]);
    return { text: stdout.replace(/\s+/g, " "), tries: JSON.parse(report) as { inflatedAtStart: number; inflatedAfterPdf: number } };
  };
  const run = async (templatesDir: string) => (await render(templatesDir)).text;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "letterpress-prepared-bundle-"));
    const entry = join(dir, "entry.ts");
    writeFileSync(
      entry,
      `import { writeFileSync } from "node:fs";
import { renderDocument } from ${JSON.stringify(join(REPO, "functions/core/render-document"))};
import { loadLetter } from ${JSON.stringify(join(REPO, "functions/letters/load-letters"))};
import { createRenderer } from ${JSON.stringify(join(REPO, "functions/render/create-renderer"))};
// The bundle's unicode-trie is infra/bundling/lazy-unicode-trie (LAMBDA_BUNDLE's alias), which counts the tries it inflated.
const tries = require("unicode-trie") as { inflated: number };
const [templatesDir, fontDir, hyphenationDir, dataDir, out, locale] = process.argv.slice(2) as [string, string, string, string, string, string];
(async () => {
  const renderer = await createRenderer({ templatesDir, fontDir, hyphenationDir, paper: "A4" });
  const inflatedAtStart = tries.inflated;
  const parsed = await loadLetter(dataDir, ${JSON.stringify(SEED_LETTER)});
  writeFileSync(out, (await renderDocument(renderer, parsed, { letterId: ${JSON.stringify(SEED_LETTER)}, locale: locale as never, format: "pdf", recipientId: null })).bytes);
  process.stdout.write(JSON.stringify({ inflatedAtStart, inflatedAfterPdf: tries.inflated }));
})().catch((error) => { console.error(error); process.exit(1); });
`,
    );
    await bundleLikeLambda(entry, join(dir, "index.js"), { nodePaths: [join(REPO, "node_modules")] });
    cpSync(TEMPLATES_DIR, join(dir, "templates"), { recursive: true });
    cpSync(hyphenationDir(), join(dir, HYPHENATION_BUNDLE_FOLDER), { recursive: true });
    cpSync(join(REPO, "templates"), join(dir, "edited-templates"), { recursive: true });
    const letterFile = join(dir, "edited-templates", SEED_TEMPLATE, "letter.hbs");
    writeFileSync(letterFile, readFileSync(letterFile, "utf8").replace('<p class="summary">', '<p class="summary">Edited after bundling '));
    mkdirSync(join(dir, "fonts"));
    for (const file of BUNDLE_FILES) copyFileSync(assetPath(file), join(dir, "fonts", file.fileName));
    await writePreparedTemplates(join(dir, "templates"), join(dir, PREPARED_TEMPLATES_FILE));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs the precompiled templates beside it (a marker put into the prepared file prints), and an edited template folder as edited", async () => {
    const preparedFile = join(dir, PREPARED_TEMPLATES_FILE);
    const text = readFileSync(preparedFile, "utf8");
    expect(text).toContain('class="summary">');
    copyFileSync(preparedFile, `${preparedFile}.orig`);
    try {
      writeFileSync(preparedFile, text.replaceAll('class="summary">', 'class="summary">Prepared marker '));
      expect(await run(join(dir, "templates"))).toContain("Prepared marker");
      // The edited folder's letter.hbs is not the prepared source: compiled at run time, the edit prints and the marker does not.
      const edited = await run(join(dir, "edited-templates"));
      expect(edited).toContain("Edited after bundling");
      expect(edited).not.toContain("Prepared marker");
    } finally {
      copyFileSync(`${preparedFile}.orig`, preparedFile);
    }
    expect(await run(join(dir, "templates"))).not.toContain("Prepared marker");
  }, 120_000);

  it("inflates no Unicode trie when it loads, and only the ones its first PDF reads (line breaking, character properties), not fontkit's shapers'", async () => {
    for (const locale of ["en", "ar"]) {
      const { tries } = await render(join(dir, "templates"), locale);
      expect(tries.inflatedAtStart).toBe(0);
      // Five tries are built when the bundle loads: fontkit's three shapers', unicode-properties' and linebreak's.
      expect(tries.inflatedAfterPdf).toBeGreaterThan(0);
      expect(tries.inflatedAfterPdf).toBeLessThanOrEqual(2);
    }
  }, 120_000);
});
