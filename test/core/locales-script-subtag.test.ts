import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { attribute, byTag, findAll, parseDocument } from "../support/html";
import { FIXTURES_DIR, SEED_TEMPLATE, TEMPLATES_DIR } from "../support/letters";

/**
 * A language whose tag names its script is laid out in that script's direction, whatever the
 * language's usual script: Azerbaijani in Arabic script (`az-Arab`) right to left, though `az` is
 * Latin; Kashmiri in Devanagari (`ks-Deva`) left to right, though `ks` is Arabic. Each is added to a
 * scratch copy by its two files (a catalog copied from a language of the same script, a translation).
 */
const LANGUAGES = [
  { tag: "az-Arab", catalogFrom: "fa", title: "آچیق مکتوب", request: "سیزدن ایستیریک کی، تدبیر گؤرهسینیز.", dir: "rtl", direction: "/R2L" },
  { tag: "ks-Deva", catalogFrom: "hi", title: "खुल चिठ", request: "असि छि तुहि निश अर्ज़ करान.", dir: "ltr", direction: undefined },
] as const;

/** The catalog's /ViewerPreferences /Direction as qpdf reads it (indirect or direct); undefined when not said. */
function viewerDirection(file: string): unknown {
  const json = JSON.parse(execFileSync("qpdf", ["--json=2", "--json-key=qpdf", file], { encoding: "utf8", maxBuffer: 64 << 20 }));
  const objects = json.qpdf[1] as Record<string, { value?: Record<string, unknown> }>;
  const catalog = Object.values(objects).find((object) => object.value?.["/Type"] === "/Catalog")?.value;
  const preferences = catalog?.["/ViewerPreferences"];
  const read = (typeof preferences === "string" ? objects[`obj:${preferences}`]?.value : preferences) as Record<string, unknown> | undefined;
  return read?.["/Direction"];
}

describe("a language whose tag names its script, end to end", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "letterpress-script-subtag-"));
    const templates = join(root, "templates");
    cpSync(TEMPLATES_DIR, templates, { recursive: true });
    cpSync(join(FIXTURES_DIR, "letters", "sample"), join(root, "data", "sample"), { recursive: true });
    const french = JSON.parse(readFileSync(join(root, "data/sample/fr.json"), "utf8"));
    for (const { tag, catalogFrom, title, request } of LANGUAGES) {
      cpSync(join(templates, SEED_TEMPLATE, `messages/${catalogFrom}.json`), join(templates, SEED_TEMPLATE, `messages/${tag}.json`));
      const translation = structuredClone(french);
      translation.locale = tag;
      translation.title = title;
      translation.paragraphs[1].content[0].text = request;
      writeFileSync(join(root, `data/sample/${tag}.json`), JSON.stringify(translation, null, 2));
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(LANGUAGES)("declares the $tag HTML page $dir, with its own tag", async ({ tag, dir, request }) => {
    const renderer = await createRenderer({ templatesDir: join(root, "templates"), paper: "A4" });
    const parsed = await loadLetter(join(root, "data"), "sample");
    const html = (await renderDocument(renderer, parsed, { letterId: "sample", locale: tag, format: "html", recipientId: null })).bytes.toString("utf8");
    const [page] = findAll(parseDocument(html), byTag("html"));
    expect({ lang: attribute(page!, "lang"), dir: attribute(page!, "dir") }).toEqual({ lang: tag, dir });
    expect(html).toContain(request);
  });

  it.each(LANGUAGES)("gives the $tag PDF its script's reading direction ($dir: /Direction /R2L or none), its words copied back", async ({ tag, direction, title }) => {
    const renderer = await createRenderer({ templatesDir: join(root, "templates"), paper: "A4" });
    const parsed = await loadLetter(join(root, "data"), "sample");
    const file = join(root, `${tag}.pdf`);
    writeFileSync(file, (await renderDocument(renderer, parsed, { letterId: "sample", locale: tag, format: "pdf", recipientId: null })).bytes);
    expect(viewerDirection(file)).toBe(direction);
    expect(execFileSync("pdfinfo", [file], { encoding: "utf8" })).toContain(title);
  });
});
