import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRenderer } from "../../functions/render/create-renderer";
import { TEMPLATES_DIR } from "../support/letters";

/**
 * A margin box's image given through a custom property (`--logo: url(...)`, `content: var(--logo)`)
 * is checked when the template loads, as one written out is (fresh user 7): only a direct url() was,
 * and a var() one failed first when a letter was drawn. Its problem names the content declaration
 * and where the custom property is set; a var()'s fallback url() is checked too.
 */
const TEMPLATE = "parliamentary-committee";
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lp-varlogo-"));
  cpSync(TEMPLATES_DIR, dir, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Appends CSS to a sheet and returns the line number its first appended line has. */
function append(sheet: string, css: string): number {
  const line = readFileSync(sheet, "utf8").split("\n").length + 1;
  appendFileSync(sheet, `\n${css}\n`);
  return line;
}

async function problems(): Promise<string[]> {
  try {
    await createRenderer({ templatesDir: dir, paper: "A4" });
  } catch (error) {
    return (error as Error).message.split("\n");
  }
  return [];
}

describe("a margin box's url() through var()", () => {
  it("is checked when the template loads, naming the content declaration and where the property is set", async () => {
    const printCss = join(dir, TEMPLATE, "print.css");
    const at = append(printCss, ':root { --logo: url("assets/nowhere.svg"); }\n@page { @top-left { content: var(--logo); } }');
    expect(await problems()).toEqual([
      expect.stringMatching(
        new RegExp(
          `assets/nowhere\\.svg: missing \\(named by .*print\\.css line ${at + 1}, selector @page @top-left, property content \\(var\\(--logo\\), set at .*print\\.css line ${at}\\): url\\("assets/nowhere\\.svg"\\)\\)`,
        ),
      ),
    ]);
  });

  it("reads a property ua.css sets for print.css, and a var()'s fallback", async () => {
    const ua = append(join(dir, "ua.css"), ':root { --mark: url("https://example.org/mark.png"); }');
    const at = append(join(dir, TEMPLATE, "print.css"), '@page { @top-left { content: var(--mark); } @top-right { content: var(--unset, url("assets/gone.png")); } }');
    const found = await problems();
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `print\\.css line ${at}, selector @page @top-left, property content \\(var\\(--mark\\), set at templates/ua\\.css line ${ua}\\): url\\("https://example\\.org/mark\\.png"\\): src .* a render fetches nothing`,
          ),
        ),
        expect.stringMatching(
          new RegExp(`assets/gone\\.png: missing \\(named by .*print\\.css line ${at}, selector @page @top-right, property content: url\\("assets/gone\\.png"\\)\\)`),
        ),
      ]),
    );
    expect(found).toHaveLength(2);
  });

  it("a logo through var() that is a file of the template loads", async () => {
    append(join(dir, TEMPLATE, "print.css"), ':root { --logo: url("assets/logo.svg"); }\n@page { @top-left { content: var(--logo); height: 10mm; } }');
    expect(await problems()).toEqual([]);
  });
});
