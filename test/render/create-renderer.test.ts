import { appendFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRenderer } from "../../functions/render/create-renderer";
import { TEMPLATES_DIR } from "../support/letters";

/** A copy of the shipped template folder to break. */
function templatesCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "letterpress-templates-")), "templates");
  cpSync(TEMPLATES_DIR, dir, { recursive: true });
  return dir;
}

describe("making the renderer from a template folder", () => {
  const made: string[] = [];
  afterAll(() => made.forEach((dir) => rmSync(join(dir, ".."), { recursive: true, force: true })));

  it("refuses CSS outside the supported table before any document of either edition is made, naming the stylesheet, line, selector and property", async () => {
    const dir = templatesCopy();
    made.push(dir);
    appendFileSync(join(dir, "print.css"), "\nh1 { float: left; }\n");
    await expect(createRenderer({ templatesDir: dir, paper: "A4" })).rejects.toMatchObject({
      code: "TEMPLATE_ERROR",
      message: expect.stringMatching(/templates\/print\.css line \d+, selector h1, property float/),
    });
  });

  it.each(["print.css", "ua.css", "partials", "messages"])("names a missing %s instead of failing with a raw file-system error", async (name) => {
    const dir = templatesCopy();
    made.push(dir);
    rmSync(join(dir, name), { recursive: true });
    await expect(createRenderer({ templatesDir: dir, paper: "A4" })).rejects.toMatchObject({
      code: "TEMPLATE_ERROR",
      message: expect.stringContaining(`${join(dir, name)}: cannot be read (missing)`),
    });
  });
});
