// Makes the run's root of per-worker local state folders (see local-dir-per-worker.js); the workers,
// forked after this runs, inherit the variable.
const { mkdtempSync } = require("node:fs");
const { join } = require("node:path");
const { tmpdir } = require("node:os");

module.exports = () => {
  process.env.LETTERPRESS_TEST_LOCAL_ROOT = mkdtempSync(join(tmpdir(), "letterpress-jest-"));
};
