import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { LetterpressError } from "../core/errors";
import { assetPath, BUNDLE_FILES } from "../fonts/font-files";

/**
 * A digest of everything in the renderer that shapes a document's bytes besides the letter, the
 * templates and the paper: the code of the core (layout, PDF writer, HTML page, template engine), the
 * exact versions of every npm package (package-lock.json: pdfkit, fontkit and their dependencies),
 * and the font files. Part of every revision, so new code or fonts never store new bytes under keys
 * that were handed out for the old ones (they are served as immutable).
 *
 * Computed at build time for a Lambda bundle (esbuild `define`, see infra/bundling/lambda-bundle.ts),
 * where the sources are gone; from the repository's files when run from it.
 */

/** Source folders and files whose code decides the bytes of a document, relative to the repository. */
export const RENDERER_SOURCES = ["functions/core", "functions/fonts", "functions/hyphenation", "functions/templates", "functions/render/create-renderer.ts"] as const;

/** The esbuild `define` name a bundle carries the build-time fingerprint in. */
export const BUILD_TIME_FINGERPRINT = "__LETTERPRESS_RENDERER_FINGERPRINT__";

declare const __LETTERPRESS_RENDERER_FINGERPRINT__: string | undefined;

const REPOSITORY_ROOT = resolve(__dirname, "../..");

function sourceFiles(root: string, entry: string): string[] {
  const path = join(root, entry);
  let names: string[];
  try {
    names = readdirSync(path, { recursive: true, encoding: "utf8" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return [path];
    throw error;
  }
  return names.filter((name) => name.endsWith(".ts")).map((name) => join(path, name));
}

/** The code part: every renderer source file (path and content) and package-lock.json. */
export function codeFingerprint(repositoryRoot: string): string {
  const hash = createHash("sha256");
  const files = [...RENDERER_SOURCES.flatMap((entry) => sourceFiles(repositoryRoot, entry)), join(repositoryRoot, "package-lock.json")];
  for (const file of files.map((path) => relative(repositoryRoot, path).split(sep).join("/")).sort()) {
    const content = readFileSync(join(repositoryRoot, file));
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
  return hash.digest("hex");
}

/** The fonts part: the SHA-256 of every font (and colour profile) file a render may read. */
export function fontsFingerprint(fontDir?: string): string {
  const hash = createHash("sha256");
  for (const file of [...BUNDLE_FILES].sort((a, b) => (a.fileName < b.fileName ? -1 : 1))) {
    hash.update(
      `${file.fileName}\0${createHash("sha256")
        .update(readFileSync(assetPath(file, fontDir)))
        .digest("hex")}\0`,
    );
  }
  return hash.digest("hex");
}

/** Code and fonts as read from a repository checkout (what a bundle built from it carries). */
export function fingerprintFromRepository(repositoryRoot: string = REPOSITORY_ROOT): string {
  return createHash("sha256")
    .update(`code ${codeFingerprint(repositoryRoot)}\nfonts ${fontsFingerprint()}\n`)
    .digest("hex");
}

let cached: string | undefined;

/**
 * This process's renderer fingerprint: the bundle's build-time one, or computed once from the
 * repository's files. Without either it refuses to start: documents must never be stored under a
 * revision that does not name the code that made them.
 */
export function rendererFingerprint(): string {
  if (cached !== undefined) return cached;
  if (typeof __LETTERPRESS_RENDERER_FINGERPRINT__ === "string") return (cached = __LETTERPRESS_RENDERER_FINGERPRINT__);
  try {
    return (cached = fingerprintFromRepository());
  } catch (error) {
    throw new LetterpressError(
      "CONFIG_ERROR",
      `the renderer's fingerprint was not set at build time (esbuild define ${BUILD_TIME_FINGERPRINT}) and cannot be computed from the sources under ${REPOSITORY_ROOT}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
