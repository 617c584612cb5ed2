import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidLetterDataError } from "../../functions/core/errors";
import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import { type DocumentRenderer, renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { downloadNameOf, renderAndStore } from "../../functions/render/render-and-store";
import { pdfInfo, popplerPages, run, toFile } from "../core/pdf/pdf-inspect";
import { startHarness } from "../storage/embedded-s3-harness";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";
import { DATA_DIR, TEMPLATES_DIR } from "../support/letters";

/**
 * A template may print the letter's title as markup (`{{{title}}}`): the letter sets its `<em>` in
 * italics. Every place that takes only text (the HTML page's <title> and description, the PDF's
 * /Title, /Subject and XMP dc:title, the running footer, the download's file name) gets its words,
 * references decoded once, never its tags (fresh user 7). A template that prints the title escaped
 * shows any "<em>" in it as text, and so do those places. And a field the template escapes is never
 * named as carrying markup into the letter (fresh user 8).
 */
const LETTER = "committee-hearing-defenders";
const PLAIN = "committee-plain-title";

const RICH_TITLE = "Eau <em>potable</em> &amp; air <strong>pur</strong>,  maintenant";
const RICH_TITLE_TEXT = "Eau potable & air pur, maintenant";
const RICH_SUMMARY = "Une <i>audition</i> publique, <b>vite</b> &lt;3";
const RICH_SUMMARY_TEXT = "Une audition publique, vite <3";
const LITERAL_TITLE = "Les balises <em> & <b> restent du texte";

let root: string;
let renderer: DocumentRenderer;
let rich: ParsedLetter;
let plain: ParsedLetter;
let browser: LaunchedBrowser | undefined;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "letterpress-titles-"));
  const templates = join(root, "templates");
  cpSync(TEMPLATES_DIR, templates, { recursive: true });
  // A template that lets the title and summary carry inline markup; the signatories' names stay escaped.
  const folder = join(templates, "rich-title");
  cpSync(join(templates, "parliamentary-committee"), folder, { recursive: true });
  const letter = join(folder, "letter.hbs");
  const source = readFileSync(letter, "utf8");
  const raw = source
    .replace('<h1 id="letter-title">{{title}}</h1>', '<h1 id="letter-title">{{{title}}}</h1>')
    .replace('<p class="summary">{{summary}}</p>', '<p class="summary">{{&summary}}</p>')
    .replace('<p class="footer-title">{{title}}</p>', '<p class="footer-title">{{{@root.title}}}</p>');
  expect(raw.match(/\{\{\{title\}\}\}|\{\{&summary\}\}|\{\{\{@root\.title\}\}\}/g)).toHaveLength(3);
  writeFileSync(letter, raw);
  // The same, hyphenated: hyphenation rewrites the text of the heading and the footer (soft hyphens, its characters escaped anew).
  const hyphenated = join(templates, "rich-title-hyphens");
  cpSync(folder, hyphenated, { recursive: true });
  writeFileSync(join(hyphenated, "print.css"), `${readFileSync(join(hyphenated, "print.css"), "utf8")}\narticle { hyphens: auto }\n`);

  const data = join(root, "data");
  cpSync(join(DATA_DIR, LETTER), join(data, LETTER), { recursive: true });
  const facts = join(data, LETTER, "letter.json");
  writeFileSync(facts, JSON.stringify({ ...JSON.parse(readFileSync(facts, "utf8")), template: "rich-title" }));
  const french = join(data, LETTER, "fr.json");
  writeFileSync(french, JSON.stringify({ ...JSON.parse(readFileSync(french, "utf8")), title: RICH_TITLE, summary: RICH_SUMMARY }, null, 2));
  // The same letter under the shipped template, which prints the title escaped.
  cpSync(join(DATA_DIR, LETTER), join(data, PLAIN), { recursive: true });
  writeFileSync(join(data, PLAIN, "letter.json"), JSON.stringify({ ...JSON.parse(readFileSync(facts, "utf8")), id: PLAIN, template: "parliamentary-committee" }));
  writeFileSync(join(data, PLAIN, "fr.json"), JSON.stringify({ ...JSON.parse(readFileSync(french, "utf8")), title: LITERAL_TITLE }, null, 2));

  renderer = await createRenderer({ templatesDir: templates, paper: "A4" });
  rich = await loadLetter(data, LETTER);
  plain = await loadLetter(data, PLAIN);
  if (browserAvailable()) browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(root, { recursive: true, force: true });
});

