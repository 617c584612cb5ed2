import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { TEMPLATES_DIR } from "../support/letters";

/**
 * Every text colour of every shipped template's stylesheet against every background it declares (and
 * the white page) reaches WCAG AA, 4.5:1 (fresh user 9, item 11: the committee letter's h2, #c2571a on
 * white, was 4.49:1). All pairs, not only the rules' own: a colour may end up on any of the sheet's
 * backgrounds (a heading in a tinted notice). The sheet is the one both editions read (print.css).
 */
const AA = 4.5;
const SHIPPED = readdirSync(TEMPLATES_DIR).filter((name) => statSync(join(TEMPLATES_DIR, name)).isDirectory() && readdirSync(join(TEMPLATES_DIR, name)).includes("print.css"));

/** WCAG 2.2 relative luminance of #rgb or #rrggbb. */
function luminance(hex: string): number {
  const full = hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join("")}` : hex;
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(full.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)) as [
    number,
    number,
    number,
  ];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** The sheet's text colours and backgrounds, custom properties resolved; any colour that is not hex fails the test by name. */
function coloursOf(css: string, file: string): { texts: Map<string, string>; backgrounds: Map<string, string> } {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, "");
  const properties = new Map([...text.matchAll(/(--[\w-]+)\s*:\s*([^;}]+)/g)].map(([, name, value]) => [name as string, (value as string).trim()]));
  const resolve = (value: string, where: string): string | null => {
    const resolved = value.trim().replace(/var\((--[\w-]+)\)/g, (_, name: string) => properties.get(name) ?? `<undefined ${name}>`);
    if (/^(?:inherit|currentcolor|transparent|initial|unset)$/i.test(resolved)) return null;
    if (!/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(resolved)) throw new Error(`${file}: ${where}: "${value.trim()}" is not a #hex colour this test can check; write it as #rrggbb`);
    return resolved.toLowerCase();
  };
  const texts = new Map<string, string>();
  const backgrounds = new Map<string, string>([["#ffffff", "the page"]]);
  for (const [declaration, value] of text.matchAll(/(?<![\w-])color\s*:\s*([^;}]+)/g)) {
    const colour = resolve(value as string, declaration.trim());
    if (colour) texts.set(colour, declaration.trim());
  }
  for (const [declaration, value] of text.matchAll(/(?<![\w-])background(?:-color)?\s*:\s*([^;}]+)/g)) {
    const colour = resolve(value as string, declaration.trim());
    if (colour) backgrounds.set(colour, declaration.trim());
  }
  return { texts, backgrounds };
}

describe("text contrast of the shipped templates' stylesheets", () => {
  it("finds the shipped templates", () => {
    expect(SHIPPED).toEqual(expect.arrayContaining(["parliamentary-committee", "un-security-council"]));
  });

  it.each(SHIPPED)("templates/%s/print.css: every text colour on every background is at least 4.5:1", (template) => {
    const file = `templates/${template}/print.css`;
    const { texts, backgrounds } = coloursOf(readFileSync(join(TEMPLATES_DIR, template, "print.css"), "utf8"), file);
    expect(texts.size).toBeGreaterThan(0);
    const below: string[] = [];
    for (const [text, where] of texts)
      for (const [background, on] of backgrounds) {
        const ratio = contrast(text, background);
        if (ratio < AA) below.push(`${file}: ${where} on ${on}: ${ratio.toFixed(2)}:1, below ${AA}:1`);
      }
    expect(below).toEqual([]);
  });

  it("measures as WCAG does: the old committee h2 colour, #c2571a on white, is 4.49:1 (below AA) and black on white 21:1", () => {
    expect(contrast("#c2571a", "#ffffff")).toBeCloseTo(4.49, 2);
    expect(contrast("#000", "#fff")).toBeCloseTo(21, 5);
  });
});
