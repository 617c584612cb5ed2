import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DocumentRequest } from "../../../functions/core/documents";
import type { LocaleId } from "../../../functions/core/locales";
import { type ParsedLetter, parseLetter } from "../../../functions/core/letter/parse-letter";
import { translationOfSource } from "../../../functions/core/letter/source-fingerprint";
import { type DocumentRenderer, renderDocument } from "../../../functions/core/render-document";
import * as letterTree from "../../../functions/core/pdf/letter-tree";
import { TemplateLibrary } from "../../../functions/core/template/template-library";
import { hyphenateFragment } from "../../../functions/core/text/hyphenate";
import { loadFontLibrary } from "../../../functions/fonts/load-font-library";
import { createRenderer } from "../../../functions/render/create-renderer";
import { loadTemplateSets } from "../../../functions/templates/load-template-set";
import { DATA_DIR, SEED_LETTER, TEMPLATES_DIR } from "../../support/letters";

// The PDF's parses, counted: the warm round must take the kept shapes' way for many letters.
jest.mock("../../../functions/core/pdf/letter-tree", () => {
  const actual = jest.requireActual("../../../functions/core/pdf/letter-tree");
  return { ...actual, parseLetter: jest.fn(actual.parseLetter) };
});

/**
 * A differential test of the caches that reuse one letter's work for another (the PDF's letter
 * shapes, render-pdf.ts formatLetter; the hyphenation shape, hyphenate.ts; the HTML edition's merge
 * font usage, render-html.ts): generated mail merges, their readers' words chosen by a seeded
 * generator to differ in length (one character to 500), in characters that need escaping, soft
 * hyphens, right-to-left and mixed scripts, emoji, white space, an addressee's name that appears or
 * vanishes (a block of markup only some readers have), and long enough to move a page break. Every
 * document made warm (after other letters, locales and readers, interleaved) must have the bytes of
 * the same document made with nothing cached. A failing seed is printed, and kept below as a case.
 */

/** mulberry32: a small seeded generator, so a failure reproduces from its seed. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Words a merge's texts are made of: plain text, which the letter shapes take in place of other plain text. */
const PLAIN_WORDS = [
  "Ambassador",
  "Delattre",
  "Zhang",
  "Am\u00adbas\u00adsa\u00addor",
  "Re\u00adpre\u00adsen\u00adta\u00adtive",
  "السفير",
  "محمد بن سلمان",
  "שגריר",
  "张大使",
  "Ελλάδα",
  "Представитель",
  "👍🏽",
  "😀",
  "🇫🇷",
  "Müller-Lüdenscheidt",
  "internationalization",
  "responsibilities",
  "I",
  "—",
  "1948",
];

/** Text that is not plain (escaped by the template, or white space that collapses): such a letter is parsed anew. */
const HAZARDS = ["O'Brien", '"Excellency"', "Smith & Jones", "a<b>c", "x > y", "  "];

/** A text of about `length` characters of PLAIN_WORDS; now and then a hazard, or a space at an end. */
function textOf(random: () => number, length: number): string {
  const hazard = random() < 0.12;
  let out = "";
  while (out.length < length) out = out ? `${out} ${PLAIN_WORDS[Math.floor(random() * PLAIN_WORDS.length)]!}` : PLAIN_WORDS[Math.floor(random() * PLAIN_WORDS.length)]!;
  // Cut at a code point (never half a surrogate pair): the data's own check refuses those.
  out = Array.from(out).slice(0, Math.max(1, length)).join("").trim() || "I";
  if (hazard) {
    const points = Array.from(out);
    points.splice(Math.floor(random() * points.length), 0, HAZARDS[Math.floor(random() * HAZARDS.length)]!);
    out = points.join("");
  }
  if (random() < 0.03) out = ` ${out}`;
  if (random() < 0.03) out = `${out} `;
  return out;
}

