import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TEMPLATES_DIR } from "../support/letters";

/**
 * Every `<abbr>` of the shipped templates says what it abbreviates (fresh user 9, item 11: the
 * signatories' `<abbr>` had no title, which a screen reader and a hover then cannot expand).
 */
const templateFiles = readdirSync(TEMPLATES_DIR, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".hbs"));

describe("<abbr> in the shipped templates", () => {
  it("finds the templates' .hbs files, some with an <abbr>", () => {
    expect(templateFiles.filter((file) => /<abbr\b/i.test(readFileSync(join(TEMPLATES_DIR, file), "utf8"))).length).toBeGreaterThanOrEqual(2);
  });

  it("gives every <abbr> a non-empty title", () => {
    const untitled = templateFiles.flatMap((file) =>
      [...readFileSync(join(TEMPLATES_DIR, file), "utf8").matchAll(/<abbr\b[^>]*>/gi)].filter(([tag]) => !/\stitle="[^"]+"/.test(tag)).map(([tag]) => `templates/${file}: ${tag}`),
    );
    expect(untitled).toEqual([]);
  });
});
