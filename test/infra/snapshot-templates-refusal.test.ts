import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { PREPARED_TEMPLATES_FILE } from "../../infra/bundling/prepare-templates";
import { prepareTemplatesBeside } from "../../infra/bundling/snapshot/render-snapshot-bundle";
import { TEMPLATES_DIR } from "../support/letters";

/**
 * The snapshot synth refusing a broken template (issue 13): its error named the copy of the templates
 * in the asset folder (`cdk.out/asset.…/templates/my-org/…`), which the author never edits, and said
 * only that "preparing the templates … failed". It names the folder the copy was made from, and what to do.
 */
jest.setTimeout(120_000);

it("names the templates folder the author edits, not the asset copy, and says what to do", () => {
  const work = mkdtempSync(join(tmpdir(), "lp-snapshot-refusal-"));
  try {
    const source = join(work, "my-templates");
    cpSync(TEMPLATES_DIR, source, { recursive: true });
    writeFileSync(join(source, "un-security-council", "messages", "vi.json"), JSON.stringify({ "footer.page": "{page, plural, one {# x} other {# y}}" }));
    const output = join(work, "asset.0123abcd");
    cpSync(source, join(output, "templates"), { recursive: true });
    let message = "";
    try {
      prepareTemplatesBeside(output, [{ from: source, to: "templates" }]);
    } catch (error) {
      message = (error as Error).message;
    }
    const named = relative(process.cwd(), source);
    expect(message).toContain(`${named} has problems the render function would refuse`);
    expect(message).toContain(`Fix them in ${named} (\`npm run generate -- --format html\` lists the same problems), then run the synth again`);
    expect(message).toMatch(new RegExp(`${named.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/un-security-council/messages/vi\\.json`));
    expect(message).not.toContain("asset.0123abcd");
    expect(existsSync(join(output, PREPARED_TEMPLATES_FILE))).toBe(false);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