const documentOf = async (parsed: ParsedLetter, format: "pdf" | "html") =>
  (await renderDocument(renderer, parsed, { letterId: parsed.letter.facts.id, locale: "fr", recipientId: null, format })).bytes;

/** What a browser makes of the HTML edition: the title bar's text, the description, and the letter's heading as markup. */
async function inBrowser(html: Buffer): Promise<{ title: string; description: string | null; heading: string; style: string }> {
  if (!browser) throw new Error("no browser");
  const page = await browser.browser.newPage();
  try {
    await page.setContent(html.toString("utf8"));
    return await page.evaluate(() => ({
      title: document.title,
      description: document.querySelector('meta[name="description"]')?.getAttribute("content") ?? null,
      heading: document.querySelector("h1#letter-title")?.innerHTML ?? "",
      style: document.querySelector("style")?.textContent ?? "",
    }));
  } finally {
    await page.close();
  }
}

/** The PDF's XMP metadata (pdfinfo -meta), its dc:title and dc:description as text. */
function xmpOf(pdf: Buffer): { title: string; description: string } {
  const xmp = run("pdfinfo", ["-meta", toFile(pdf)]);
  const entity = (text: string) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const field = (name: string) => entity(/<rdf:li[^>]*>([^<]*)<\/rdf:li>/.exec(new RegExp(`<dc:${name}>([\\s\\S]*?)</dc:${name}>`).exec(xmp)?.[1] ?? "")?.[1] ?? "");
  return { title: field("title"), description: field("description") };
}

describe("a title the template prints as markup, where only text goes", () => {
  it("the HTML page's <title> and description are its words, the letter's heading keeps its markup (Chromium)", async () => {
    if (!browser) return;
    const seen = await inBrowser(await documentOf(rich, "html"));
    expect(seen.title).toBe(RICH_TITLE_TEXT);
    expect(seen.description).toBe(RICH_SUMMARY_TEXT);
    expect(seen.heading).toBe("Eau <em>potable</em> &amp; air <strong>pur</strong>,  maintenant");
    // The running title the page's margin boxes print is the text too.
    const runningTitle = /--running-title: "((?:[^"\\]|\\.)*)"/.exec(seen.style)?.[1] ?? "";
    const unescapedCss = runningTitle.replace(/\\([0-9a-f]{1,6}) ?/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16))).replace(/\\(.)/g, "$1");
    expect(unescapedCss).toBe(RICH_TITLE_TEXT);
    expect(seen.style.includes("<em>") || seen.style.includes("<strong>")).toBe(false);
  });

  it("the PDF's /Title, /Subject, XMP dc:title and dc:description are its words, and so is the running footer", async () => {
    const pdf = await documentOf(rich, "pdf");
    const info = pdfInfo(toFile(pdf));
    expect(info["Title"]).toBe(RICH_TITLE_TEXT);
    expect(info["Subject"]).toBe(RICH_SUMMARY_TEXT);
    expect(xmpOf(pdf)).toEqual({ title: RICH_TITLE_TEXT, description: RICH_SUMMARY_TEXT });
    const pages = popplerPages(toFile(pdf));
    // The running footer on every page, as words: poppler reads the footer line at each page's foot.
    for (const page of pages) expect(page).toContain(RICH_TITLE_TEXT);
    expect(pages.join("\n")).not.toMatch(/<\/?(em|strong|i|b)>|&amp;|&lt;/);
  });

  it("the download's file name is its words", () => {
    expect(downloadNameOf(rich, { letterId: LETTER, locale: "fr", recipientId: null, format: "pdf" }, renderer.templates)).toBe(RICH_TITLE_TEXT);
  });

  it("the stored title the letters page shows and the download's Content-Disposition are its words (embedded S3 over HTTP)", async () => {
    const harness = await startHarness();
    try {
      const requests = (["pdf", "html"] as const).map((format) => ({ letterId: LETTER, locale: "fr" as const, recipientId: null, format }));
      const result = await renderAndStore(renderer, harness.store(), rich, requests, "7171717171");
      expect(result.failures).toEqual([]);
      expect(result.stored.map((stored) => stored.document.title)).toEqual([RICH_TITLE_TEXT, RICH_TITLE_TEXT]);
      const pdf = result.stored.find((stored) => stored.request.format === "pdf")!;
      const head = await harness.client.send(new HeadObjectCommand({ Bucket: harness.s3.bucket, Key: pdf.document.key }));
      expect(decodeURIComponent(/filename\*=UTF-8''([^;]+)/i.exec(head.ContentDisposition ?? "")?.[1] ?? "")).toBe(`${RICH_TITLE_TEXT}.pdf`);
    } finally {
      await harness.stop();
    }
  }, 120_000);

  it("a template that prints the title escaped shows its '<em>' as text, and so does every text-only place", async () => {
    const pdf = await documentOf(plain, "pdf");
    expect(pdfInfo(toFile(pdf))["Title"]).toBe(LITERAL_TITLE);
    expect(xmpOf(pdf).title).toBe(LITERAL_TITLE);
    expect(downloadNameOf(plain, { letterId: PLAIN, locale: "fr", recipientId: null, format: "pdf" }, renderer.templates)).toBe(LITERAL_TITLE);
    if (!browser) return;
    const seen = await inBrowser(await documentOf(plain, "html"));
    expect(seen.title).toBe(LITERAL_TITLE);
    expect(seen.heading).toBe("Les balises &lt;em&gt; &amp; &lt;b&gt; restent du texte");
  });
});

