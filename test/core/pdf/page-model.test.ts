import { readFileSync } from "node:fs";
import { join } from "node:path";
import { importGraph } from "../../support/import-graph";
import { REPO } from "../../support/letters";

/** The module specifiers a source file imports, type-only imports included (a bundler's graph erases those). */
function importsOf(file: string): string[] {
  const source = readFileSync(join(REPO, file), "utf8");
  return [...source.matchAll(/^(?:import|export)\b[^;]*?from\s+"([^"]+)"/gms)].map((match) => match[1]!);
}

/**
 * The page model is the data between layout and writer: the writer, and the page model itself,
 * depend on it, not on the layout (issue 16 item 4).
 */
describe("page model", () => {
  it.each(["functions/core/pdf/pdf-writer.ts", "functions/core/pdf/page-model.ts", "functions/core/pdf/image-drawing.ts"])(
    "%s does not import the layout, not even its types",
    (file) => {
      const imports = importsOf(file);
      expect(imports.length).toBeGreaterThan(0);
      expect(imports.filter((specifier) => /(^|\/)layout$/.test(specifier))).toEqual([]);
    },
  );

  it("the writer's runtime import graph does not reach the layout", async () => {
    const { sources } = await importGraph(["functions/core/pdf/pdf-writer.ts"]);
    expect(sources).toContain("functions/core/pdf/pdf-writer.ts");
    expect(sources).not.toContain("functions/core/pdf/layout.ts");
  });

  it("layout.ts re-exports nothing of the page model", () => {
    const source = readFileSync(join(REPO, "functions/core/pdf/layout.ts"), "utf8");
    expect(source).not.toMatch(/^export\s+(type\s+)?\{[^}]*\}\s+from/m);
    expect(source).not.toMatch(/^export\s+(interface|type)\s+(StructNode|PlacedLine|PlacedRule|PlacedImage|PageItem|Page|PageGeometry)\b/m);
  });
});
