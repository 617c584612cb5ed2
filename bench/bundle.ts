import { build } from "esbuild";
import { copyFile, cp, mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BUNDLE_FILES } from "../functions/fonts/font-files";
import { HYPHENATION_BUNDLE_FOLDER, hyphenationDir } from "../functions/hyphenation/hyphenation-files";
import { assetPath } from "../functions/fonts/load-font-library";
import { BENCH_LETTER_ID } from "./workload";
import { LAMBDA_BUNDLE } from "../infra/bundling/lambda-bundle";
import { PREPARED_TEMPLATES_FILE, writePreparedTemplates } from "../infra/bundling/prepare-templates";
import { SNAPSHOT_BUNDLE } from "../functions/render/runtime/snapshot-bundling";
import { SNAPSHOT_ENV } from "../functions/render/runtime/snapshot-env";
import { RENDER_NODE_OPTIONS } from "../functions/render/node-options";
import { spawn } from "node:child_process";

export const REPO_ROOT = resolve(__dirname, "..");

/** The bench's code bundled as the render Lambda is, with its assets beside it. */
export interface Bundle {
  dir: string;
  renderEntry: string;
  batchWorker: string;
  /** The bundled snapshot entry (bench/entry/snapshot-entry.ts): `node --build-snapshot` runs it (buildSnapshot). */
  snapshotEntry: string;
  templatesDir: string;
  fontDir: string;
  dataDir: string;
  /** Bytes of each bundled file, the real handler's included for reference. */
  sizes: { renderEntry: number; batchWorker: number; handler: number };
  remove(): Promise<void>;
}

/**
 * Bundles the bench's snapshot entry into `dir` (snapshot-entry.js) as the custom runtime's is
 * bundled (LAMBDA_BUNDLE with SNAPSHOT_BUNDLE: what a snapshot build needs); with `sourcemap`, a
 * source map beside it for profiles.
 */
export async function bundleSnapshotEntry(dir: string, options: { sourcemap?: boolean } = {}): Promise<void> {
  await build({
    entryPoints: { "snapshot-entry": join(REPO_ROOT, "bench/entry/snapshot-entry.ts") },
    outdir: dir,
    bundle: true,
    ...LAMBDA_BUNDLE,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    ...SNAPSHOT_BUNDLE,
    sourcemap: options.sourcemap ?? false,
    logLevel: "error",
  });
}

/**
 * Bundles the bench entries (and functions/render/handler.ts, for its size) with esbuild as a
 * Lambda deployment does (LAMBDA_BUNDLE: platform node, target node22, CommonJS, ES builds of
 * packages preferred, minified, every dependency inlined). Templates, the flat font folder (BUNDLE_FILES) and the bench letter's data are copied
 * beside the bundle, so a spawned process reads nothing from the repository.
 */
export async function buildBundle(): Promise<Bundle> {
  const dir = await mkdtemp(join(tmpdir(), "letterpress-bench-"));
  try {
    await build({
      entryPoints: {
        "render-entry": join(REPO_ROOT, "bench/entry/render-entry.ts"),
        "batch-worker": join(REPO_ROOT, "bench/entry/batch-worker.ts"),
        handler: join(REPO_ROOT, "functions/render/handler.ts"),
      },
      outdir: dir,
      bundle: true,
      ...LAMBDA_BUNDLE,
      mainFields: [...LAMBDA_BUNDLE.mainFields],
      // Beside the bundle, read only by the cold-start profile; node does not load it (no --enable-source-maps).
      sourcemap: true,
      logLevel: "error",
    });
    await bundleSnapshotEntry(dir);
    const templatesDir = join(dir, "templates");
    const fontDir = join(dir, "fonts");
    const dataDir = join(dir, "data");
    await cp(join(REPO_ROOT, "templates"), templatesDir, { recursive: true });
    // Templates precompiled and stylesheets and messages parsed at bundling time, beside the code, as infra ships them.
    await writePreparedTemplates(templatesDir, join(dir, PREPARED_TEMPLATES_FILE));
    await mkdir(fontDir);
    await Promise.all(BUNDLE_FILES.map((file) => copyFile(assetPath(file), join(fontDir, file.fileName))));
    await cp(join(REPO_ROOT, "data", BENCH_LETTER_ID), join(dataDir, BENCH_LETTER_ID), { recursive: true });
    // The hyphenation patterns beside the code, as infra copies them into the render function's bundle.
    await cp(hyphenationDir(), join(dir, HYPHENATION_BUNDLE_FOLDER), { recursive: true });
    const size = async (name: string) => (await stat(join(dir, name))).size;
    return {
      dir,
      renderEntry: join(dir, "render-entry.js"),
      batchWorker: join(dir, "batch-worker.js"),
      snapshotEntry: join(dir, "snapshot-entry.js"),
      templatesDir,
      fontDir,
      dataDir,
      sizes: { renderEntry: await size("render-entry.js"), batchWorker: await size("batch-worker.js"), handler: await size("handler.js") },
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** A V8 startup snapshot of the bench's render code, built beside its bundle. */
export interface Snapshot {
  blob: string;
  bytes: number;
  /** Wall time of `node --build-snapshot`, for the table (a build step, not part of a cold start). */
  buildMs: number;
}

/**
 * Builds the startup snapshot of `bundle.snapshotEntry` with the node that runs the bench: a blob
 * loads only in the node binary (version, architecture, V8 flags) that wrote it, so it is built with
 * the render function's NODE_OPTIONS, as the processes that start from it run.
 */
export async function buildSnapshot(bundle: Bundle): Promise<Snapshot> {
  const blob = join(bundle.dir, "render.blob");
  const started = performance.now();
  const stderr: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ["--snapshot-blob", blob, "--build-snapshot", bundle.snapshotEntry], {
      cwd: bundle.dir,
      env: { ...process.env, NODE_OPTIONS: RENDER_NODE_OPTIONS, [SNAPSHOT_ENV.assetsDir]: bundle.dir },
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", resolve);
  });
  const buildMs = performance.now() - started;
  if (code !== 0) throw new Error(`node --build-snapshot ${bundle.snapshotEntry} exited with ${code}:\n${Buffer.concat(stderr).toString("utf8").slice(-2000)}`);
  return { blob, bytes: (await stat(blob)).size, buildMs };
}
