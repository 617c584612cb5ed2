import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inlineImages } from "../../../functions/core/html/inline-images";
import { fillLetter, renderHtml } from "../../../functions/core/html/render-html";
import { TemplateEngine } from "../../../functions/core/template/template-engine";
import { loadTemplateAssets } from "../../../functions/templates/template-assets";
import { IMAGE_ERROR_CASES } from "../../fixtures/images/error-cases";
import { IMAGE_TEMPLATE_DIR, loadImageTemplateSet } from "../../fixtures/images/fixture-template";
import { attribute, findAll, byTag, parseDocument } from "../../support/html";
import { createEngine, loadSeedLetter } from "../../support/letters";

/** The HTML edition carries each image inline, as a data: URI its Content-Security-Policy allows, and refuses what the PDF refuses. */

const asset = (path: string) => readFileSync(join(IMAGE_TEMPLATE_DIR, path));

describe("the HTML edition of a letter with images", () => {
  let html: string;
  let signatoryIds: string[];
  beforeAll(async () => {
    const engine = new TemplateEngine(await loadImageTemplateSet());
    const { letter } = await loadSeedLetter();
    html = renderHtml(engine, letter, "en");
    signatoryIds = fillLetter(engine, letter, "en").view.signatories.map(({ id }) => id);
  });

  it("inlines every image's bytes as a data: URI of its type, keeping alt, width and height", () => {
    const images = findAll(parseDocument(html), byTag("img"));
    const expected = [
      { src: `data:image/png;base64,${asset("assets/logo.png").toString("base64")}`, alt: "Logo of the coalition", width: "120", height: "40" },
      { src: `data:image/jpeg;base64,${asset("assets/photo.jpg").toString("base64")}`, alt: "A blue field", width: undefined, height: undefined },
      ...signatoryIds.map((id) => ({ src: `data:image/svg+xml;base64,${asset(`assets/signatures/${id}.svg`).toString("base64")}`, width: undefined, height: undefined })),
    ];
    expect(
      images.map((img, i) => ({ src: attribute(img, "src"), ...(i < 2 ? { alt: attribute(img, "alt") } : {}), width: attribute(img, "width"), height: attribute(img, "height") })),
    ).toEqual(expected);
  });

  it("keeps a policy that allows images from data: URIs only, and loads nothing", () => {
    const policy = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
    expect(policy).toMatch(/(^|; )img-src data:(;|$)/);
    expect(policy).toMatch(/default-src &#x27;none&#x27;/);
    expect(html).not.toMatch(/src="(?!data:)/);
  });
});

describe("inlineImages", () => {
  it("leaves a fragment without images as it is, the same string", async () => {
    const engine = await createEngine();
    const { letter } = await loadSeedLetter();
    const plain = renderHtml(engine, letter, "en");
    expect(plain).not.toMatch(/<img/);
    const fragment = '<article class="letter"><p>No image.</p></article>';
    expect(inlineImages(fragment, undefined)).toBe(fragment);
  });

  it("changes the src attribute alone, byte for byte elsewhere (other attributes, quoting, text)", async () => {
    const assets = await loadTemplateAssets(IMAGE_TEMPLATE_DIR);
    const fragment = "<p class='a'>x &amp; y<img alt='Logo' src='assets/logo.png' width=10> é</p><p><img src=\"assets/photo.jpg\" alt=\"B\"></p>";
    const out = inlineImages(fragment, assets);
    const back = out.replace(/src="data:image\/png;base64,[^"]*"/, "src='assets/logo.png'").replace(/src="data:image\/jpeg;base64,[^"]*"/, 'src="assets/photo.jpg"');
    expect(back).toBe(fragment);
  });
});

describe("inlineImages and the template's text", () => {
  it("leaves an <img> inside a comment alone, as the PDF does (a commented-out missing image is no error)", async () => {
    const assets = await loadTemplateAssets(IMAGE_TEMPLATE_DIR);
    const fragment = '<p><!-- <img src="assets/old-logo.png" alt="Old"> --><img src="assets/logo.png" alt="Logo"></p>';
    const out = inlineImages(fragment, assets);
    expect(out).toContain('<!-- <img src="assets/old-logo.png" alt="Old"> -->');
    expect(out).toMatch(/<img src="data:image\/png;base64,/);
  });

  it("names the line of the filled template the image is on", async () => {
    const assets = await loadTemplateAssets(IMAGE_TEMPLATE_DIR);
    expect(() => inlineImages('<article>\n<p><img src="assets/logo.png" alt="Logo"></p>\n\n<p><img src="assets/logo.png"></p>\n</article>', assets)).toThrow(
      'filled template line 4: <img src="assets/logo.png">: has no alt',
    );
  });

  it("reads a quoted alt holding '>' as one tag", async () => {
    const assets = await loadTemplateAssets(IMAGE_TEMPLATE_DIR);
    const out = inlineImages('<p><img alt="A > B" src="assets/logo.png"></p>', assets);
    expect(out).toMatch(/^<p><img alt="A > B" src="data:image\/png;base64,[^"]+"><\/p>$/);
  });
});

describe("images the HTML edition refuses, with the PDF's errors", () => {
  it.each(IMAGE_ERROR_CASES)("$name", async ({ img, message }) => {
    const assets = await loadTemplateAssets(IMAGE_TEMPLATE_DIR);
    expect(() => inlineImages(`<article class="letter" lang="en"><p>${img}</p></article>`, assets)).toThrow(message);
  });
});
