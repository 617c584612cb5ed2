import { guardSnapshotBuild } from "./snapshot-guards";

// Imported first by a snapshot entry: ES imports run before the importing module's body, so the
// guards (Intl stand-ins, no stack traces) must be in place in a module of their own, before any module that makes an Intl object at load.
guardSnapshotBuild();
