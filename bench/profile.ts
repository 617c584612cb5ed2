import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { SourceMap } from "node:module";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { LocaleId } from "../functions/core/locales";
import { build } from "esbuild";
import { LAMBDA_BUNDLE } from "../infra/bundling/lambda-bundle";
import { type Bundle, REPO_ROOT } from "./bundle";
import type { RenderEntryArgs, WarmReport } from "./entry/render-entry";
import type { WarmCounts } from "./measure-ours";
import { assertExited, lastJsonLine, runNode } from "./processes";

/** The parts of a V8 .cpuprofile (as `node --cpu-prof` writes it) the summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number } }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  ms: number;
  /** Share of the window's sampled time (idle excluded). */
  share: number;
}

export interface ProfileFunction extends ProfileEntry {
  location: string;
  category: string;
}

export interface ProfileSummary {
  locale: LocaleId;
  /** Sampled time inside the warm loop, idle excluded. */
  totalMs: number;
  documents: number;
  categories: ProfileEntry[];
  functions: ProfileFunction[];
}

/**
 * Where a frame's code lives: a package under node_modules, a file of ours, a Node built-in, or V8
 * itself. Native work (zlib's deflate, a regexp) is charged to the JavaScript frame that called it.
 */
export function categorize(url: string, functionName: string): string {
  if (url === "") {
    if (functionName === "(garbage collector)") return "V8: garbage collector";
    if (functionName === "(program)") return "V8: (program) native, outside any JS frame";
    return `V8: ${functionName || "(anonymous native)"}`;
  }
  const path = url.replace(/^file:\/\//, "");
  const packageMatch = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (packageMatch) return `npm: ${packageMatch[1]}`;
  if (url.startsWith("node:zlib")) return "node: zlib (deflate)";
  if (url.startsWith("node:")) return `node: ${url.slice("node:".length).replace(/^internal\//, "internal/")}`;
  const local = relative(REPO_ROOT, path);
  if (!local.startsWith("..")) return `ours: ${local}`;
  return path;
}

type CallFrame = CpuProfile["nodes"][number]["callFrame"];

export interface SummarizeOptions {
  /** Only samples inside this window (monotonic microseconds); the whole profile when absent. */
  window?: { startUs: number; endUs: number };
  /** Maps a frame of generated code back to its source (a bundle's source map). */
  resolveFrame?: (frame: CallFrame) => CallFrame;
  /** Whether line numbers are reliable enough to print (true for a bundle read through its source map). */
  withLines?: boolean;
  top?: number;
}

/** Self time by category and by function. */
export function summarizeProfile(profile: CpuProfile, locale: LocaleId, documents: number, options: SummarizeOptions = {}): ProfileSummary {
  const window = options.window ?? { startUs: -Infinity, endUs: Infinity };
  const resolveFrame = options.resolveFrame ?? ((frame: CallFrame) => frame);
  const frames = new Map(profile.nodes.map((node) => [node.id, resolveFrame(node.callFrame)]));
  const selfUs = new Map<number, number>();
  let time = profile.startTime;
  for (const [index, nodeId] of profile.samples.entries()) {
    time += profile.timeDeltas[index] ?? 0;
    const next = profile.timeDeltas[index + 1] ?? 0;
    if (time < window.startUs || time > window.endUs) continue;
    selfUs.set(nodeId, (selfUs.get(nodeId) ?? 0) + next);
  }
  const byCategory = new Map<string, number>();
  const byFunction = new Map<string, ProfileFunction>();
  let totalUs = 0;
  for (const [nodeId, us] of selfUs) {
    const frame = frames.get(nodeId);
    if (!frame || frame.functionName === "(idle)" || frame.functionName === "(root)") continue;
    totalUs += us;
    const category = categorize(frame.url, frame.functionName);
    byCategory.set(category, (byCategory.get(category) ?? 0) + us);
    const file = frame.url === "" ? "" : relative(REPO_ROOT, frame.url.replace(/^file:\/\//, ""));
    // tsx's transform moves lines: without a source map only names and files are reliable.
    const location = file === "" ? "(native)" : `${file.startsWith("..") ? frame.url : file}${options.withLines ? `:${frame.lineNumber + 1}` : ""}`;
    const key = `${frame.functionName}@${location}`;
    const entry = byFunction.get(key) ?? { name: frame.functionName || "(anonymous)", location, category, ms: 0, share: 0 };
    entry.ms += us / 1000;
    byFunction.set(key, entry);
  }
  const share = (us: number) => (totalUs > 0 ? us / totalUs : 0);
  return {
    locale,
    totalMs: totalUs / 1000,
    documents,
    categories: [...byCategory].map(([name, us]) => ({ name, ms: us / 1000, share: share(us) })).sort((a, b) => b.ms - a.ms),
    functions: [...byFunction.values()]
      .map((entry) => ({ ...entry, share: share(entry.ms * 1000) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, options.top ?? 15),
  };
}

/**
 * Profiles the warm PDF loop of one language: the render entry bundled as the Lambda is
 * (LAMBDA_BUNDLE) but not minified, so frames keep their function names, with a source map that
 * maps them back to their files and lines; run under `node --cpu-prof`, sampling every 100 µs, and
 * only the samples of the measured loop summarized. Not through tsx: its keepNames transform wraps
 * every nested function in a `__name` call made each time the function is created (0.4-0.8 ms of a
 * warm letter charged to pdf-writer.ts), and its CommonJS interop turns each access to an ES
 * module's export into a getter call (parse5's `get`); neither is in the deployed bundle.
 */
export async function profileLocale(locale: LocaleId, counts: WarmCounts): Promise<ProfileSummary> {
  const dir = await mkdtemp(join(tmpdir(), "letterpress-profile-"));
  try {
    const script = join(dir, "render-entry.js");
    await build({
      entryPoints: { "render-entry": join(REPO_ROOT, "bench/entry/render-entry.ts") },
      outdir: dir,
      bundle: true,
      ...LAMBDA_BUNDLE,
      mainFields: [...LAMBDA_BUNDLE.mainFields],
      minify: false,
      sourcemap: true,
      logLevel: "error",
    });
    const args: RenderEntryArgs = { mode: "profile", locale, templatesDir: join(REPO_ROOT, "templates"), dataDir: join(REPO_ROOT, "data"), ...counts };
    // The bundle sits outside the tree: packages it resolves at run time (fonts, patterns) come from the tree's node_modules.
    const run = await runNode(script, args, {
      nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-interval=100"],
      cwd: REPO_ROOT,
      env: { NODE_PATH: join(REPO_ROOT, "node_modules") },
    });
    assertExited(run, `profile ${locale}`);
    const report = lastJsonLine<WarmReport>(run.stdout.toString("utf8"), `profile ${locale}`);
    const profile = await readProfile(dir, `profile ${locale}`);
    return summarizeProfile(profile, locale, counts.iterations, { window: report.window, withLines: true, resolveFrame: await sourceMapped(script, dir, { keepNames: true }) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Maps a frame of a bundle back to its source through the bundle's source map (`${script}.map`).
 * With `keepNames` (a bundle that is not minified) the frame's own function name is kept; else the
 * map's name where Node gives one, the minified name otherwise (the file and line then say where).
 */
async function sourceMapped(script: string, dir: string, options: { keepNames: boolean }): Promise<(frame: CallFrame) => CallFrame> {
  const map = new SourceMap(JSON.parse(await readFile(`${script}.map`, "utf8")));
  const scriptUrl = pathToFileURL(script).href;
  return (frame) => {
    if (frame.url !== scriptUrl && frame.url !== script) return frame;
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber ?? 0);
    // Node 20 answers {} for a position without a mapping, and may leave the source out.
    if (!("originalSource" in entry) || typeof entry.originalSource !== "string") return frame;
    const source = entry.originalSource.startsWith("file://") ? entry.originalSource : pathToFileURL(resolve(dir, entry.originalSource)).href;
    const name = options.keepNames ? frame.functionName : ((entry as { name?: string }).name ?? frame.functionName);
    return { functionName: name, url: source, lineNumber: entry.originalLine };
  };
}

async function readProfile(dir: string, what: string): Promise<CpuProfile> {
  const file = (await readdir(dir)).find((name) => name.endsWith(".cpuprofile"));
  if (!file) throw new Error(`${what}: node wrote no .cpuprofile`);
  return JSON.parse(await readFile(join(dir, file), "utf8")) as CpuProfile;
}

/**
 * Profiles one cold start of the bundled render code (process start to the first PDF written), and
 * maps the minified bundle's frames back to their sources through the bundle's source map, so the
 * time is charged to packages and files as in the warm profile.
 */
export async function profileColdStart(bundle: Bundle, locale: LocaleId): Promise<ProfileSummary> {
  const dir = await mkdtemp(join(tmpdir(), "letterpress-profile-"));
  try {
    const args: RenderEntryArgs = { mode: "cold", locale, templatesDir: bundle.templatesDir, fontDir: bundle.fontDir, dataDir: bundle.dataDir };
    const run = await runNode(bundle.renderEntry, args, { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-interval=100"] });
    assertExited(run, `cold profile ${locale}`);
    const profile = await readProfile(dir, `cold profile ${locale}`);
    // Minified names say nothing; the original name when the map has one (newer Node), else the file and line do.
    return summarizeProfile(profile, locale, 1, { withLines: true, resolveFrame: await sourceMapped(bundle.renderEntry, bundle.dir, { keepNames: false }) });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
