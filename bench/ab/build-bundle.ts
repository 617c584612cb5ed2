/**
 * Builds the bench's bundle (bench/bundle.ts: the render entry bundled as the Lambda is, with its
 * assets beside it) of a repository tree into a folder that stays, for A/B cold starts
 * (bench/ab/cold-ab.ts). `--root` picks the tree: this worktree by default, or an unpacked older
 * commit (`git archive <commit> | tar -x -C DIR`, node_modules linked in) for the "before" side.
 *
 *   npx tsx bench/ab/build-bundle.ts --out /tmp/ab/after [--root /tmp/ab/base-src]
 */
import { cp, rm } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { root: { type: "string" }, out: { type: "string" } } });
  if (!values.out) throw new Error("usage: build-bundle.ts --out DIR [--root REPO]");
  const root = resolve(values.root ?? resolve(__dirname, "..", ".."));
  const { buildBundle } = (await import(resolve(root, "bench/bundle.ts"))) as typeof import("../bundle");
  const bundle = await buildBundle();
  const out = resolve(values.out);
  await rm(out, { recursive: true, force: true });
  await cp(bundle.dir, out, { recursive: true });
  await bundle.remove();
  process.stdout.write(`${JSON.stringify({ root, out, sizes: bundle.sizes })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`build-bundle: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
