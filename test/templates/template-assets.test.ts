import { cp, mkdir, mkdtemp, rm, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fillLetter } from "../../functions/core/html/render-html";
import { resolveImage } from "../../functions/core/images/image-source";
import { renderDocument } from "../../functions/core/render-document";
import { revisionOf } from "../../functions/core/revision";
import { createRenderer } from "../../functions/render/create-renderer";
import { loadTemplateSet } from "../../functions/templates/load-template-set";
import { ASSET_LIMITS, loadTemplateAssets } from "../../functions/templates/template-assets";
import { IMAGE_TEMPLATE_DIR } from "../fixtures/images/fixture-template";
import { loadSeedLetter, SEED_LETTER, SEED_TEMPLATE, SEED_TEMPLATE_DIR, TEMPLATES_DIR } from "../support/letters";

/** A template folder's assets/: what is read, what is bounded, and how images reach both editions through the renderer. */

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "template-assets-"));
});
afterEach(async () => rm(work, { recursive: true, force: true }));

describe("loadTemplateAssets", () => {
  it("has no files for a template without an assets folder (the seed letter's)", async () => {
    expect((await loadTemplateAssets(SEED_TEMPLATE_DIR)).files.size).toBe(0);
  });

  it("reads nested folders by their path from the template folder, leaving hidden files out", async () => {
    await mkdir(join(work, "assets", "signatures"), { recursive: true });
    await writeFile(join(work, "assets", "signatures", "a.svg"), "<svg/>");
    await writeFile(join(work, "assets", ".DS_Store"), "x");
    const assets = await loadTemplateAssets(work);
    expect([...assets.files.keys()]).toEqual(["assets/signatures/a.svg"]);
    expect(assets.folder).toBe(work);
  });

  it("records a file over 5 MB unread, and names it when an image uses it", async () => {
    await mkdir(join(work, "assets"));
    await writeFile(join(work, "assets", "big.png"), "");
    await truncate(join(work, "assets", "big.png"), 5 * 1024 * 1024 + 1);
    const assets = await loadTemplateAssets(work);
    expect(assets.files.get("assets/big.png")).toEqual({ problem: "has 5242881 bytes; an image may have at most 5 MB (5242880 bytes)" });
    expect(() => resolveImage("assets/big.png", assets, "<img>")).toThrow(`${work}/assets/big.png: has 5242881 bytes; an image may have at most 5 MB`);
  });

  it("refuses a symbolic link when an image names it (the deployed copy holds no links), never following it", async () => {
    await mkdir(join(work, "assets"));
    await symlink("/etc/hostname", join(work, "assets", "logo.png"));
    const assets = await loadTemplateAssets(work);
    expect(() => resolveImage("assets/logo.png", assets, "<img>")).toThrow(`${work}/assets/logo.png: a symbolic link`);
  });

  it("refuses a folder of more files than a template's images", async () => {
    await mkdir(join(work, "assets"));
    for (let i = 0; i <= ASSET_LIMITS.maxFiles; i++) await writeFile(join(work, "assets", `${i}.svg`), "<svg/>");
    await expect(loadTemplateAssets(work)).rejects.toThrow(`${work}/assets/: more than ${ASSET_LIMITS.maxFiles} files`);
  });
});

describe("images through the renderer (createRenderer reads the template folder's assets)", () => {
  let templatesDir: string;
  let seedTemplate: string;
  beforeEach(async () => {
    templatesDir = join(work, "templates");
    seedTemplate = join(templatesDir, SEED_TEMPLATE);
    await cp(TEMPLATES_DIR, templatesDir, { recursive: true });
    await cp(join(IMAGE_TEMPLATE_DIR, "assets"), join(seedTemplate, "assets"), { recursive: true });
    await cp(join(IMAGE_TEMPLATE_DIR, "partials", "letterhead.hbs"), join(seedTemplate, "partials", "letterhead.hbs"));
  });

  it("puts the logo in both editions of a document", async () => {
    const renderer = await createRenderer({ templatesDir, paper: "A4" });
    const parsed = await loadSeedLetter();
    const request = { letterId: SEED_LETTER, locale: "en" as const, recipientId: null };
    const pdf = await renderDocument(renderer, parsed, { ...request, format: "pdf" });
    const html = await renderDocument(renderer, parsed, { ...request, format: "html" });
    // The PNG's pixels as an image XObject (240 x 80), and as a data: URI in the page.
    expect(pdf.bytes.toString("latin1")).toMatch(/\/Width 240\s*\/Height 80|\/Height 80[\s\S]{0,200}\/Width 240/);
    expect(html.bytes.toString("utf8")).toMatch(/<img src="data:image\/png;base64,iVBORw0KGgo[^"]*" alt="Logo of the coalition"/);
    expect(fillLetter(renderer.templates.forLetter(parsed.letter), parsed.letter, "en").fragment).toMatch(/src="assets\/logo.png"/);
  });

  it("gives the documents a new revision when an image changes, and the same one wherever the folder is", async () => {
    const { letter } = await loadSeedLetter();
    const revision = async (dir: string) => revisionOf(letter, { templates: await loadTemplateSet(dir, SEED_TEMPLATE), paper: "A4", renderer: "r" });
    const before = await revision(templatesDir);
    const moved = join(work, "elsewhere");
    await cp(templatesDir, moved, { recursive: true });
    expect(await revision(moved)).toBe(before);
    await cp(join(IMAGE_TEMPLATE_DIR, "assets", "photo.jpg"), join(seedTemplate, "assets", "logo.jpg"));
    expect(await revision(templatesDir)).not.toBe(before);
    expect(await revision(TEMPLATES_DIR)).not.toBe(before);
  });
});
