// Each Jest worker gets a local state folder of its own (local/runtime.ts, LETTERPRESS_LOCAL_DIR),
// inherited by the CLI processes its tests start: test files running side by side publish the same
// letter ids from different folders, and in one shared .local/ they would take over each other's
// letters (and be warned of it, local/publish-origins.ts). The run's root is made by
// local-dir-setup.js and removed by local-dir-teardown.js.
const { join } = require("node:path");

const root = process.env.LETTERPRESS_TEST_LOCAL_ROOT;
if (root) process.env.LETTERPRESS_LOCAL_DIR ??= join(root, `worker-${process.env.JEST_WORKER_ID ?? "1"}`);
