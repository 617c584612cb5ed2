import { execFile } from "node:child_process";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { faceFilesRead, facesOf } from "../support/font-faces";

/**
 * What a fresh process reads and loads to make its first PDF: a cold start pays for every file and
 * module it touches, so a letter in one script must not touch the faces of another, and a PDF must
 * not load the HTML edition's WOFF2 encoder. Each case is a new node process (the font library and
 * module caches are per process), rendering the seed letter through createRenderer.
 */
interface Probe {
  pdfHeader: string;
  filesRead: string[];
  packages: string[];
}

const PROBE = join(__dirname, "support/first-pdf-probe.ts");

async function firstPdf(locale: string): Promise<Probe> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", PROBE, locale], { cwd: join(__dirname, "../.."), maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split("\n").pop() as string) as Probe;
}

const fontsRead = (probe: Probe) => faceFilesRead(probe.filesRead);

describe("a fresh process's first PDF reads only what its letter needs", () => {
  it("an English letter opens Latin faces only (no CJK, Arabic, Hebrew, Indic or Thai face) and never loads the WOFF2 encoder", async () => {
    const probe = await firstPdf("en");
    expect(probe.pdfHeader).toBe("%PDF-");
    const read = fontsRead(probe);
    expect(read.length).toBeGreaterThan(0);
    const latin = facesOf("serif", "sans", "symbols");
    expect(read.filter((name) => !latin.has(name))).toEqual([]);
    // The HTML edition's subsetter and encoder: a PDF needs neither.
    expect(probe.filesRead.map((path) => basename(path))).not.toContain("harfbuzz-subset.wasm");
    expect(probe.packages).not.toContain("wawoff2");
    expect(probe.packages).toContain("fontkit");
  }, 60_000);

  it("a Korean letter opens the Korean face and no other CJK or right-to-left face", async () => {
    const probe = await firstPdf("ko");
    const read = fontsRead(probe);
    expect(read.some((name) => facesOf("kr").has(name))).toBe(true);
    const foreign = facesOf("sc", "tc", "jp", "naskh", "hebrew", "devanagari", "bengali", "thai");
    expect(read.filter((name) => foreign.has(name))).toEqual([]);
    expect(probe.packages).not.toContain("wawoff2");
  }, 60_000);
});
