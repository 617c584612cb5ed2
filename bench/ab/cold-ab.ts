/**
 * A/B cold starts: bundles built by bench/ab/build-bundle.ts (or one bundle under two settings),
 * spawned in turn, A B A B ..., each a fresh `node` rendering its first PDF (the bench's `cold`
 * mode of render-entry.js). Alternating keeps both sides under the same machine load; the CPU time
 * of each process (user + system, every thread, to its rendered PDF) is the steadier figure.
 *
 *   npx tsx bench/ab/cold-ab.ts --runs 9 --locales en,ar,zh \
 *     --variant before=/tmp/ab/before --variant "after=/tmp/ab/after" \
 *     --variant "semi=/tmp/ab/after|||--min-semi-space-size=4"
 *
 * A variant is `label=bundleDir`, optionally `|NODE_OPTIONS` (the render function's own,
 * functions/render/node-options.ts, when omitted or empty), `|ENV=value,ENV=value` and `|node args`
 * (flags given to node before the script).
 */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { RENDER_NODE_OPTIONS } from "../../functions/render/node-options";
import { summarize } from "../stats";

interface Variant {
  label: string;
  dir: string;
  nodeOptions: string;
  env: Record<string, string>;
  /** Flags before the script on node's command line (V8 flags NODE_OPTIONS refuses, such as --min-semi-space-size). */
  nodeArgs: string[];
}

interface Sample {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  mainStartMs: number;
  rendererReadyMs: number;
  letterLoadedMs: number;
  pdfRenderedMs: number;
  pdfBytes: number;
}

function parseVariant(text: string): Variant {
  const [head = "", nodeOptions, env, nodeArgs] = text.split("|");
  const at = head.indexOf("=");
  if (at <= 0) throw new Error(`--variant ${text}: expected label=bundleDir[|NODE_OPTIONS[|ENV=value,...[|node args]]]`);
  return {
    label: head.slice(0, at),
    dir: resolve(head.slice(at + 1)),
    nodeOptions: nodeOptions || RENDER_NODE_OPTIONS,
    nodeArgs: (nodeArgs ?? "").split(" ").filter(Boolean),
    env: Object.fromEntries(
      (env ?? "")
        .split(",")
        .filter(Boolean)
        .map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
    ),
  };
}

function coldRun(variant: Variant, locale: string): Promise<Sample> {
  const args = {
    mode: "cold",
    locale,
    templatesDir: join(variant.dir, "templates"),
    fontDir: join(variant.dir, "fonts"),
    dataDir: join(variant.dir, "data"),
  };
  return new Promise((resolvePromise, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let firstAt: number | undefined;
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, [...variant.nodeArgs, join(variant.dir, "render-entry.js"), JSON.stringify(args)], {
      env: { ...process.env, NODE_OPTIONS: variant.nodeOptions, ...variant.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (chunk: Buffer) => {
      firstAt ??= performance.now();
      stdout.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const err = Buffer.concat(stderr).toString("utf8");
      const pdf = Buffer.concat(stdout);
      if (code !== 0 || firstAt === undefined || pdf.subarray(0, 5).toString("latin1") !== "%PDF-") {
        reject(new Error(`${variant.label} ${locale}: exited ${code} without a PDF:\n${err.slice(-2000)}`));
        return;
      }
      const line = err
        .trim()
        .split("\n")
        .reverse()
        .find((candidate) => candidate.startsWith("{"));
      if (!line) {
        reject(new Error(`${variant.label} ${locale}: no report:\n${err.slice(-2000)}`));
        return;
      }
      resolvePromise({ wallMs: firstAt - spawnedAt, ...(JSON.parse(line) as Omit<Sample, "wallMs">) });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      variant: { type: "string", multiple: true },
      runs: { type: "string", default: "7" },
      locales: { type: "string", default: "en,ar,zh" },
      json: { type: "string" },
    },
  });
  const variants = (values.variant ?? []).map(parseVariant);
  if (variants.length < 1) throw new Error("at least one --variant label=bundleDir");
  const runs = Number(values.runs);
  const locales = (values.locales ?? "").split(",").filter(Boolean);
  const samples = new Map<string, Sample[]>();
  // One unmeasured start per bundle first: the page cache then holds every side's files alike.
  for (const variant of variants) await coldRun(variant, locales[0] ?? "en");
  for (let run = 0; run < runs; run++) {
    for (const locale of locales) {
      // The order of the variants turns each round, so none always runs right after another.
      const order = variants.map((_, i) => variants[(i + run) % variants.length] as Variant);
      for (const variant of order) {
        const key = `${variant.label}\u0000${locale}`;
        const list = samples.get(key) ?? [];
        list.push(await coldRun(variant, locale));
        samples.set(key, list);
      }
    }
  }
  const rows: Record<string, unknown>[] = [];
  const median = (list: Sample[], pick: (s: Sample) => number) => Math.round(summarize(list.map(pick)).median * 10) / 10;
  for (const locale of locales) {
    for (const variant of variants) {
      const list = samples.get(`${variant.label}\u0000${locale}`) ?? [];
      rows.push({
        locale,
        variant: variant.label,
        runs: list.length,
        wallMs: median(list, (s) => s.wallMs),
        cpuMs: median(list, (s) => s.cpuMs),
        loadedMs: median(list, (s) => s.mainStartMs),
        rendererMs: median(list, (s) => s.rendererReadyMs),
        letterMs: median(list, (s) => s.letterLoadedMs),
        pdfMs: median(list, (s) => s.pdfRenderedMs),
        maxRssMb: Math.round(Math.max(...list.map((s) => s.maxRssKb)) / 1024),
        medianRssMb: Math.round(median(list, (s) => s.maxRssKb) / 1024),
        pdfBytes: list[0]?.pdfBytes,
      });
    }
  }
  const header = Object.keys(rows[0] ?? {});
  process.stdout.write(`| ${header.join(" | ")} |\n|${header.map(() => " --- |").join("")}\n`);
  for (const row of rows) process.stdout.write(`| ${header.map((key) => String(row[key])).join(" | ")} |\n`);
  if (values.json) {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(values.json, JSON.stringify({ when: new Date().toISOString(), variants, runs, rows, samples: Object.fromEntries(samples) }, null, 2));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`cold-ab: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
