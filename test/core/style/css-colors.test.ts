import { execFile } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "parse5";
import type { DefaultTreeAdapterTypes } from "parse5";
import { renderPdf } from "../../../functions/core/pdf/render-pdf";
import { parseStylesheets, StyleError, styleDocument } from "../../../functions/core/style";
import { createRenderer } from "../../../functions/render/create-renderer";
import { browserAvailable, type LaunchedBrowser, launchChromium } from "../../support/browser";
import { REPO, SEED_TEMPLATE, TEMPLATES_DIR } from "../../support/letters";
import { fixture, options, run, stylesheetsFor, toFile } from "../pdf/pdf-inspect";

/**
 * Colours as CSS Color 4 writes them (fresh user's finding: `rebeccapurple`, `hsl(400 50% 50% / 0.5)`,
 * `#12345`, `color-mix()` in a template). A value the PDF can draw computes to the sRGB colour
 * Chromium paints; any other is refused when the template loads, naming the sheet, the line and
 * column of the value, the property and what was expected, for both editions at once.
 */

jest.setTimeout(300_000);

type Element = DefaultTreeAdapterTypes.Element;

/** The computed style of `<strong id="box">` inside `<p id="outer">`, styled by `css` alone. */
function computed(css: string) {
  const root = parse('<html><body><p id="outer">a <strong id="box">b</strong></p></body></html>').childNodes.find((n): n is Element => "tagName" in n && n.tagName === "html")!;
  const document = styleDocument(root, parseStylesheets([{ name: "x/print.css", origin: "author", text: css }]));
  const find = (node: Element, id: string): Element | undefined => {
    if (node.attrs.some((a) => a.name === "id" && a.value === id)) return node;
    for (const child of node.childNodes) if ("tagName" in child) return find(child, id) ?? undefined;
    return undefined;
  };
  const body = root.childNodes.find((n): n is Element => "tagName" in n && n.tagName === "body")!;
  const outer = body.childNodes.find((n): n is Element => "tagName" in n)!;
  return { outer: document.styleOf(outer), box: document.styleOf(find(outer, "box")!) };
}

function problemsOf(css: string): readonly string[] {
  try {
    parseStylesheets([{ name: "x/print.css", origin: "author", text: css }], { wholeDocument: true });
  } catch (error) {
    if (error instanceof StyleError) return error.problems;
    throw error;
  }
  return [];
}

/** Values the PDF draws, in every syntax CSS Color 4 gives an opaque sRGB colour. */
const ACCEPTED = [
  "rebeccapurple",
  "papayawhip",
  "DarkSlateGray",
  "#0b6e69",
  "#c5a",
  "#123f",
  "#0b6e69ff",
  "rgb(11, 110, 105)",
  "rgba(11 110 105 / 1)",
  "rgb(4% 43% 41%)",
  "rgb(11 110 105 / 100%)",
  "hsl(400 50% 50%)",
  "hsl(0.5turn 60% 35%)",
  "hsla(200, 40%, 30%, 1)",
  "hsl(120deg 50 50)",
  "hwb(120 10% 20%)",
  "hwb(300 30% 40%)",
  "oklch(0.6 0.1 150)",
  "lab(50 20 -30)",
  "color(srgb 0.5 0.25 0.75)",
];

