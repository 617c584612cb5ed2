import { join, resolve } from "node:path";
import { type Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { type Code, Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { assetPath, BUNDLE_FILES, CHECKED_PAGE_CATALOGS_FILE, HYPHENATION_BUNDLE_FOLDER, hyphenationDir, PREPARED_TEMPLATES_FILE } from "../../functions/deployment-contract";
import { FUNCTION_DEFAULTS } from "../secure-defaults";
import { LAMBDA_BUNDLE } from "../bundling/lambda-bundle";
import { renderSnapshotFunction } from "./render-snapshot-function";

/** The repository root: entries, templates/ and package-lock.json are found from here. */
export const REPO_ROOT = resolve(__dirname, "..", "..");
const COPY_ASSETS_SCRIPT = join(REPO_ROOT, "infra", "bundling", "copy-assets.cjs");
const PREPARE_TEMPLATES_SCRIPT = join(REPO_ROOT, "infra", "bundling", "prepare-templates-cli.ts");
const CHECK_PAGE_CATALOGS_SCRIPT = join(REPO_ROOT, "infra", "bundling", "check-page-catalogs-cli.ts");

/**
 * The commands run after esbuild: the assets copied beside index.js, and for a function that renders
 * (templates and fonts) the templates precompiled beside it (PREPARED_TEMPLATES_FILE, read at its cold start).
 */
export function afterBundlingCommands(assets: LetterFunctionProps["assets"], outputDir: string): string[] {
  const copies = Buffer.from(JSON.stringify(bundleAssetCopies(assets))).toString("base64");
  const commands = [`node "${COPY_ASSETS_SCRIPT}" "${outputDir}" ${copies}`];
  if (assets.templates && assets.fonts)
    commands.push(`node "${require.resolve("tsx/cli")}" "${PREPARE_TEMPLATES_SCRIPT}" "${join(REPO_ROOT, "templates")}" "${join(outputDir, PREPARED_TEMPLATES_FILE)}"`);
  // The share pages' catalogs checked when bundled, not at every cold start (page-catalogs.ts).
  if (assets.templates)
    commands.push(`node "${require.resolve("tsx/cli")}" "${CHECK_PAGE_CATALOGS_SCRIPT}" "${join(REPO_ROOT, "templates")}" "${join(outputDir, CHECKED_PAGE_CATALOGS_FILE)}"`);
  return commands;
}

export interface LetterFunctionProps {
  /** The handler module, relative to the repository root, e.g. `functions/render/handler.ts`. */
  entry: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  /** Run-time files copied next to index.js: `templates/` and/or the font files in `fonts/`. */
  assets: { templates: boolean; fonts: boolean };
  reservedConcurrentExecutions?: number;
  /**
   * "managed" (default): Node.js 22, bundled by NodejsFunction. "snapshot": a custom runtime
   * (provided.al2023) whose bootstrap starts node from a V8 startup snapshot of the render code
   * (infra/bundling/snapshot/; the render function only: `entry` must be functions/render/handler.ts).
   */
  runtime?: "managed" | "snapshot";
  /**
   * TESTS ONLY: use this code instead of bundling `entry` with esbuild (e.g. `Code.fromInline(...)`),
   * so template assertions do not bundle on every synth. Everything else (runtime, architecture,
   * role, environment, log group, tracing) is the same as the deployed function's.
   */
  codeOverride?: Code;
}

/** Files to copy into a bundle: `from` (absolute) to `to` (relative to the bundle's folder). */
export function bundleAssetCopies(assets: LetterFunctionProps["assets"]): { from: string; to: string }[] {
  return [
    ...(assets.templates ? [{ from: join(REPO_ROOT, "templates"), to: "templates" }] : []),
    // The font list (and the PDF/A colour profile) belong to the font module; the bundle takes them flat.
    ...(assets.fonts ? BUNDLE_FILES.map((file) => ({ from: assetPath(file), to: join("fonts", file.fileName) })) : []),
    // Hyphenation patterns go with the typesetter: every language's, loaded only when a document asks.
    ...(assets.fonts ? [{ from: hyphenationDir(), to: HYPHENATION_BUNDLE_FOLDER }] : []),
  ];
}

/**
 * One Lambda function of letterpress: Node.js 22 on arm64, X-Ray active tracing, its own log group
 * (one month) and its own role with nothing but the right to write that log group; the owner grants
 * the rest. Bundled with the local esbuild (never Docker), templates and fonts copied beside index.js
 * where the handlers look for them.
 */
export class LetterFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: LetterFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, "Logs", { retention: FUNCTION_DEFAULTS.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.role = new Role(this, "Role", { assumedBy: new ServicePrincipal("lambda.amazonaws.com"), description: `${props.description} (execution role)` });
    // Instead of the AWSLambdaBasicExecutionRole managed policy (logs on every log group).
    this.logGroup.grantWrite(this.role);

    const common = {
      description: props.description,
      runtime: FUNCTION_DEFAULTS.runtime,
      architecture: FUNCTION_DEFAULTS.architecture,
      tracing: FUNCTION_DEFAULTS.tracing,
      memorySize: props.memorySize,
      timeout: props.timeout,
      environment: props.environment,
      role: this.role,
      logGroup: this.logGroup,
      ...(props.reservedConcurrentExecutions === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
    };

    Validations.of(this).acknowledge({
      id: "AwsSolutions-L1",
      reason: "Node.js 22 is the runtime the project targets and tests (esbuild target node22); moving to a newer runtime is a deliberate upgrade, not a drift.",
    });

    if (props.runtime === "snapshot") {
      this.function = renderSnapshotFunction(this, "Function", common, props, bundleAssetCopies(props.assets));
      return;
    }
    if (props.codeOverride) {
      this.function = new LambdaFunction(this, "Function", { ...common, code: props.codeOverride, handler: "index.handler" });
      return;
    }
    this.function = new NodejsFunction(this, "Function", {
      ...common,
      entry: join(REPO_ROOT, props.entry),
      handler: "handler",
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, "package-lock.json"),
      bundling: {
        forceDockerBundling: false,
        minify: LAMBDA_BUNDLE.minify,
        sourceMap: true,
        target: LAMBDA_BUNDLE.target,
        format: LAMBDA_BUNDLE.format === "cjs" ? OutputFormat.CJS : OutputFormat.ESM,
        mainFields: [...LAMBDA_BUNDLE.mainFields],
        define: { ...LAMBDA_BUNDLE.define },
        // LAMBDA_BUNDLE's aliases as esbuild's command line takes them (NodejsFunction has no alias option).
        esbuildArgs: Object.fromEntries(Object.entries(LAMBDA_BUNDLE.alias).map(([from, to]) => [`--alias:${from}`, to])),
        // The AWS SDK is bundled too: the function runs the SDK versions the tests ran, not the runtime's.
        externalModules: [...LAMBDA_BUNDLE.external],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => afterBundlingCommands(props.assets, outputDir),
        },
      },
    });
  }
}
