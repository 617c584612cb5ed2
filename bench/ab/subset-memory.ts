/**
 * What hb-subset (the HTML edition's subsetter, functions/fonts/web-fonts.ts) costs a process in
 * memory, face by face (issue 17 item 4): the RSS, the external memory (a WebAssembly memory counts
 * at its full size, 64 MiB from hb-subset's start) and the peak RSS after each face's subset, with a
 * full GC and a pause before each reading. `kept` subsets every face in one instance, as the HTML
 * edition does; `fresh` makes a new instance per face and lets the last one go, so the difference
 * is what an instance kept for the life of a worker holds.
 *
 *   node --expose-gc --import tsx bench/ab/subset-memory.ts [--instances kept|fresh] [--faces serif-regular,sc-regular]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { RegistryFaceId } from "../../functions/core/pdf/font-library";
import { assetPath, FONT_FILES, HARFBUZZ_SUBSET_WASM_FILE } from "../../functions/fonts/font-files";

/** The hb-subset C functions the probe calls, as functions/fonts/web-fonts.ts calls them. */
interface HbSubset {
  memory: WebAssembly.Memory;
  _initialize(): void;
  malloc(size: number): number;
  free(pointer: number): void;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_set_add(set: number, value: number): void;
  hb_set_clear(set: number): void;
  hb_set_invert(set: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_set(input: number, which: number): number;
  hb_subset_input_unicode_set(input: number): number;
  hb_subset_or_fail(face: number, input: number): number;
}

const { values } = parseArgs({
  options: {
    instances: { type: "string", default: "kept" },
    faces: { type: "string", default: "serif-regular,serif-bold,naskh-regular,kr-regular,sc-regular,jp-regular" },
    text: { type: "string", default: "Excellencies 2015 أصحاب السعادة 각하 안전보장이사회 各位阁下安全理事会 私たちは" },
  },
});

const module = new WebAssembly.Module(readFileSync(assetPath(HARFBUZZ_SUBSET_WASM_FILE)));
const newInstance = (): HbSubset => {
  const hb = new WebAssembly.Instance(module, {}).exports as unknown as HbSubset;
  hb._initialize();
  return hb;
};

/** One subset with every layout feature kept, as the HTML edition makes it; the result is dropped. */
function subset(hb: HbSubset, font: Uint8Array, text: string): void {
  const input = hb.hb_subset_input_create_or_fail();
  const data = hb.malloc(font.byteLength);
  new Uint8Array(hb.memory.buffer, data, font.byteLength).set(font);
  const blob = hb.hb_blob_create(data, font.byteLength, 2, 0, 0);
  const face = hb.hb_face_create(blob, 0);
  hb.hb_blob_destroy(blob);
  const features = hb.hb_subset_input_set(input, 6);
  hb.hb_set_clear(features);
  hb.hb_set_invert(features);
  const unicodes = hb.hb_subset_input_unicode_set(input);
  for (const char of text) hb.hb_set_add(unicodes, char.codePointAt(0)!);
  hb.hb_face_destroy(hb.hb_subset_or_fail(face, input));
  hb.hb_subset_input_destroy(input);
  hb.hb_face_destroy(face);
  hb.free(data);
}

const mb = (bytes: number) => Math.round(bytes / 1048576);

async function reading(step: string): Promise<void> {
  // A dropped instance's memory goes after a GC that runs outside the task that dropped it.
  await new Promise((resolve) => setTimeout(resolve, 100));
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  console.log(`| ${step} | ${mb(memory.rss)} | ${mb(memory.external)} | ${Math.round(process.resourceUsage().maxRSS / 1024)} |`);
}

async function main(): Promise<void> {
  console.log(`instances: ${values.instances}`);
  console.log("| after | RSS MB | external MB | peak RSS MB |");
  console.log("| --- | --- | --- | --- |");
  await reading("start");
  let kept: HbSubset | undefined;
  for (const face of values.faces.split(",") as RegistryFaceId[]) {
    const hb = values.instances === "fresh" ? newInstance() : (kept ??= newInstance());
    subset(hb, readFileSync(assetPath(FONT_FILES[face])), values.text);
    await reading(face);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