/** Values the PDF cannot draw as Chromium does, and the words that say why. */
const REFUSED: [value: string, why: RegExp][] = [
  ["transparent", /has alpha 0: the PDF draws opaque colours only/],
  ["hsl(400 50% 50% / 0.5)", /has alpha 0\.5: the PDF draws opaque colours only/],
  ["rgba(0, 0, 0, 0.25)", /has alpha 0\.25/],
  ["#0b6e6980", /has alpha 0\.502/],
  ["#1234", /has alpha 0\.267/],
  ["#12345", /is not a colour: a hex colour has 3, 4, 6 or 8 digits, not 5;/],
  ["#ggg", /is not a colour: a hex colour is written with the digits 0-9 and a-f, not "g";/],
  ["#12x4zz", /is not a colour: a hex colour is written with the digits 0-9 and a-f, not "x", "z";/],
  ["color-mix(in srgb, red, blue)", /color-mix\(\) is not supported/],
  ["light-dark(red, blue)", /light-dark\(\) is not supported/],
  ["rgb(from red r g b)", /is a relative colour/],
  ["oklch(0.7 0.4 30)", /lies outside sRGB/],
  ["color(display-p3 1 0 0)", /lies outside sRGB/],
  ["rgb(255, 0 0)", /is not a colour;/],
  ["reddish", /is not a colour;/],
  ["canvastext", /is a system colour, which a browser takes from its platform's theme/],
  ["Canvas", /is a system colour/],
];

const COLOUR_PROPERTIES = ["color", "background-color", "border-top-color", "border-inline-start-color", "border", "border-color"];

describe("colours the PDF draws compute as Chromium paints them", () => {
  let launched: LaunchedBrowser | undefined;
  let chromium: Map<string, string>;
  beforeAll(async () => {
    if (!browserAvailable()) return;
    launched = await launchChromium();
    const page = await launched.browser.newPage();
    // A canvas paints a fill style as the browser paints text and boxes: the colour in 8-bit sRGB.
    const painted = await page.evaluate((values) => {
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 1;
      const context = canvas.getContext("2d")!;
      return values.map((value) => {
        context.fillStyle = "#000000";
        context.fillStyle = value;
        context.fillRect(0, 0, 1, 1);
        return `#${[...context.getImageData(0, 0, 1, 1).data.slice(0, 3)].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
      });
    }, ACCEPTED);
    chromium = new Map(ACCEPTED.map((value, i) => [value, painted[i]!]));
  });
  afterAll(() => launched?.close());

  it.each(ACCEPTED)("%s", (value) => {
    if (!launched) return;
    const expected = chromium.get(value)!;
    // Not black: each value is a colour of its own, so a value read as the default would fail.
    expect(expected).not.toBe("#000000");
    const { box } = computed(`#box { color: ${value}; background-color: ${value}; border: 1pt solid ${value}; border-inline-start-color: ${value} }`);
    expect([box.color, box.backgroundColor, box.borderTopColor, box.borderLeftColor]).toEqual([expected, expected, expected, expected]);
  });

  it("currentcolor is the element's colour, inherited on an inline element", () => {
    const { outer, box } = computed(
      "#outer { color: rebeccapurple; border: 1pt solid currentcolor } #box { border-bottom: 1pt solid currentColor; background-color: currentcolor }",
    );
    expect(outer.borderTopColor).toBe("#663399");
    expect([box.color, box.borderBottomColor, box.backgroundColor]).toEqual(["#663399", "#663399", "#663399"]);
  });
});

describe("colours the PDF cannot draw are refused at load, with the sheet, line, column and property", () => {
  // background-color: transparent is no background, which both editions draw alike (tested below).
  const cases = REFUSED.flatMap(([value, why]) =>
    COLOUR_PROPERTIES.filter((property) => !(value === "transparent" && property === "background-color")).map((property) => [value, property, why] as const),
  );

  it.each(cases)("%s as %s, on an inline and a block element, written and through var()", (value, property, why) => {
    const written = property === "border" ? `1pt solid ${value}` : value;
    const css = [`strong {\n  ${property}: ${written};\n}`, `:root { --ink: ${value}; }`, `.note p { margin: 0; ${property}: var(--ink) }`].join("\n");
    const problems = problemsOf(css);
    // The declaration's value starts after "  property: " on line 2, and after ".note p { margin: 0; property: " on line 5.
    const quoted = value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^x/print\\.css line 2, column ${property.length + 5}, selector strong, property ${property}: "[^"]*"`)),
      expect.stringMatching(new RegExp(`^x/print\\.css line 5, column ${`.note p { margin: 0; ${property}: `.length + 1}, selector \\.note p, property ${property}: `)),
    ]);
    for (const problem of problems) {
      expect(problem).toMatch(why);
      expect(problem).toMatch(/; expected an opaque colour \(#rgb, #rrggbb, rgb\(\), hsl\(\), hwb\(\), a CSS named colour, currentcolor;/);
    }
    expect(problems[1]).toMatch(new RegExp(`\\(through --ink is ${quoted} \\(x/print\\.css line 4, selector :root\\)\\)$`));
  });

  it("background-color: transparent stays the absence of a background", () => {
    expect(computed("#box { background-color: transparent }").box.backgroundColor).toBeNull();
  });
});

describe("a template with a colour the PDF cannot draw does not load, for either edition", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "letterpress-colours-"));
    cpSync(TEMPLATES_DIR, join(root, "templates"), { recursive: true });
    appendFileSync(join(root, "templates", SEED_TEMPLATE, "print.css"), "\nstrong { color: hsl(400 50% 50% / 0.5); }\n");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("the renderer refuses it before any document", async () => {
    const error = await createRenderer({ templatesDir: join(root, "templates"), paper: "A4" }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(StyleError);
    expect((error as StyleError).problems).toEqual([
      expect.stringMatching(/print\.css line \d+, column 17, selector strong, property color: "hsl\(400 50% 50% \/ 0\.5\)" has alpha 0\.5/),
    ]);
  });

  it("npm run generate --format html names the file, line and column", async () => {
    const lines = readFileSync(join(root, "templates", SEED_TEMPLATE, "print.css"), "utf8").split("\n");
    const line = lines.findIndex((text) => text.startsWith("strong { color: hsl(")) + 1;
    const out = join(root, "out");
    const result = await new Promise<{ code: number; stderr: string; stdout: string }>((resolve) => {
      execFile(
        join(REPO, "node_modules/.bin/tsx"),
        [join(REPO, "local/cli.ts"), "generate", "--format", "html", "--letter", "unsc-dprk-2015", "--locale", "en", "--templates", join(root, "templates"), "--out", out],
        { cwd: REPO },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    const said = `${result.stdout}\n${result.stderr}`;
    expect(said).toContain(`${SEED_TEMPLATE}/print.css line ${line}, column 17, selector strong, property color: "hsl(400 50% 50% / 0.5)" has alpha 0.5`);
  });
});

it("the PDF fills text and boxes with the colours computed (read back from its content streams)", async () => {
  const css = `${readFileSync(join(TEMPLATES_DIR, "un-security-council", "print.css"), "utf8")}\nh1 { color: rebeccapurple; background-color: hsl(400 50% 50%); }\n`;
  const file = toFile(await renderPdf(fixture("letter-en.html"), options("en", { stylesheets: stylesheetsFor("en", "A4", css) })));
  const out = `${file}.qdf`;
  run("qpdf", ["--qdf", "--object-streams=disable", file, out]);
  const content = readFileSync(out, "latin1");
  // #663399 and #bf9540, each channel over 255, as the writer writes them.
  expect(content).toMatch(/\b0\.4 0\.2 0\.6 rg\b/);
  expect(content).toMatch(/\b0\.749\d* 0\.584\d* 0\.25\d* rg\b/);
});
