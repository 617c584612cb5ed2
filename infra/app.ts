#!/usr/bin/env node
import { App } from "aws-cdk-lib";
import { readInfraConfig } from "./config";
import { LetterpressStack } from "./letterpress-stack";

// Only creates stacks. The configuration is validated before any resource exists.
const app = new App();
const config = readInfraConfig(app.node);
new LetterpressStack(app, `Letterpress-${config.stage}`, {
  config,
  description: `letterpress (${config.stage}): letters rendered to PDF and HTML, handed out through signed links`,
  ...(config.env ? { env: config.env } : {}),
});
