import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ParsedLetter } from "../../functions/core/letter/parse-letter";
import { type DocumentRenderer, renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { pdfInfo, popplerPages, run, toFile } from "../core/pdf/pdf-inspect";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../support/browser";
import { compareEditions, printBothEditions } from "../support/edition-comparison";
import { DATA_DIR, TEMPLATES_DIR } from "../support/letters";

/**
 * Issue 12's "done when": an organization re-brands by editing its template folder alone. A copy
 * of templates/parliamentary-committee as "my-org" gets other type, colours, margins and page size,
 * another logo, a partial and a class of its own and a new message; the committee letter, pointed at
 * it by its letter.json alone, follows in both editions, and Chromium prints the HTML edition as our
 * PDF sets it.
 */
const LETTER = "committee-hearing-defenders";
const MM = 72 / 25.4;
/** The new message of the folder, in each language its catalogs have. */
const MOTTOS = [
  ["de", "Sicherheit ist ein Recht, keine Gunst"],
  ["en", "Safety is a right, not a favour"],
  ["fr", "La sécurité est un droit, pas une faveur"],
] as const;

describe("a template folder re-branded by editing it alone", () => {
  let root: string;
  let renderer: DocumentRenderer;
  let parsed: ParsedLetter;
  let launched: LaunchedBrowser | undefined;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "letterpress-my-org-"));
    const templates = join(root, "templates");
    cpSync(TEMPLATES_DIR, templates, { recursive: true });
    const folder = join(templates, "my-org");
    cpSync(join(templates, "parliamentary-committee"), folder, { recursive: true });
    appendFileSync(
      join(folder, "print.css"),
      [
        'body { font-family: "Noto Serif", var(--font-body); font-size: 11pt; }',
        "h1, .sender { color: #7a1f5c; }",
        ".letterhead { border-block-end-color: #7a1f5c; }",
        ".motto { font-weight: bold; color: #7a1f5c; letter-spacing: 0.4pt; margin: 2pt 0 0; }",
        ".logo img { width: 20mm; }",
        "@page { size: A5; margin: 14mm 12mm 18mm 16mm; }",
      ].join("\n"),
    );
    writeFileSync(
      join(folder, "assets", "logo.svg"),
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 60"><title>A square mark</title><rect x="4" y="4" width="52" height="52" rx="8" fill="#7a1f5c"/></svg>\n',
    );
    writeFileSync(join(folder, "partials", "motto.hbs"), '<p class="motto">{{t "letterhead.motto"}}</p>\n');
    const letterhead = readFileSync(join(folder, "partials", "letterhead.hbs"), "utf8");
    writeFileSync(join(folder, "partials", "letterhead.hbs"), letterhead.replace('<p class="sender-kind">', '{{> motto}}\n<p class="sender-kind">'));
    for (const [locale, motto] of MOTTOS) {
      const file = join(folder, "messages", `${locale}.json`);
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), "letterhead.motto": motto }));
    }
    cpSync(join(DATA_DIR, LETTER), join(root, "data", LETTER), { recursive: true });
    const facts = join(root, "data", LETTER, "letter.json");
    writeFileSync(facts, JSON.stringify({ ...JSON.parse(readFileSync(facts, "utf8")), template: "my-org" }));
    renderer = await createRenderer({ templatesDir: templates, paper: "A4" });
    parsed = await loadLetter(join(root, "data"), LETTER);
  });
  afterAll(async () => {
    await launched?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it.each(MOTTOS)("in %s: the PDF is A5 in Noto Serif with the folder's own partial and message; the HTML has them too", async (locale, motto) => {
    const request = { letterId: LETTER, locale, recipientId: null };
    const pdf = toFile((await renderDocument(renderer, parsed, { ...request, format: "pdf" })).bytes);
    expect(pdfInfo(pdf)["Page size"]).toMatch(/^419\.\d+ x 595\.\d+ pts/);
    expect(popplerPages(pdf).join(" ")).toContain(motto);
    expect(run("pdffonts", [pdf])).toMatch(/NotoSerif-Regular/);
    const html = (await renderDocument(renderer, parsed, { ...request, format: "html" })).bytes.toString("utf8");
    expect(html).toContain(`<p class="motto">${motto}</p>`);
    expect(html).toContain("#7a1f5c");
  });

  const itInBrowser = browserAvailable() ? it : it.skip;

  itInBrowser.each(MOTTOS.map(([locale]) => locale))("in %s: Chromium prints the HTML edition as our PDF sets it (issue 12 item 8's bar)", async (locale) => {
    launched ??= await launchChromium();
    const request = { letterId: LETTER, locale, recipientId: null };
    const { ours, chromium } = await printBothEditions(launched.browser, renderer, parsed, request);
    const figures = compareEditions(ours, chromium, 18 * MM);
    expect(figures.characters.ours).toBe(figures.characters.chromium);
    expect({ figures, met: figures.pages.ours === figures.pages.chromium && figures.agreeing >= 0.98 && figures.samePage >= 0.99 && figures.topDifference <= 2 }).toEqual({
      figures,
      met: true,
    });
  });
});
