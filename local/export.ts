import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { type DocumentFailure, documentFileName, type DocumentRequest, type RenderedDocument } from "../functions/core/documents";

/** Where a document goes under the output folder: `<letter>/<locale>/[<recipient>/]<file>`. */
export function exportPath(request: DocumentRequest): string {
  return join(request.letterId, request.locale, ...(request.recipientId ? [request.recipientId] : []), documentFileName(request));
}

export interface ExportManifestEntry {
  letterId: string;
  locale: string;
  format: string;
  recipientId: string | null;
  path: string;
  bytes: number;
  sha256: string;
}

export interface ExportManifest {
  documents: ExportManifestEntry[];
  failures: (DocumentRequest & { code: string; reason: string })[];
}

/** Writes rendered documents under `outDir` and `outDir/manifest.json` listing them and every failure. */
export async function exportDocuments(outDir: string, documents: readonly RenderedDocument[], failures: readonly DocumentFailure[]): Promise<ExportManifest> {
  const entries: ExportManifestEntry[] = [];
  for (const document of documents) {
    const path = exportPath(document.request);
    await mkdir(dirname(join(outDir, path)), { recursive: true });
    await writeFile(join(outDir, path), document.bytes);
    entries.push({ ...document.request, path: relative(outDir, join(outDir, path)), bytes: document.bytes.length, sha256: document.sha256 });
  }
  const manifest: ExportManifest = {
    documents: entries,
    failures: failures.map(({ request, error }) => ({ ...request, code: error.code, reason: error.message })),
  };
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