function lengthOf(random: () => number): number {
  const r = random();
  return r < 0.15 ? 1 : r < 0.5 ? 2 + Math.floor(random() * 30) : r < 0.85 ? 30 + Math.floor(random() * 120) : 150 + Math.floor(random() * 351);
}

const LOCALES: LocaleId[] = ["en", "ar", "zh", "fr"];

/** The seed letter with `readers` generated recipients, each locale's words for them generated too. */
function generatedLetter(seed: number, readers: number, template: string): ParsedLetter {
  const random = generator(seed);
  const folder = join(DATA_DIR, SEED_LETTER);
  const facts = JSON.parse(readFileSync(join(folder, "letter.json"), "utf8"));
  const ids = Array.from({ length: readers }, (_, i) => `r${i}`);
  facts.id = `shape-check-${seed}`;
  facts.template = template;
  facts.recipients = ids.map((id, i) => {
    // The honorific line appears for some readers and not for others: a block of markup that comes and goes.
    const name = random();
    // (A name of white space only is refused by the data's check, as an empty one is: no such piece reaches the renderer.)
    const representativeName = name < 0.5 ? textOf(random, lengthOf(random)) : undefined;
    return { id, country: "FR", locale: LOCALES[i % LOCALES.length], ...(representativeName === undefined ? {} : { representativeName }) };
  });
  const files = [{ name: "letter.json", bytes: Buffer.from(JSON.stringify(facts)) }];
  const translations = new Map<LocaleId, { translationOf?: object } & Record<string, any>>();
  for (const locale of LOCALES) {
    const translation = JSON.parse(readFileSync(join(folder, `${locale}.json`), "utf8"));
    translation.recipients = {};
    for (const id of ids) {
      translation.recipients[id] = { country: textOf(random, lengthOf(random)), representative: textOf(random, lengthOf(random)) };
    }
    // A paragraph of another length in each letter: its pages break elsewhere.
    const first = translation.paragraphs[0].content.find((segment: { text?: string }) => typeof segment.text === "string");
    if (first) first.text = `${first.text}${textOf(random, Math.floor(random() * 600))} `;
    translations.set(locale, translation);
  }
  // Each translation made from this letter's English text (the source), as the data's check asks.
  for (const [locale, translation] of translations) {
    if (translation.translationOf) translation.translationOf = translationOfSource(translations.get("en")!, "en", Object.keys(translation.recipients));
    files.push({ name: `${locale}.json`, bytes: Buffer.from(JSON.stringify(translation)) });
  }
  return parseLetter(facts.id, files);
}

type Outcome = { bytes: Buffer } | { error: string };
const outcomeOf = async (make: () => Promise<{ bytes: Buffer }>): Promise<Outcome> => {
  try {
    return { bytes: (await make()).bytes };
  } catch (error) {
    return { error: String(error) };
  }
};
const same = (a: Outcome, b: Outcome) => ("bytes" in a && "bytes" in b ? a.bytes.equals(b.bytes) : "error" in a && "error" in b && a.error === b.error);

/** The seed template as it ships, beside a copy that hyphenates. */
const PLAIN_TEMPLATE = "shape-check-plain";

