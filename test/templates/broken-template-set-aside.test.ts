import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { templateOffersOf } from "../../functions/core/letter/letter-context";
import { parseLetter } from "../../functions/core/letter/parse-letter";
import { createRenderer } from "../../functions/render/create-renderer";
import { templateLoadAndStylesheetWarnings } from "../../functions/templates/templates-folder-warnings";
import { DATA_DIR, SEED_LETTER, TEMPLATES_DIR } from "../support/letters";

/**
 * One broken template folder does not block the letters of the others in a local run (fresh user 7,
 * item 4): "set-aside" keeps the sound templates, says the broken one with its problems, and a letter
 * that names it fails with them. The Lambda's renderer (the default) still refuses every broken template.
 */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lp-setaside-"));
  cpSync(TEMPLATES_DIR, dir, { recursive: true });
  // Two broken folders of our own, broken two ways: an unknown helper, and a stylesheet that does not parse.
  cpSync(join(TEMPLATES_DIR, "parliamentary-committee"), join(dir, "shouting"), { recursive: true });
  const letterHbs = join(dir, "shouting", "letter.hbs");
  writeFileSync(letterHbs, readFileSync(letterHbs, "utf8").replace("{{title}}</h1>", "{{shout title}}</h1>"));
  cpSync(join(TEMPLATES_DIR, "un-security-council"), join(dir, "badstyle"), { recursive: true });
  writeFileSync(join(dir, "badstyle", "print.css"), `${readFileSync(join(dir, "badstyle", "print.css"), "utf8")}\n.z { colour: red; }\n`);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The seed letter's files, its letter.json naming `template`. */
function seedFilesNaming(template: string) {
  const folder = join(DATA_DIR, SEED_LETTER);
  return readdirSync(folder)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => {
      const bytes = readFileSync(join(folder, name));
      if (name !== "letter.json") return { name, bytes };
      return { name, bytes: Buffer.from(JSON.stringify({ ...JSON.parse(bytes.toString("utf8")), template })) };
    });
}

function errorMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect((error as { code?: string }).code).toBe("TEMPLATE_ERROR");
    return (error as Error).message;
  }
  throw new Error("expected a template error");
}

