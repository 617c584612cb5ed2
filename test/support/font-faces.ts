import { basename } from "node:path";
import type { FaceId } from "../../functions/core/pdf/font-library";
import { FONT_FILES } from "../../functions/fonts/font-files";

/** The face files (by flat file name) of the font families given (the part of a face id before its "-"). */
export function facesOf(...families: string[]): Set<string> {
  return new Set(
    (Object.entries(FONT_FILES) as [FaceId, (typeof FONT_FILES)[FaceId]][])
      .filter(([face]) => families.includes(face.slice(0, face.indexOf("-"))))
      .map(([, file]) => file.fileName),
  );
}

/** Every face file the font registry ships. */
export const ALL_FACES = facesOf(...new Set(Object.keys(FONT_FILES).map((face) => face.slice(0, face.indexOf("-")))));

/** Of the paths a process read, the face files, by file name. */
export const faceFilesRead = (paths: readonly string[]) => paths.map((path) => basename(path)).filter((name) => ALL_FACES.has(name));
