import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fillLetter } from "../../functions/core/html/render-html";
import type { Paper } from "../../functions/core/style/document-stylesheets";
import { templatePageSize } from "../../functions/core/template/template-page-size";
import { DirectoryLetterSource } from "../../functions/letters/letter-source";
import { createRenderer } from "../../functions/render/create-renderer";
import { RenderService } from "../../functions/render/render-service";
import { paperConflicts } from "../../local/paper-flag";
import { DATA_DIR, SEED_LETTER, TEMPLATES_DIR } from "../support/letters";
import { type LocalStack, startLocalStack } from "../support/local-stack";

/**
 * A run's --paper is no input of letters whose template sets every page's size (issue 13): it gave
 * them a new revision and a new PDF /ID, the same pages. A letter whose template sets none still
 * has one per paper. And a refusal of --paper names every template that sets its own size.
 */
jest.setTimeout(180_000);

const COMMITTEE = "committee-hearing-defenders"; // parliamentary-committee: @page { size: letter }
let work: string;
let stack: LocalStack;
const services = new Map<Paper, RenderService>();
const letters = () => new DirectoryLetterSource(join(work, "data"));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "letterpress-paper-revision-"));
  await cp(DATA_DIR, join(work, "data"), { recursive: true });
  stack = await startLocalStack({ dataDir: join(work, "data") });
  for (const paper of ["A4", "Letter"] as const)
    services.set(paper, new RenderService(await createRenderer({ templatesDir: TEMPLATES_DIR, paper }), stack.store, letters(), "all"));
});
afterAll(async () => {
  await stack?.stop();
  await rm(work, { recursive: true, force: true });
});

const revisionOn = async (paper: Paper, letterId: string) => (await services.get(paper)!.planParts(letterId)).revision;

describe("--paper and the revision of a letter", () => {
  it("is the same on either paper for a letter whose template sets its page size, and differs for one whose template sets none", async () => {
    expect(await revisionOn("Letter", COMMITTEE)).toBe(await revisionOn("A4", COMMITTEE));
    expect(await revisionOn("Letter", SEED_LETTER)).not.toBe(await revisionOn("A4", SEED_LETTER));
  });

  it("gives the same PDF bytes (its /ID too) on either paper when the template sets the size, other bytes when it does not", async () => {
    const renderer = await createRenderer({ templatesDir: TEMPLATES_DIR, paper: "A4" });
    const pdfOn = async (letterId: string, paper: Paper) => {
      const { letter } = await letters().loadLetter(letterId);
      const engine = renderer.templates.forLetter(letter);
      return renderer.pdf(fillLetter(engine, letter, "en"), paper, engine);
    };
    expect((await pdfOn(COMMITTEE, "Letter")).equals(await pdfOn(COMMITTEE, "A4"))).toBe(true);
    expect((await pdfOn(SEED_LETTER, "Letter")).equals(await pdfOn(SEED_LETTER, "A4"))).toBe(false);
  });
});

describe("a refusal of --paper", () => {
  it("names every template that sets its own size, each with its line and letters, and leaves out those that agree or set none", () => {
    const sheet = (name: string, css: string) => templatePageSize(`${name}/print.css`, css);
    const message = paperConflicts("a4", "A4", [
      { size: sheet("brand", "p { margin: 0 }\n@page { size: letter }"), letterIds: ["a", "b"] },
      { size: sheet("plain", "@page { margin: 1in }"), letterIds: ["c"] },
      { size: sheet("same", "@page { size: A4 }"), letterIds: ["d"] },
      { size: sheet("small", "@page {\n  size: A5;\n}"), letterIds: ["e"] },
    ]);
    expect(message?.split("\n")).toEqual([
      "--paper a4: 2 templates set @page { size } themselves, which decides the paper of their letters:",
      "  brand/print.css line 2, selector @page, property size: @page { size: letter } (letters a, b)",
      "  small/print.css line 2, selector @page, property size: @page { size: A5 } (letter e)",
      "leave out --paper to print them as their templates say, change those lines, or ask only for letters of other templates with --letter",
    ]);
  });

  it("a size set for the first page only leaves the run's paper the paper of the others", () => {
    expect(templatePageSize("x/print.css", "@page :first { size: A5 }")).toMatchObject({ value: "A5", everyPage: false });
    expect(templatePageSize("x/print.css", "@page { size: letter }")).toMatchObject({ everyPage: true });
  });
});
