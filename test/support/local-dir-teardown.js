// Removes the run's per-worker local state folders (local-dir-setup.js made their root).
const { rm } = require("node:fs/promises");

module.exports = async () => {
  const root = process.env.LETTERPRESS_TEST_LOCAL_ROOT;
  if (root) await rm(root, { recursive: true, force: true });
};