describe("only the fields that reach the letter's markup unescaped are named for markup they carry", () => {
  const withFrench = async (change: (fr: Record<string, unknown>) => void, template = "rich-title") => {
    const data = join(root, "data-8");
    rmSync(data, { recursive: true, force: true });
    cpSync(join(root, "data", LETTER), join(data, LETTER), { recursive: true });
    const facts = join(data, LETTER, "letter.json");
    writeFileSync(facts, JSON.stringify({ ...JSON.parse(readFileSync(facts, "utf8")), template }));
    const french = join(data, LETTER, "fr.json");
    const fr = JSON.parse(readFileSync(french, "utf8"));
    change(fr);
    writeFileSync(french, JSON.stringify(fr, null, 2));
    return loadLetter(data, LETTER);
  };
  const issuesOf = async (parsed: ParsedLetter, format: "pdf" | "html") => {
    const error = await renderDocument(renderer, parsed, { letterId: LETTER, locale: "fr", recipientId: null, format }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(InvalidLetterDataError);
    return (error as InvalidLetterDataError).issues.map((issue) => `${issue.path}: ${issue.message.split(";")[0]}`);
  };

  it.each(["pdf", "html"] as const)("a <script> in the title printed {{{ }}} is named; the same <script> in a signatory's name, printed {{ }}, is not (%s)", async (format) => {
    const parsed = await withFrench((fr) => {
      fr["title"] = "Eau potable <script>alert(1)</script>";
      const signatories = fr["signatories"] as Record<string, { name: string }>;
      signatories["sample-legal-aid"]!.name = "Sample <script>alert(1)</script> Collective";
    });
    expect(await issuesOf(parsed, format)).toEqual(["title: <script> is not an element of the letter vocabulary (templates/VOCABULARY.md)"]);
  });

  it.each(["rich-title", "rich-title-hyphens"])(
    "a title whose text hyphenation rewrites (references, a bare &, long words) is still named as the carrier (%s)",
    async (template) => {
      const parsed = await withFrench((fr) => {
        fr["title"] = "Approvisionnement &eacute;quitable & durable&nbsp;: <marquee>infrastructures</marquee> &amp; responsabilit&#233;s";
        (fr["signatories"] as Record<string, { name: string }>)["example-network"]!.name = "<marquee>infrastructures</marquee>";
      }, template);
      expect(await issuesOf(parsed, "pdf")).toEqual(["title: <marquee> is not an element of the letter vocabulary (templates/VOCABULARY.md)"]);
    },
  );

  it("markup in escaped fields of every kind (an addressee line, the salutation, a signatory, a source) is not blamed beside the summary that carries it", async () => {
    const parsed = await withFrench((fr) => {
      fr["summary"] = "Résumé <blink>urgent</blink> <marquee>x</marquee>";
      (fr["addressee"] as string[])[0] = "<blink>urgent</blink>";
      fr["salutation"] = "Résumé <blink>urgent</blink> <marquee>x</marquee>";
      (fr["signatories"] as Record<string, { name: string }>)["example-network"]!.name = "<marquee>x</marquee>";
      const sources = fr["sources"] as Record<string, string>;
      sources[Object.keys(sources)[0]!] = "<blink>urgent</blink>";
    });
    expect(await issuesOf(parsed, "pdf")).toEqual([
      "summary: <blink> is not an element of the letter vocabulary (templates/VOCABULARY.md)",
      "summary: <marquee> is not an element of the letter vocabulary (templates/VOCABULARY.md)",
    ]);
  });
});
