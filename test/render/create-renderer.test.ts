import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderDocument } from "../../functions/core/render-document";
import { loadLetter } from "../../functions/letters/load-letters";
import { createRenderer } from "../../functions/render/create-renderer";
import { templateNames } from "../../functions/templates/load-template-set";
import { FIXTURES_DIR, SEED_TEMPLATE, TEMPLATES_DIR } from "../support/letters";

/** A copy of the shipped templates folder to break. */
function templatesCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "letterpress-templates-")), "templates");
  cpSync(TEMPLATES_DIR, dir, { recursive: true });
  return dir;
}

/** A copy of the fixture letter "sample" whose letter.json names `template` (none when undefined). */
function sampleNaming(template: string | undefined): string {
  const data = join(mkdtempSync(join(tmpdir(), "letterpress-data-")), "data");
  cpSync(join(FIXTURES_DIR, "letters", "sample"), join(data, "sample"), { recursive: true });
  const file = join(data, "sample", "letter.json");
  const facts = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  if (template === undefined) delete facts["template"];
  else facts["template"] = template;
  writeFileSync(file, JSON.stringify(facts));
  return data;
}

describe("making the renderer from a templates folder", () => {
  const made: string[] = [];
  afterAll(() => made.forEach((dir) => rmSync(join(dir, ".."), { recursive: true, force: true })));

  it("refuses CSS outside the supported table before any document of either edition is made, naming the stylesheet, line, selector and property", async () => {
    const dir = templatesCopy();
    made.push(dir);
    appendFileSync(join(dir, SEED_TEMPLATE, "print.css"), "\nh1 { float: left; }\n");
    await expect(createRenderer({ templatesDir: dir, paper: "A4" })).rejects.toMatchObject({
      code: "TEMPLATE_ERROR",
      message: expect.stringMatching(/templates\/un-security-council\/print\.css line \d+, selector h1, property float/),
    });
  });

  it.each([`${SEED_TEMPLATE}/print.css`, "ua.css", `${SEED_TEMPLATE}/partials`, `${SEED_TEMPLATE}/messages`, `${SEED_TEMPLATE}/page.hbs`])(
    "names a missing %s instead of failing with a raw file-system error",
    async (name) => {
      const dir = templatesCopy();
      made.push(dir);
      rmSync(join(dir, name), { recursive: true });
      await expect(createRenderer({ templatesDir: dir, paper: "A4" })).rejects.toMatchObject({
        code: "TEMPLATE_ERROR",
        message: expect.stringContaining(`${join(dir, name)}: cannot be read (missing)`),
      });
    },
  );

  it("refuses a templates folder with no template folder in it, saying what a template folder holds", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "letterpress-templates-")), "templates");
    made.push(dir);
    cpSync(join(TEMPLATES_DIR, "ua.css"), join(dir, "ua.css"));
    await expect(createRenderer({ templatesDir: dir, paper: "A4" })).rejects.toThrow(`${dir}: no template found; a template is a folder templates/<name>/ holding letter.hbs`);
  });
});

describe("a letter names its template", () => {
  const made: string[] = [];
  afterAll(() => made.forEach((dir) => rmSync(join(dir, ".."), { recursive: true, force: true })));

  it("refuses an unknown template with an error naming letter.json, the field and the templates found", async () => {
    const data = sampleNaming("parliament-letter");
    made.push(data);
    const renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    const parsed = await loadLetter(data, "sample");
    const names = renderer.templates.names.map((name) => `"${name}"`).join(", ");
    await expect(renderDocument(renderer, parsed, { letterId: "sample", locale: "en", format: "html", recipientId: null })).rejects.toMatchObject({
      code: "INVALID_DATA",
      message: `sample/letter.json: template: no template "parliament-letter"; expected one of the folders of templates/: ${names}`,
    });
  });

  it("says so when the default template, which a letter.json without the field gets, is not there", async () => {
    const dir = templatesCopy();
    made.push(dir);
    rmSync(join(dir, SEED_TEMPLATE), { recursive: true });
    const data = sampleNaming(undefined);
    made.push(data);
    const renderer = await createRenderer({ templatesDir: dir, paper: "A4" });
    const parsed = await loadLetter(data, "sample");
    await expect(renderDocument(renderer, parsed, { letterId: "sample", locale: "en", format: "html", recipientId: null })).rejects.toThrow(
      'sample/letter.json: template: no template "un-security-council" (the default when letter.json names none); expected one of the folders of templates/: "parliamentary-committee"',
    );
  });

  it("is made with the folder its letter.json names, each template compiled into its own engine", async () => {
    const dir = templatesCopy();
    made.push(dir);
    // A second template: the seed's folder copied, with a letterhead that says which one it is.
    cpSync(join(dir, SEED_TEMPLATE), join(dir, "plain-letter"), { recursive: true });
    writeFileSync(join(dir, "plain-letter", "partials", "letterhead.hbs"), '<header class="letterhead"><p class="sender">Plain: {{sender}}</p></header>\n');
    const renderer = await createRenderer({ templatesDir: dir, paper: "A4" });
    expect(renderer.templates.names).toEqual([...templateNames(TEMPLATES_DIR), "plain-letter"].sort());
    const html = async (template: string | undefined) => {
      const data = sampleNaming(template);
      made.push(data);
      const parsed = await loadLetter(data, "sample");
      return (await renderDocument(renderer, parsed, { letterId: "sample", locale: "en", format: "html", recipientId: null })).bytes.toString("utf8");
    };
    expect(await html("plain-letter")).toContain('<p class="sender">Plain: ');
    // No template named: the default, the Security Council letter's, as before templates were folders.
    for (const template of [undefined, SEED_TEMPLATE]) {
      const page = await html(template);
      expect(page).not.toContain("Plain: ");
      expect(page).toContain('<p class="sender-kind">');
    }
  });

  it("refuses a template name that is not an id, naming letter.json and the field", async () => {
    const data = sampleNaming("../secrets");
    made.push(data);
    await expect(loadLetter(data, "sample")).rejects.toMatchObject({
      code: "INVALID_DATA",
      message: expect.stringContaining("sample/letter.json: template: expected an id of lowercase letters, digits and hyphens"),
    });
  });
});
