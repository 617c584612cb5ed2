import { readFileSync } from "node:fs";
import { join } from "node:path";
import { IMAGE_KINDS, resolveImage, type TemplateAssets } from "../../../functions/core/images/image-source";
import type { ParsedLetter } from "../../../functions/core/letter/parse-letter";
import { type DocumentRenderer, renderDocument } from "../../../functions/core/render-document";
import type { TemplateSet } from "../../../functions/core/template/template-engine";
import { TemplateLibrary } from "../../../functions/core/template/template-library";
import { loadLetter } from "../../../functions/letters/load-letters";
import { createRenderer } from "../../../functions/render/create-renderer";
import { IMAGE_TEMPLATE_DIR, loadImageTemplateSet } from "../../fixtures/images/fixture-template";
import { DATA_DIR, SEED_LETTER, SEED_TEMPLATE, TEMPLATES_DIR } from "../../support/letters";
import { imageList, structureElements } from "../pdf/images-inspect";
import { toFile } from "../pdf/pdf-inspect";

/**
 * An image named without its kind (`src="assets/signatures/{{id}}"`) is found as whichever of .svg, .png, .jpg, .jpeg
 * its folder holds, so one signatory's signature may be a scan (PNG, JPEG) and another's a drawing (SVG); an id with
 * two kinds is an error naming both files. Both editions, through the whole render.
 */

const read = (name: string) => readFileSync(join(IMAGE_TEMPLATE_DIR, "assets", name));
const PNG = read("icon.png");
const JPEG = read("photo.jpg");
const SVG = read("signatures/amnesty-international.svg");

function assetsOf(files: Record<string, Uint8Array>): TemplateAssets {
  return { folder: "templates/t", files: new Map(Object.entries(files).map(([path, bytes]) => [path, { bytes }])) };
}

describe("resolveImage: a name without a kind", () => {
  it("finds the one file of that name with a kind, in the order svg, png, jpg, jpeg", () => {
    expect(IMAGE_KINDS).toEqual([".svg", ".png", ".jpg", ".jpeg"]);
    expect(resolveImage("assets/sig/a", assetsOf({ "assets/sig/a.png": PNG }), "x").format).toBe("png");
    expect(resolveImage("assets/sig/b", assetsOf({ "assets/sig/b.jpg": JPEG }), "x").format).toBe("jpeg");
    expect(resolveImage("assets/sig/c", assetsOf({ "assets/sig/c.jpeg": JPEG }), "x").file).toBe("templates/t/assets/sig/c.jpeg");
    expect(resolveImage("assets/sig/d", assetsOf({ "assets/sig/d.svg": SVG }), "x").format).toBe("svg");
    // A name with a dot that is no image kind is still a name without a kind.
    expect(resolveImage("assets/sig/j.doe", assetsOf({ "assets/sig/j.doe.png": PNG }), "x").file).toBe("templates/t/assets/sig/j.doe.png");
  });

  it("refuses a name two files answer, naming both", () => {
    expect(() => resolveImage("assets/sig/a", assetsOf({ "assets/sig/a.svg": SVG, "assets/sig/a.png": PNG }), "<img> of line 4")).toThrow(
      "templates/t/assets/sig/a: is ambiguous (named by <img> of line 4): templates/t/assets/sig/a.svg and templates/t/assets/sig/a.png are both there; keep one, or name the file with its kind",
    );
    expect(() => resolveImage("assets/sig/a", assetsOf({ "assets/sig/a.jpg": JPEG, "assets/sig/a.jpeg": JPEG }), "x")).toThrow(
      /a\.jpg and templates\/t\/assets\/sig\/a\.jpeg are both there/,
    );
  });

  it("names every name it tried when none is there; a name with its kind is looked up as written", () => {
    expect(() => resolveImage("assets/sig/z", assetsOf({ "assets/sig/a.png": PNG }), "x")).toThrow(
      "templates/t/assets/sig/z: missing (named by x): an image named without a kind is looked for as z.svg, z.png, z.jpg, z.jpeg in templates/t/assets/sig/, and none is there; expected one of them",
    );
    // Written with its kind: that file, never another kind of the same name.
    expect(() => resolveImage("assets/sig/a.svg", assetsOf({ "assets/sig/a.png": PNG }), "x")).toThrow(/assets\/sig\/a\.svg: missing/);
  });
});

