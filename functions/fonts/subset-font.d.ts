declare module "subset-font" {
  interface SubsetOptions {
    targetFormat?: "sfnt" | "truetype" | "woff" | "woff2";
    noHinting?: boolean;
    glyphNames?: boolean;
    noLayoutClosure?: boolean;
    preserveNameIds?: number[];
    keepFeatures?: string[];
    dropTables?: string[];
  }
  /** Subsets a font to the glyphs of `text` with HarfBuzz's hb-subset, converted to `targetFormat`. */
  export default function subsetFont(font: Buffer, text: string, options?: SubsetOptions): Promise<Buffer>;
}
