import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Metafile } from "esbuild";
import { REPO } from "../support/letters";
import { buildRenderBundle } from "../support/render-bundle";
import { recordFigures } from "./support/figures";

/**
 * What we ship and where it comes from, checked without the network: the lockfile pins every
 * package by content, and the render Lambda's bundle holds production code only.
 * (`npm audit --omit=dev` needs the registry; its last result is in RELIABILITY.md.)
 */

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  link?: boolean;
  inBundle?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const lock = JSON.parse(readFileSync(join(REPO, "package-lock.json"), "utf8")) as { lockfileVersion: number; packages: Record<string, LockEntry> };
const installed = Object.entries(lock.packages).filter(([path]) => path !== "");

/** Packages that must never reach a Lambda: test runners, browsers, CDK, the local S3 server, compilers. */
const DEV_ONLY = [
  "jest",
  "playwright-core",
  "aws-cdk-lib",
  "aws-cdk",
  "cdk-nag",
  "s3rver",
  "typescript",
  "esbuild",
  "@swc/core",
  "tsx",
  "unpdf",
  "html-validate",
  "aws4",
  "patch-package",
];

describe("the lockfile", () => {
  it("is lockfileVersion 3 and lists exactly package.json's dependencies", () => {
    expect(lock.lockfileVersion).toBe(3);
    expect(lock.packages[""]?.dependencies).toEqual(manifest.dependencies);
    expect(lock.packages[""]?.devDependencies).toEqual(manifest.devDependencies);
    for (const name of [...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)])
      expect(lock.packages[`node_modules/${name}`]?.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("pins every package by version and sha512 integrity (bundled ones by their parent's)", () => {
    const unpinned = installed.filter(([path, entry]) => {
      if (entry.link) return true; // a link to a local folder is not pinned by anything
      if (entry.inBundle) {
        const parent = path.slice(0, path.lastIndexOf("/node_modules/"));
        return !/^sha512-/.test(lock.packages[parent]?.integrity ?? "");
      }
      return !entry.version || !/^sha512-[A-Za-z0-9+/]{86}==$/.test(entry.integrity ?? "");
    });
    expect(unpinned.map(([path]) => path)).toEqual([]);
  });

  it("resolves nothing from git, a file, a tarball URL over plain HTTP, or another registry", () => {
    // npm here is configured with omit-lockfile-registry-resolved: registry packages carry no
    // "resolved" (npm fetches them from the configured registry and checks the integrity above).
    const odd = installed.filter(([, entry]) => entry.resolved !== undefined && !/^https:\/\/registry\.npmjs\.org\/[^?#]+\.tgz$/.test(entry.resolved));
    expect(odd.map(([path, entry]) => `${path}: ${entry.resolved}`)).toEqual([]);
    const ranges = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }).filter(([, range]) => !/^\^?\d+\.\d+\.\d+$/.test(range));
    expect(ranges).toEqual([]);
  });
});

/** The package an input file of the bundle belongs to: its name, and its key in the lockfile. */
function packageOf(path: string): { name: string; lockPath: string } | undefined {
  const at = path.lastIndexOf("node_modules/");
  if (at === -1) return undefined;
  const own = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path.slice(at))!;
  return { name: own[1]!, lockPath: path.slice(path.indexOf("node_modules/"), at) + own[0] };
}

describe("the render Lambda's bundle", () => {
  let dir: string;
  let metafile: Metafile;
  let bundle: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "letterpress-bundle-"));
    bundle = join(dir, "handler.js");
    // As infra/constructs/letter-function.ts bundles it: one minified CommonJS file for Node 22, nothing external.
    const result = await buildRenderBundle(bundle);
    metafile = result.metafile;
  }, 60_000);
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  /** Bytes in the output per package (or per source folder of ours). */
  function bytesByPackage(): [string, number][] {
    const output = Object.values(metafile.outputs)[0]!;
    const totals = new Map<string, number>();
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(path)?.name ?? path.split("/").slice(0, 2).join("/");
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
    return [...totals].sort((a, b) => b[1] - a[1]);
  }

  it("holds no development-only package", () => {
    const inputs = Object.keys(metafile.inputs);
    const devInputs = inputs.filter((path) => lock.packages[packageOf(path)?.lockPath ?? ""]?.dev === true);
    expect(devInputs).toEqual([]);
    const names = new Set(bytesByPackage().map(([name]) => name));
    expect(DEV_ONLY.filter((name) => names.has(name))).toEqual([]);
  });

  it("loads on its own and stops at start-up, naming the missing variable, without its environment", () => {
    const run = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(bundle)})`], { env: { PATH: process.env["PATH"] ?? "" }, encoding: "utf8", timeout: 30_000 });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("invalid configuration: DOCUMENTS_BUCKET");
    expect(run.stderr).not.toMatch(/Cannot find module/);
  });

  it("reports what it is made of", () => {
    const output = Object.values(metafile.outputs)[0]!;
    const top = bytesByPackage()
      .slice(0, 20)
      .map(([name, bytes]) => ({ name, kB: Math.round(bytes / 1024) }));
    recordFigures("bundle", { bundleKB: Math.round(output.bytes / 1024), inputs: Object.keys(output.inputs).length, top });
    expect(top.length).toBeGreaterThan(5);
  });
});
