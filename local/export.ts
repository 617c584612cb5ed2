import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type DocumentFailure, documentFileName, type DocumentRequest } from "../functions/core/documents";
import type { GenerateResult } from "./generate";

/** Where a document goes under the output folder: `<letter>/<locale>/[<recipient>/]<file>`. */
export function exportPath(request: DocumentRequest): string {
  return [request.letterId, request.locale, ...(request.recipientId ? [request.recipientId] : []), documentFileName(request)].join("/");
}

export interface ExportManifest {
  documents: (DocumentRequest & { path: string; bytes: number; sha256: string; key: string; revision: string })[];
  failures: (DocumentRequest & { code: string; reason: string })[];
}

/** Writes the documents a run stored under `outDir`, and `outDir/manifest.json` listing them and every failure. */
export async function exportDocuments(outDir: string, result: Pick<GenerateResult, "stored" | "failures">): Promise<ExportManifest> {
  const manifest: ExportManifest = { documents: [], failures: [] };
  for (const stored of result.stored) {
    if (!stored.bytes) continue;
    const path = exportPath(stored.request);
    await mkdir(dirname(join(outDir, path)), { recursive: true });
    await writeFile(join(outDir, path), stored.bytes);
    manifest.documents.push({ ...stored.request, path, bytes: stored.document.size, sha256: stored.document.sha256, key: stored.document.key, revision: stored.revision });
  }
  manifest.failures = result.failures.map(({ request, error }: DocumentFailure) => ({ ...request, code: error.code, reason: error.message }));
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
