import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IMAGE_KINDS } from "../../functions/core/images/image-source";
import { renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { templateNames } from "../../functions/templates/load-template-set";
import { imageList, structureElements } from "../core/pdf/images-inspect";
import { toFile } from "../core/pdf/pdf-inspect";
import { IMAGE_TEMPLATE_DIR } from "../fixtures/images/fixture-template";
import { DATA_DIR, TEMPLATES_DIR } from "../support/letters";

/**
 * The shipped templates find a signatory's image whatever its kind (fresh user 10, item 3): the
 * committee template named `assets/signatures/{{id}}.svg`, so a scanned PNG signature failed the
 * letter although the README says scans and drawings mix.
 */
const COMMITTEE_LETTER = "committee-hearing-defenders";
const COMMITTEE_TEMPLATE = "parliamentary-committee";

/** Every `<img src>` of a template's letter.hbs and partials that data fills (`{{ }}` in it). */
function filledImageSources(template: string): string[] {
  const folder = join(TEMPLATES_DIR, template);
  const partials = join(folder, "partials");
  const sources = [join(folder, "letter.hbs"), ...readdirSync(partials).map((name) => join(partials, name))];
  return sources.flatMap((file) => [...readFileSync(file, "utf8").matchAll(/<img\b[^>]*\bsrc="([^"]*\{\{[^"]*)"/g)].map((match) => match[1] as string));
}

describe("the shipped templates' images named by data", () => {
  it.each(templateNames(TEMPLATES_DIR))("%s names each without a kind, so any of .svg, .png, .jpg, .jpeg is found", (template) => {
    for (const src of filledImageSources(template)) {
      const afterData = src.slice(src.lastIndexOf("}}") + 2).toLowerCase();
      expect({ src, kind: IMAGE_KINDS.find((kind) => afterData.endsWith(kind)) }).toEqual({ src, kind: undefined });
    }
  });

  it("the committee letter draws a scanned PNG signature beside the drawn SVG ones, in both editions", async () => {
    const templatesDir = mkdtempSync(join(tmpdir(), "lp-signature-kinds-"));
    try {
      cpSync(TEMPLATES_DIR, templatesDir, { recursive: true });
      const signatures = join(templatesDir, COMMITTEE_TEMPLATE, "assets/signatures");
      rmSync(join(signatures, "sample-legal-aid.svg"));
      cpSync(join(IMAGE_TEMPLATE_DIR, "assets/icon.png"), join(signatures, "sample-legal-aid.png"));
      const renderer = await createRenderer({ templatesDir, paper: "Letter" });
      const parsed = await loadLetter(DATA_DIR, COMMITTEE_LETTER);
      const request = (format: "pdf" | "html") => ({ letterId: COMMITTEE_LETTER, locale: "en" as const, recipientId: null, format });

      const pdf = toFile((await renderDocument(renderer, parsed, request("pdf"))).bytes);
      // The PNG is the one raster image XObject (the SVG signatures and the logo are drawn as paths).
      expect(imageList(pdf).filter((image) => image.type === "image")).toHaveLength(1);
      expect(structureElements(pdf, "Figure").map((figure) => figure.alt)).toEqual(expect.arrayContaining([expect.stringContaining("Sample Legal Aid")]));
      const html = (await renderDocument(renderer, parsed, request("html"))).bytes.toString("utf8");
      expect(html).toMatch(/<img src="data:image\/png;base64,[^"]+" alt="[^"]*Sample Legal Aid[^"]*"/);
      expect(html.match(/<img src="data:image\/svg\+xml;base64,/g)?.length).toBeGreaterThanOrEqual(2);
    } finally {
      rmSync(templatesDir, { recursive: true, force: true });
    }
  });
});