describe("signatures of mixed kinds in both editions", () => {
  let renderer: DocumentRenderer;
  let parsed: ParsedLetter;
  beforeAll(async () => {
    renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    parsed = await loadLetter(DATA_DIR, SEED_LETTER);
  });

  /** The seed letter with each signatory's signature found by id alone; `kinds` replaces some signatories' files. */
  async function withSignatures(kinds: Record<string, Record<string, Uint8Array>>): Promise<DocumentRenderer> {
    const signatories = readFileSync(join(IMAGE_TEMPLATE_DIR, "partials/signatories.hbs"), "utf8").replace("assets/signatures/{{id}}.svg", "assets/signatures/{{id}}");
    // A letterhead without images: every image XObject of the PDF is a signature.
    const base = await loadImageTemplateSet({ signatories, letterhead: '<header class="letterhead"><p>{{sender}}</p></header>' });
    const files = new Map(base.assets!.files);
    for (const [id, replacement] of Object.entries(kinds)) {
      files.delete(`assets/signatures/${id}.svg`);
      for (const [kind, bytes] of Object.entries(replacement)) files.set(`assets/signatures/${id}${kind}`, { bytes });
    }
    const set: TemplateSet = { ...base, assets: { ...base.assets!, files } };
    return { ...renderer, templates: new TemplateLibrary(renderer.templates.names.map((name) => (name === SEED_TEMPLATE ? set : renderer.templates.get(name)!.set))) };
  }

  const request = (format: "pdf" | "html") => ({ letterId: SEED_LETTER, locale: "en" as const, recipientId: null, format });

  it("draws a PNG, a JPEG and SVG signatures side by side, in the PDF and the HTML edition", async () => {
    const mixed = await withSignatures({ "amnesty-international": { ".png": PNG }, "human-rights-watch": { ".jpg": JPEG } });
    const pdf = toFile((await renderDocument(mixed, parsed, request("pdf"))).bytes);
    const images = imageList(pdf);
    // The PNG and the JPEG as image XObjects (the SVGs are drawn as paths): the JPEG kept as DCT.
    expect(
      images
        .filter((image) => image.type === "image")
        .map((image) => image.enc)
        .sort(),
    ).toEqual(["image", "jpeg"]);
    // Every signatory's signature is a Figure with its alt text, whatever its kind.
    const alts = structureElements(pdf, "Figure").map((figure) => figure.alt);
    expect(alts).toEqual(expect.arrayContaining(["Signature of Amnesty International", "Signature of Human Rights Watch"]));
    const html = (await renderDocument(mixed, parsed, request("html"))).bytes.toString("utf8");
    expect(html).toMatch(/<img src="data:image\/png;base64,[^"]+" alt="Signature of Amnesty International"/);
    expect(html).toMatch(/<img src="data:image\/jpeg;base64,[^"]+" alt="Signature of Human Rights Watch"/);
    expect(html).toMatch(/<img src="data:image\/svg\+xml;base64,[^"]+" alt="Signature of Freedom House"/);
  });

  it.each(["pdf", "html"] as const)("%s: refuses a signatory whose id has two kinds, naming both files and the template line", async (format) => {
    const twice = await withSignatures({ nkhr: { ".svg": SVG, ".png": PNG } });
    await expect(renderDocument(twice, parsed, request(format))).rejects.toThrow(
      /assets\/signatures\/nkhr: is ambiguous \(named by \S*signatories\.hbs line \d+, column \d+: [^\n]*\(src filled as "assets\/signatures\/nkhr"\)\): \S+\/nkhr\.svg and \S+\/nkhr\.png are both there/,
    );
  });
});
