/**
 * The environment of a snapshot build: where the bundle's `templates/` is now (read and compiled into
 * the snapshot), and where the restored process will find its `fonts/` and `hyphen/` (read on first
 * use, by absolute path: on Lambda /var/task, not the folder the bundle is built in). A module of its
 * own, importing nothing: infra reads it at synth without loading the render code.
 */
export const SNAPSHOT_ENV = { assetsDir: "LETTERPRESS_SNAPSHOT_ASSETS", taskRoot: "LETTERPRESS_SNAPSHOT_TASK_ROOT" } as const;
