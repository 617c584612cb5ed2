import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { LetterpressError } from "../core/errors";
import { IMAGE_LIMITS, type TemplateAsset, type TemplateAssets } from "../core/images/image-source";

/**
 * Reads a template folder's `assets/` (its images: a logo, signatures), bounded: a file over the
 * per-image limit is recorded unread, and said when an image names it; the folder as a whole may
 * hold at most `ASSET_LIMITS`, since every render function's process keeps it in memory.
 */
export const ASSET_LIMITS = {
  maxFiles: 500,
  maxTotalBytes: 50 * 1024 * 1024,
} as const;

const SYMLINK = "a symbolic link; a template's assets must be regular files (the deployed copy holds no links): copy the file here instead";

/**
 * The files under `<templateDir>/assets/`, by their path relative to the template folder
 * (`assets/signatures/ngo-1.svg`). A template without an assets folder has none. Hidden files
 * (`.DS_Store`) are left out.
 */
export async function loadTemplateAssets(templateDir: string): Promise<TemplateAssets> {
  const files = new Map<string, TemplateAsset>();
  let total = 0;
  const walk = async (relative: string): Promise<void> => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(join(templateDir, relative), { withFileTypes: true });
    } catch (error) {
      if (relative === "assets" && (error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw new LetterpressError("TEMPLATE_ERROR", `${templateDir}/${relative}: cannot be read (${(error as Error).message})`, { cause: error });
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith(".")) continue;
      const path = `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        await walk(path);
        continue;
      }
      if (files.size >= ASSET_LIMITS.maxFiles)
        throw new LetterpressError("TEMPLATE_ERROR", `${templateDir}/assets/: more than ${ASSET_LIMITS.maxFiles} files; a template's assets are its images`);
      if (entry.isSymbolicLink()) {
        files.set(path, { problem: SYMLINK });
        continue;
      }
      if (!entry.isFile()) continue;
      const full = join(templateDir, path);
      try {
        const { size } = await lstat(full);
        if (size > IMAGE_LIMITS.maxBytes) {
          files.set(path, { problem: `has ${size} bytes; an image may have at most 5 MB (${IMAGE_LIMITS.maxBytes} bytes)` });
          continue;
        }
        total += size;
        if (total > ASSET_LIMITS.maxTotalBytes)
          throw new LetterpressError(
            "TEMPLATE_ERROR",
            `${templateDir}/assets/: more than ${ASSET_LIMITS.maxTotalBytes / 1024 / 1024} MB of files; a template's assets are its images`,
          );
        files.set(path, { bytes: new Uint8Array(await readFile(full)) });
      } catch (error) {
        if (error instanceof LetterpressError) throw error;
        files.set(path, { problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
      }
    }
  };
  await walk("assets");
  return { folder: templateDir.replace(/\/+$/, ""), files };
}
