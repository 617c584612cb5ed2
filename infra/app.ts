#!/usr/bin/env node
import { spawnSync } from "node:child_process";
import { join, relative } from "node:path";
import { App } from "aws-cdk-lib";
import { readInfraConfigOrExit } from "./config";
import { REPO_ROOT } from "./constructs/letter-function";
import { LetterpressStack } from "./letterpress-stack";

/** A stack trace only when asked for (`cdk --debug` sets CDK_DEBUG; `--verbose` to the app): the cause alone otherwise. */
const verbose = process.env.CDK_DEBUG === "true" || process.argv.includes("--verbose");

/** A folder as errors name it: relative to the working folder (`templates/...`), as generate's messages do. */
const shown = (path: string) => relative(process.cwd(), path) || ".";

/**
 * What would deploy the render then refuses (a broken template, letter data its templates or fonts
 * cannot make) fails the synth before any construct exists, each problem said in generate's words, in
 * a process of its own (check-letter-data-cli.ts): the app itself loads nothing of the typesetter.
 */
function checkDeployedLetterData(): void {
  const script = join(REPO_ROOT, "infra", "bundling", "check-letter-data-cli.ts");
  const child = spawnSync(process.execPath, [require.resolve("tsx/cli"), script, shown(join(REPO_ROOT, "data")), shown(join(REPO_ROOT, "templates"))], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (child.status !== 0) process.exit(child.status ?? 1);
}

// Only creates stacks. The configuration is validated before any resource exists; a bad value is
// one line on stderr and exit status 1, not a stack trace. So is a problem of what is deployed.
try {
  const app = new App();
  const config = readInfraConfigOrExit(app.node);
  checkDeployedLetterData();
  new LetterpressStack(app, `Letterpress-${config.stage}`, {
    config,
    description: `letterpress (${config.stage}): letters rendered to PDF and HTML, handed out through signed links`,
    ...(config.env ? { env: config.env } : {}),
  });
} catch (error) {
  console.error(verbose || !(error instanceof Error) ? error : `synth failed: ${error.message}`);
  process.exit(1);
}
