#!/usr/bin/env node
import { App } from "aws-cdk-lib";
import { readInfraConfigOrExit } from "./config";
import { LetterpressStack } from "./letterpress-stack";

// Only creates stacks. The configuration is validated before any resource exists; a bad value is
// one line on stderr and exit status 1, not a stack trace.
const app = new App();
const config = readInfraConfigOrExit(app.node);
new LetterpressStack(app, `Letterpress-${config.stage}`, {
  config,
  description: `letterpress (${config.stage}): letters rendered to PDF and HTML, handed out through signed links`,
  ...(config.env ? { env: config.env } : {}),
});
