import { resolveImage, type TemplateAssets } from "../../../functions/core/images/image-source";

/**
 * Fresh user 9, item 9: an SVG with `onload="alert(1)"` was accepted though VOCABULARY.md says scripts
 * are refused, and one with an internal DTD was refused as "not a PNG, JPEG or SVG image". Each
 * scripting form is refused naming the file, the element and the attribute; a DTD is named as such.
 */
const FOLDER = "templates/mine";
const file = `${FOLDER}/assets/logo.svg`;
const problemsOf = (svg: string): string[] => {
  const assets: TemplateAssets = { folder: FOLDER, files: new Map([["assets/logo.svg", { bytes: new TextEncoder().encode(svg) }]]) };
  try {
    resolveImage("assets/logo.svg", assets, "letter.hbs line 1: <img>");
  } catch (error) {
    return (error as Error).message.split("\n");
  }
  return [];
};
const SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"';

describe("an SVG that would run a script", () => {
  it.each([
    [
      `${SVG_OPEN} onload="alert(1)"><path d="M0 0h1v1z"/></svg>`,
      /^templates\/mine\/assets\/logo\.svg: an SVG that has an event handler: <svg onload="\.\.\."> would run a script/,
    ],
    [`${SVG_OPEN}><path d="M0 0h1v1z" ONCLICK='x()'/></svg>`, /: an SVG that has an event handler: <path ONCLICK="\.\.\.">/],
    [`${SVG_OPEN}><g title="a > b" onmouseover=steal()><path d="M0 0h1v1z"/></g></svg>`, /: an SVG that has an event handler: <g onmouseover="\.\.\.">/],
    [`${SVG_OPEN}><a href="javascript:alert(1)"><path d="M0 0h1v1z"/></a></svg>`, /: an SVG that has a script address: <a href="javascript:alert\(1\)">/],
    [`${SVG_OPEN}><a xlink:href=" java&#x09;script&colon;alert(1)"><path d="M0 0h1v1z"/></a></svg>`, /: an SVG that has a script address: <a xlink:href="javascript:alert\(1\)">/],
    [`${SVG_OPEN}><a href="#x"><set attributeName="href" to="javascript:alert(1)"/></a></svg>`, /: an SVG that has a script address: <set to="javascript:alert\(1\)">/],
    [`${SVG_OPEN}><a href="#x"><animate attributeName="onclick" values="x()"/></a></svg>`, /: an SVG that animates onclick: <animate attributeName="onclick">/],
    [`${SVG_OPEN}><script>alert(1)</script></svg>`, /: an SVG that has a <script>/],
  ])("refuses %s naming the file, element and attribute", (svg, expected) => {
    const problems = problemsOf(svg);
    expect(problems.some((problem) => expected.test(problem) && problem.startsWith(`${file}: `))).toBe(true);
  });

  it("accepts attributes that only look alike (an id 'onion', a fill with 'javascript' in an id reference)", () => {
    expect(problemsOf(`${SVG_OPEN}><path id="onion" d="M0 0h1v1z" fill="url(#javascript)"/><g class="onload"/></svg>`)).toEqual([]);
  });
});

describe("an SVG with a DTD", () => {
  const withEntities = `<?xml version="1.0"?>\n<!DOCTYPE svg [\n  <!ENTITY lol "lol">\n  <!ENTITY lol2 "&lol;&lol;&lol;">\n]>\n${SVG_OPEN}><path d="M0 0h1v1z"/></svg>`;

  it("is refused for its internal DTD and entities, not as 'not a PNG, JPEG or SVG image'", () => {
    const problems = problemsOf(withEntities);
    expect(problems.join("\n")).not.toMatch(/not a PNG, JPEG or SVG/);
    expect(problems).toEqual([
      `${file}: an SVG that has an internal DTD (<!DOCTYPE ... [ ... ]>); remove it: an image needs no DTD`,
      `${file}: an SVG that declares XML entities (<!ENTITY>), which can expand without bound or reach other files; remove them`,
    ]);
  });

  it("is refused for its DTD when the DTD is longer than the 4 KB the format is sniffed from", () => {
    const long = `<!DOCTYPE svg [\n${'  <!ENTITY e "x">\n'.repeat(400)}]>\n${SVG_OPEN}><path d="M0 0h1v1z"/></svg>`;
    expect(problemsOf(long)[0]).toBe(`${file}: an SVG that has an internal DTD (<!DOCTYPE ... [ ... ]>); remove it: an image needs no DTD`);
  });

  it("with an external DOCTYPE only and no subset still resolves (the SVG 1.1 public identifier is harmless)", () => {
    const svg = `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n${SVG_OPEN}><path d="M0 0h1v1z"/></svg>`;
    expect(problemsOf(svg)).toEqual([]);
  });
});