describe("a cached render differs in no byte from an uncached one", () => {
  let templatesDir: string;
  let renderer: DocumentRenderer;
  beforeAll(async () => {
    // The seed template with `hyphens: auto` on its paragraphs: the hyphenation shape is exercised too.
    templatesDir = mkdtempSync(join(tmpdir(), "shape-check-"));
    cpSync(TEMPLATES_DIR, templatesDir, { recursive: true });
    cpSync(join(TEMPLATES_DIR, "un-security-council"), join(templatesDir, PLAIN_TEMPLATE), { recursive: true });
    appendFileSync(join(templatesDir, "un-security-council", "print.css"), "\n.body p, .addressee { hyphens: auto; }\n");
    renderer = await createRenderer({ templatesDir, paper: "A4" });
  }, 120_000);
  afterAll(() => rmSync(templatesDir, { recursive: true, force: true }));

  /** Forgets hyphenate.ts's last shape (a module's one slot, outside the renderer's caches): a fragment of another markup. */
  const forgetHyphenationShape = () =>
    hyphenateFragment('<article class="letter" lang="en"><p>forget</p></article>', [{ name: "forget", origin: "author", text: "p { hyphens: auto }" }], renderer.hyphenation);

  /** An HTML renderer with nothing cached (as test/core/html/html-caches.test.ts makes one), sharing only the subsetter. */
  const coldHtmlRenderer = async (): Promise<DocumentRenderer> => {
    const fonts = loadFontLibrary();
    return { ...renderer, templates: new TemplateLibrary(await loadTemplateSets(templatesDir)), caches: fonts.caches, webFonts: { fonts, subset: renderer.webFonts!.subset } };
  };

  // Seeds found to differ are kept here as cases of their own, beside the generated ones.
  // SHAPE_CHECK_SEEDS="4,5,6" hunts with other seeds (run by hand; the suite keeps its run short).
  const SEEDS = process.env.SHAPE_CHECK_SEEDS ? process.env.SHAPE_CHECK_SEEDS.split(",").map(Number) : [1, 2];
  const READERS = 6;

  test.each(SEEDS)(
    "seed %i: every reader's PDF and HTML, made warm and interleaved, equals the one made cold",
    async (seed) => {
      // One letter hyphenated (hyphens: auto), one not: the HTML's shapes take no soft hyphen, so the second is their case.
      const letters = [generatedLetter(seed, READERS, "un-security-council"), generatedLetter(seed + 1000, READERS, PLAIN_TEMPLATE)];
      const random = generator(seed * 7919);
      // Interleaved: letters, locales and readers in a seeded order, with the general letter (no reader) among them.
      const requests: { parsed: ParsedLetter; request: DocumentRequest }[] = [];
      for (const parsed of letters)
        for (const locale of LOCALES)
          for (const recipientId of [null, ...parsed.letter.facts.recipients.map((r) => r.id)])
            for (const format of ["pdf", "html"] as const) requests.push({ parsed, request: { letterId: parsed.letter.facts.id, locale, format, recipientId } });
      for (let i = requests.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [requests[i], requests[j]] = [requests[j]!, requests[i]!];
      }
      // Half the PDFs are checked (a cold PDF costs a full parse, style and font cache); every HTML page is.
      const checked = requests.filter(({ request }) => request.format === "html" || random() < 0.5);
      const warm = new Map<(typeof requests)[number], Outcome>();
      // The PDF's parses (render-pdf.ts passes whether it wants source locations; the HTML's web-fonts.ts does not).
      const parsing = letterTree.parseLetter as jest.MockedFunction<typeof letterTree.parseLetter>;
      parsing.mockClear();
      const pdfParses = () => parsing.mock.calls.filter((call) => call.length === 2).length;
      let reused = 0;
      for (const made of requests) {
        const before = pdfParses();
        const outcome = await outcomeOf(() => renderDocument(renderer, made.parsed, made.request));
        if (made.request.format === "pdf" && "bytes" in outcome && pdfParses() === before) reused++;
        if (checked.includes(made)) warm.set(made, outcome);
      }
      const differing: string[] = [];
      for (const made of checked) {
        const { request } = made;
        let outcome: Outcome;
        if (request.format === "pdf") {
          renderer.caches.clear();
          forgetHyphenationShape();
          outcome = await outcomeOf(() => renderDocument(renderer, made.parsed, request));
        } else {
          forgetHyphenationShape();
          outcome = await outcomeOf(async () => renderDocument(await coldHtmlRenderer(), made.parsed, request));
        }
        if (!same(warm.get(made)!, outcome)) differing.push(`seed ${seed}: ${request.letterId} ${request.locale} ${request.recipientId} ${request.format}`);
      }
      if (process.env.SHAPE_CHECK_DEBUG) console.log(`seed ${seed}: ${requests.length} made warm, ${checked.length} compared, ${reused} PDFs from a kept shape`);
      if (process.env.SHAPE_CHECK_DEBUG) for (const o of warm.values()) if ("error" in o) console.log(o.error.slice(0, 300));
      expect(differing).toEqual([]);
      // The generated data was renderable: the comparison was of documents, not of errors alone.
      expect([...warm.values()].filter((outcome) => "bytes" in outcome).length).toBeGreaterThan(checked.length / 2);
      // And the shapes served: a good part of the warm PDFs were made from a kept shape, not parsed.
      expect(reused).toBeGreaterThanOrEqual(3);
    },
    300_000,
  );
});

