import { basename } from "node:path";
import type { RegistryFaceId } from "../../functions/core/pdf/font-library";
import { FONT_FILES } from "../../functions/fonts/font-files";

/** The face files (by flat file name) of the font families given (the part of a face id before its "-"). */
export function facesOf(...families: string[]): Set<string> {
  return new Set(
    (Object.entries(FONT_FILES) as [RegistryFaceId, (typeof FONT_FILES)[RegistryFaceId]][])
      .filter(([face]) => families.includes(face.slice(0, face.indexOf("-"))))
      .map(([, file]) => file.fileName),
  );
}

/** Every face file the font registry ships. */
export const ALL_FACES = facesOf(...new Set(Object.keys(FONT_FILES).map((face) => face.slice(0, face.indexOf("-")))));

/** Of the paths a process read, the face files, by file name. */
export const faceFilesRead = (paths: readonly string[]) => paths.map((path) => basename(path)).filter((name) => ALL_FACES.has(name));

/** The tables of an sfnt (OpenType table directory, ISO/IEC 14496-22 §5.1.2) by tag, each its own bytes. */
export function sfntTables(font: Uint8Array): Map<string, Buffer> {
  const bytes = Buffer.from(font.buffer, font.byteOffset, font.byteLength);
  const tables = new Map<string, Buffer>();
  for (let i = 0; i < bytes.readUInt16BE(4); i++) {
    const record = 12 + i * 16;
    const offset = bytes.readUInt32BE(record + 8);
    tables.set(bytes.toString("latin1", record, record + 4), bytes.subarray(offset, offset + bytes.readUInt32BE(record + 12)));
  }
  return tables;
}
