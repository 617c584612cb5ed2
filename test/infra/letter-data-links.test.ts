import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, AssetStaging, Stack } from "aws-cdk-lib";
import { symbolicLinksUnder } from "../../infra/letter-data-links";

/**
 * The deployment copies data/ as the local readers read it: a symbolic link, which they skip with a
 * warning, is left out of the data asset, which would otherwise carry it (and the upload what it points at).
 */
describe("the letter data asset leaves symbolic links out", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "letterpress-data-links-"));
    mkdirSync(join(root, "elsewhere"));
    writeFileSync(join(root, "elsewhere", "fr.json"), "{}");
    const data = join(root, "data");
    mkdirSync(join(data, "letter [draft]"), { recursive: true });
    writeFileSync(join(data, "letter [draft]", "en.json"), "{}");
    symlinkSync(join(root, "elsewhere", "fr.json"), join(data, "letter [draft]", "fr.json"));
    symlinkSync(join(root, "elsewhere"), join(data, "linked-letter"));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("lists every link under the folder, as literal globs", () => {
    expect(symbolicLinksUnder(join(root, "data"))).toEqual(["letter \\[draft\\]/fr.json", "linked-letter"]);
  });

  it("stages the regular files only", () => {
    const app = new App({ outdir: join(root, "cdk.out") });
    const stack = new Stack(app, "Probe");
    const staged = new AssetStaging(stack, "Data", { sourcePath: join(root, "data"), exclude: symbolicLinksUnder(join(root, "data")) });
    const at = staged.absoluteStagedPath;
    expect(readdirSync(at).sort()).toEqual(["letter [draft]"]);
    expect(readdirSync(join(at, "letter [draft]"))).toEqual(["en.json"]);
    expect(existsSync(join(at, "linked-letter"))).toBe(false);
  });

  it("keeps the link in the asset without the exclusion (why it is needed: the upload then carries fr.json)", () => {
    const app = new App({ outdir: join(root, "cdk.out-unfiltered") });
    const staged = new AssetStaging(new Stack(app, "Probe"), "Data", { sourcePath: join(root, "data") });
    expect(readdirSync(join(staged.absoluteStagedPath, "letter [draft]")).sort()).toEqual(["en.json", "fr.json"]);
  });
});