describe("a reader's text that only a hidden element shows, equal to another text's flow text", () => {
  // The HTML's shapes matched a text piece to the font run of the same text: a hidden piece ("Ω Ψ",
  // no run of its own) took the run of a visible text that collapses to it ("Ω  Ψ"), and a later
  // reader's hidden words were counted as that visible text's characters.
  let templatesDir: string;
  let renderer: DocumentRenderer;
  beforeAll(async () => {
    templatesDir = mkdtempSync(join(tmpdir(), "shape-check-hidden-"));
    cpSync(TEMPLATES_DIR, templatesDir, { recursive: true });
    const addressee = join(templatesDir, "un-security-council", "partials", "addressee.hbs");
    writeFileSync(
      addressee,
      readFileSync(addressee, "utf8").replace(
        "{{recipient.representative}}</address>",
        '{{recipient.representative}}<span class="hidden-country">{{recipient.country}}</span></address>',
      ),
    );
    appendFileSync(join(templatesDir, "un-security-council", "print.css"), "\n.hidden-country { display: none; }\n");
    renderer = await createRenderer({ templatesDir, paper: "A4" });
  }, 120_000);
  afterAll(() => rmSync(templatesDir, { recursive: true, force: true }));

  test("every reader's HTML made after another reader's equals the one made first", async () => {
    const readers = [
      { id: "r0", representative: "Ωmega  Ψ", country: "Ωmega Ψ" },
      { id: "r1", representative: "Ωmega  Ψ", country: "Жук" },
    ];
    const folder = join(DATA_DIR, SEED_LETTER);
    const facts = JSON.parse(readFileSync(join(folder, "letter.json"), "utf8"));
    facts.id = "shape-check-hidden";
    facts.recipients = readers.map(({ id }) => ({ id, country: "FR", locale: "en" }));
    const en = JSON.parse(readFileSync(join(folder, "en.json"), "utf8"));
    en.recipients = Object.fromEntries(readers.map(({ id, representative, country }) => [id, { representative, country }]));
    const parsed = parseLetter(facts.id, [
      { name: "letter.json", bytes: Buffer.from(JSON.stringify(facts)) },
      { name: "en.json", bytes: Buffer.from(JSON.stringify(en)) },
    ]);
    const request = (recipientId: string): DocumentRequest => ({ letterId: facts.id, locale: "en", format: "html", recipientId });
    const coldRenderer = async (): Promise<DocumentRenderer> => {
      const fonts = loadFontLibrary();
      return { ...renderer, templates: new TemplateLibrary(await loadTemplateSets(templatesDir)), caches: fonts.caches, webFonts: { fonts, subset: renderer.webFonts!.subset } };
    };
    for (const order of [
      ["r0", "r1"],
      ["r1", "r0"],
    ]) {
      const warm = await coldRenderer();
      const made = new Map<string, Buffer>();
      for (const id of order) made.set(id, (await renderDocument(warm, parsed, request(id))).bytes);
      for (const id of order) expect({ id, same: made.get(id)!.equals((await renderDocument(await coldRenderer(), parsed, request(id))).bytes) }).toEqual({ id, same: true });
    }
  }, 300_000);
});
