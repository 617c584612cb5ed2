/**
 * What esbuild must do differently for a bundle that `node --build-snapshot` runs (the render
 * function's custom runtime, the bench's snapshot entry), on top of LAMBDA_BUNDLE.
 */
export const SNAPSHOT_BUNDLE = {
  // A process restored from a snapshot has no dynamic import() (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING):
  // the AWS SDK's HTTP handler does `await import("node:http")`. esbuild turns each into a require.
  supported: { "dynamic-import": false },
  // The `require` a snapshot entry gets loads built-in modules only, before and after the restore; the
  // render code requires files by computed path on first use (hyphenation patterns, the WOFF2 encoder
  // beside the fonts). After the restore, anything but a built-in is loaded by a regular require.
  banner: {
    js: [
      "var require = ((builtin) => {",
      "  let files;",
      '  const fromFiles = () => (files ??= builtin("node:module").createRequire(process.cwd() + "/"));',
      '  const building = () => builtin("node:v8").startupSnapshot.isBuildingSnapshot();',
      '  const load = (id) => (building() || builtin("node:module").isBuiltin(id) ? builtin(id) : fromFiles()(id));',
      "  load.resolve = (id, options) => fromFiles().resolve(id, options);",
      "  return load;",
      "})(require);",
    ].join("\n"),
  },
} as const;
