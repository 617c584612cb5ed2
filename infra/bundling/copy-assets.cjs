#!/usr/bin/env node
// Copies the run-time assets of a Lambda bundle next to its index.js; run by the esbuild bundling's
// afterBundling hook. Plain Node (no shell `cp`), so it works the same on Linux, macOS and Windows.
// Usage: node copy-assets.cjs <outputDir> <base64 of JSON [{ "from": absolute path, "to": path relative to outputDir }]>
// (base64 keeps paths with spaces or quotes intact through any shell).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const [outputDir, encoded] = process.argv.slice(2);
if (!outputDir || !encoded) {
  console.error("usage: copy-assets.cjs <outputDir> <base64 JSON copy list>");
  process.exit(2);
}
const copies = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
for (const { from, to } of copies) {
  const target = path.join(outputDir, to);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(from, target, { recursive: true, force: true });
}