describe("a broken template folder in a local run", () => {
  it("is set aside: the sound templates load and their letters are checked and filled", async () => {
    const renderer = await createRenderer({ templatesDir: dir, paper: "A4", brokenTemplates: "set-aside" });
    expect(renderer.templates.names).toEqual(["parliamentary-committee", "un-security-council"]);
    expect([...renderer.templates.broken.keys()].sort()).toEqual(["badstyle", "shouting"]);
    const { letter } = parseLetter(SEED_LETTER, seedFilesNaming("un-security-council"), [], { templates: templateOffersOf(renderer.templates) });
    expect(renderer.templates.forLetter(letter).set.name).toBe("un-security-council");
  });

  it("fails a letter that names it with that template's own problems (not 'no template'), and only its own", async () => {
    const renderer = await createRenderer({ templatesDir: dir, paper: "A4", brokenTemplates: "set-aside" });
    const offers = templateOffersOf(renderer.templates);
    for (const [template, problem, other] of [
      ["shouting", /shouting\/letter\.hbs line \d+, column \d+: \{\{shout …\}\} calls a helper/, "badstyle"],
      ["badstyle", /badstyle\/print\.css/, "shouting"],
    ] as const) {
      // The letter's data is sound: it is not refused as naming no template.
      const { letter } = parseLetter(SEED_LETTER, seedFilesNaming(template), [], { templates: offers });
      let message = "";
      try {
        renderer.templates.forLetter(letter);
      } catch (error) {
        expect((error as { code?: string }).code).toBe("TEMPLATE_ERROR");
        message = (error as Error).message;
      }
      expect(message).toMatch(problem);
      expect(message).not.toContain(`/${other}/`);
    }
  });

  it("says the letter's data problems beside the template's, every language's, so fixing the template reveals no second list", async () => {
    // A template error used to hide them: a translation's missing paragraph came only once the template loaded (fresh user 8a).
    const renderer = await createRenderer({ templatesDir: dir, paper: "A4", brokenTemplates: "set-aside" });
    const files = seedFilesNaming("shouting").map(({ name, bytes }) => {
      const json = JSON.parse(bytes.toString("utf8"));
      if (name === "fr.json") json.paragraphs = json.paragraphs.slice(0, -1);
      if (name === "ru.json") delete json.signatories[Object.keys(json.signatories)[0]!];
      return { name, bytes: Buffer.from(JSON.stringify(json)) };
    });
    const parsed = parseLetter(SEED_LETTER, files, [], { templates: templateOffersOf(renderer.templates) });
    expect([...parsed.localeErrors.keys()].sort()).toEqual(["fr", "ru"]);
    const message = errorMessage(() => renderer.templates.forLetter(parsed.letter, parsed.localeErrors));
    const lines = message.split("\n");
    expect(lines[0]).toMatch(/shouting\/letter\.hbs line \d+, column \d+: \{\{shout …\}\} calls a helper/);
    const beside = lines.indexOf("and the letter's data problems, which the template's do not hide (2):");
    expect(beside).toBeGreaterThan(0);
    expect(lines.slice(beside + 1)).toEqual([
      expect.stringMatching(/^ {2}unsc-dprk-2015\/fr\.json: paragraphs\[\d+\]: missing/),
      expect.stringMatching(/^ {2}unsc-dprk-2015\/ru\.json: signatories/),
    ]);
    // A letter whose languages are sound: the template's problems alone, as before.
    const sound = parseLetter(SEED_LETTER, seedFilesNaming("shouting"), [], { templates: templateOffersOf(renderer.templates) });
    expect(errorMessage(() => renderer.templates.forLetter(sound.letter, sound.localeErrors))).not.toContain("data problems");
  });

  it("a template name that no folder has is still 'no template', offering only the templates that load", async () => {
    const renderer = await createRenderer({ templatesDir: dir, paper: "A4", brokenTemplates: "set-aside" });
    expect(() => parseLetter(SEED_LETTER, seedFilesNaming("nowhere"), [], { templates: templateOffersOf(renderer.templates) })).toThrow(
      'no template "nowhere"; expected one of the folders of templates/: "parliamentary-committee", "un-security-council"',
    );
  });

  it("is said before the run, with its problems (generate and serve print these warnings)", async () => {
    const warnings = await templateLoadAndStylesheetWarnings(dir, "A4");
    const said = warnings.filter((warning) => warning.includes("is set aside"));
    expect(said).toHaveLength(2);
    expect(said.find((warning) => warning.startsWith('template "shouting"'))).toMatch(/does not load and is set aside[\s\S]*\{\{shout …\}\}/);
    expect(said.find((warning) => warning.startsWith('template "badstyle"'))).toMatch(/badstyle\/print\.css/);
  });

  it("is said to a run of the templates it names only (a run for other templates' letters is not told of it again)", async () => {
    const only = await templateLoadAndStylesheetWarnings(dir, "A4", new Set(["un-security-council", "shouting"]));
    expect(only.filter((warning) => warning.includes("is set aside")).map((warning) => warning.split(" (")[0])).toEqual(['template "shouting"']);
    const others = await templateLoadAndStylesheetWarnings(dir, "A4", new Set(["un-security-council"]));
    expect(others.filter((warning) => warning.includes("is set aside"))).toEqual([]);
  });

  it("set aside by name (serve's reload: the folders set aside at start), the others' problems still refuse the renderer", async () => {
    const onlyShouting = createRenderer({ templatesDir: dir, paper: "A4", brokenTemplates: new Set(["shouting"]) });
    await expect(onlyShouting).rejects.toThrow(/badstyle\/print\.css/);
    await expect(onlyShouting).rejects.not.toThrow(/shouting/);
    const both = await createRenderer({ templatesDir: dir, paper: "A4", brokenTemplates: new Set(["shouting", "badstyle"]) });
    expect(both.templates.names).toEqual(["parliamentary-committee", "un-security-council"]);
    expect([...both.templates.broken.keys()].sort()).toEqual(["badstyle", "shouting"]);
  });

  it("is not set aside when no template would load (ua.css, which every template reads): the run is refused as before", async () => {
    writeFileSync(join(dir, "ua.css"), `${readFileSync(join(dir, "ua.css"), "utf8")}\np { colour: red; }\n`);
    await expect(createRenderer({ templatesDir: dir, paper: "A4", brokenTemplates: "set-aside" })).rejects.toThrow(/ua\.css line \d+, selector p, property colour/);
  });

  it("stops the Lambda's renderer (the default), naming every broken template's problems", async () => {
    await expect(createRenderer({ templatesDir: dir, paper: "A4" })).rejects.toThrow(/shouting\/letter\.hbs line \d+/);
    await expect(createRenderer({ templatesDir: dir, paper: "A4" })).rejects.toThrow(/badstyle\/print\.css/);
  });
});
