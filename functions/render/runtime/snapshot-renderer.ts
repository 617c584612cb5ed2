import { isAbsolute, join } from "node:path";
import { startupSnapshot } from "node:v8";
import { LetterpressError } from "../../core/errors";
import type { DocumentRenderer } from "../../core/render-document";
import { HYPHENATION_BUNDLE_FOLDER } from "../../hyphenation/hyphenation-files";
import { createRenderer } from "../create-renderer";
import { SNAPSHOT_ENV } from "./snapshot-env";
import { warmUpForSnapshot } from "./snapshot-warm-up";

export { SNAPSHOT_ENV } from "./snapshot-env";

/** Where the restored process reads fonts and hyphenation patterns, as the snapshot was built for. */
export interface SnapshotLayout {
  assetsDir: string;
  taskRoot: string;
}

function absoluteDir(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (!isAbsolute(value)) throw new LetterpressError("CONFIG_ERROR", `${name} must be an absolute folder, got "${value}"`);
  return value;
}

/** The layout from the build's environment (SNAPSHOT_ENV); the task root defaults to the assets folder. */
export function snapshotLayout(env: NodeJS.ProcessEnv = process.env): SnapshotLayout {
  const assetsDir = absoluteDir(SNAPSHOT_ENV.assetsDir, env[SNAPSHOT_ENV.assetsDir]);
  if (!assetsDir) throw new LetterpressError("CONFIG_ERROR", `${SNAPSHOT_ENV.assetsDir} must name the bundle's folder (templates/, fonts/ and hyphen/ beside the snapshot entry)`);
  return { assetsDir, taskRoot: absoluteDir(SNAPSHOT_ENV.taskRoot, env[SNAPSHOT_ENV.taskRoot]) ?? assetsDir };
}

/**
 * The renderer of a startup snapshot, built while `node --build-snapshot` runs the entry: every
 * template read and compiled, its stylesheets parsed, with the render function's options (A4, the
 * bundle's flat font folder). What a first document loads lazily stays lazy: font files, HarfBuzz
 * (WebAssembly is not even defined while a snapshot is built) and hyphenation patterns (user-land
 * `require` is not either), read from the task root after the snapshot is restored.
 * Once built, the part of a first document a snapshot can hold is run (warmUpForSnapshot).
 * A renderer that cannot be built fails the build, never a restored process.
 */
export function buildSnapshotRenderer(layout: SnapshotLayout = snapshotLayout()): Promise<DocumentRenderer> {
  if (!startupSnapshot.isBuildingSnapshot()) {
    throw new LetterpressError("CONFIG_ERROR", "buildSnapshotRenderer runs only under node --build-snapshot; a plain process uses createRenderer");
  }
  const built = createRenderer({
    templatesDir: join(layout.assetsDir, "templates"),
    fontDir: join(layout.taskRoot, "fonts"),
    hyphenationDir: join(layout.taskRoot, HYPHENATION_BUNDLE_FOLDER),
    paper: "A4",
  });
  // Then the first document's work that a snapshot can hold (snapshot-warm-up.ts), so the restored process skips it.
  const renderer = built.then((ready) => {
    warmUpForSnapshot(ready);
    return ready;
  });
  // Unhandled, a rejection ends the build with its reason: no snapshot of a broken renderer is written.
  void renderer.then(undefined, (error: unknown) => {
    throw error;
  });
  return renderer;
}
