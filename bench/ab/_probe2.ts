import { readFileSync } from "node:fs";
import { assetPath, FONT_FILES, HARFBUZZ_SUBSET_WASM_FILE } from "../../functions/fonts/font-files";
const mod = new WebAssembly.Module(readFileSync(assetPath(HARFBUZZ_SUBSET_WASM_FILE)));
const mb = (b: number) => Math.round(b / 1048576);
const r = (s: string) => { (globalThis as any).gc(); const m = process.memoryUsage(); console.log(s, "rss", mb(m.rss), "ext", mb(m.external), "peak", Math.round(process.resourceUsage().maxRSS / 1024)); };
const drop = process.argv[2] === "drop";
let shared: any;
function sub(face: string, chars: string) {
  let hb: any = drop ? undefined : shared;
  if (!hb) { hb = new WebAssembly.Instance(mod, {}).exports; hb._initialize(); if (!drop) shared = hb; }
  const font = readFileSync(assetPath((FONT_FILES as any)[face]));
  const input = hb.hb_subset_input_create_or_fail();
  const data = hb.malloc(font.byteLength);
  new Uint8Array(hb.memory.buffer, data, font.byteLength).set(font);
  const blob = hb.hb_blob_create(data, font.byteLength, 2, 0, 0);
  const f = hb.hb_face_create(blob, 0); hb.hb_blob_destroy(blob);
  const features = hb.hb_subset_input_set(input, 6); hb.hb_set_clear(features); hb.hb_set_invert(features);
  hb.hb_subset_input_set_flags(input, hb.hb_subset_input_get_flags(input) | 1);
  const u = hb.hb_subset_input_unicode_set(input);
  for (const c of chars) hb.hb_set_add(u, c.codePointAt(0));
  const s = hb.hb_subset_or_fail(f, input);
  hb.hb_face_destroy(s); hb.hb_subset_input_destroy(input); hb.hb_face_destroy(f); hb.free(data);
}
async function main() {
  r("start");
  for (const face of ["sc-regular", "sc-bold", "kr-regular", "kr-bold", "jp-regular", "tc-regular"]) {
    sub(face, "Hello 你好世界 안녕하세요 こんにちは"); await new Promise((res) => setTimeout(res, 50)); r(face);
  }
}
main();
