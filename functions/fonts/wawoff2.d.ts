declare module "wawoff2" {
  /** Google's WOFF2 encoder (woff2::ConvertTTFToWOFF2), compiled to WebAssembly: TrueType or OpenType bytes to WOFF2. */
  export function compress(font: Uint8Array): Promise<Uint8Array>;
}
