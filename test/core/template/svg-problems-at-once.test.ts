import { resolveImage, type TemplateAssets } from "../../../functions/core/images/image-source";
import { templateImageProblems } from "../../../functions/core/template/template-images";
import { sourceImages, imagesOfSource } from "../../../functions/core/template/template-images";

/**
 * An SVG's problems come all at once (fresh user 7, item 9): one with an <image> and a <script> named
 * only the <script>, so each fix showed the next problem on the next run.
 */
const FOLDER = "templates/mine";
const assetsWith = (files: Record<string, string>): TemplateAssets => ({
  folder: FOLDER,
  files: new Map(Object.entries(files).map(([path, text]) => [path, { bytes: new TextEncoder().encode(text) }])),
});
const problemsOf = (svg: string): string[] => {
  try {
    resolveImage("assets/logo.svg", assetsWith({ "assets/logo.svg": svg }), "letter.hbs line 1: <img>");
  } catch (error) {
    return (error as Error).message.split("\n");
  }
  return [];
};
const file = `${FOLDER}/assets/logo.svg`;

describe("an SVG's problems", () => {
  it("are all named, one a line, each naming the file: <script> and <image> (the fresh user's file)", () => {
    const problems = problemsOf('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><image href="#a"/><script>alert(1)</script></svg>');
    expect(problems).toEqual([`${file}: an SVG that has a <script>`, `${file}: an SVG that embeds an image (<image>); use the image itself as the template's asset`]);
  });

  it("are all named with a size problem too: <text>, <foreignObject>, an outside reference and no size", () => {
    const problems = problemsOf('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/><text>Hi</text><use href="other.svg#x"/></svg>');
    expect(problems).toHaveLength(4);
    for (const [index, part] of ["has a <foreignObject>", "has <text>", "refers to another file (href", "has no size"].entries()) {
      expect(problems[index]).toContain(`${file}: `);
      expect(problems[index]).toContain(part);
    }
  });

  it("with a size over the limit said beside a refused element", () => {
    const problems = problemsOf('<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="10"><script/></svg>');
    expect(problems).toEqual([`${file}: an SVG that has a <script>`, `${file}: is 20000 x 10 px; an image may have at most 10000 px a side`]);
  });

  it("none for a sound SVG, which resolves with its size", () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 30 20"><path d="M0 0h30v20z" fill="url(#g)"/></svg>';
    expect(problemsOf(svg)).toEqual([]);
    expect(resolveImage("assets/logo.svg", assetsWith({ "assets/logo.svg": svg }), "x")).toMatchObject({ format: "svg", width: 30, height: 20 });
  });

  it("are each said with the element that names the file when the template loads", () => {
    const source = '<p class="logo">\n<img src="assets/logo.svg" alt="Logo"></p>';
    const images = imagesOfSource(`${FOLDER}/partials/letterhead.hbs`, sourceImages(source));
    const assets = assetsWith({ "assets/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><image href="#a"/><script/></svg>' });
    const problems = templateImageProblems(images, assets).flatMap((problem) => problem.split("\n"));
    expect(problems).toHaveLength(2);
    for (const problem of problems)
      expect(problem).toMatch(
        /^templates\/mine\/assets\/logo\.svg: an SVG that .* \(named by templates\/mine\/partials\/letterhead\.hbs line 2, column 1: <img src="assets\/logo\.svg">\)$/,
      );
  });
});
