import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { join } from "node:path";
import { Code } from "aws-cdk-lib/aws-lambda";
import { readInfraConfig } from "../../infra/config";
import { LetterpressStack } from "../../infra/letterpress-stack";
import cdkJson from "../../cdk.json";

/** A stand-in for the esbuild bundles: these tests assert the template, not the bundle (see bundling.test.ts). */
export const STUB_CODE = Code.fromInline("exports.handler = async () => ({});");

/** A stand-in for the custom runtime's bundle: Lambda refuses inline code for provided.al2023. */
export const STUB_BOOTSTRAP_CODE = Code.fromAsset(join(__dirname, "..", "fixtures", "custom-runtime-stub"));

/** Synthesizes the stack as `cdk synth -c key=value ...` would, with stub code unless `bundle` is set. */
export function synthStack(context: Record<string, unknown> = {}, options: { bundle?: boolean; outdir?: string; code?: Code } = {}) {
  // cdk.json's context (defaults and feature flags) first, then -c values, as the CDK CLI does.
  const app = new App({ context: { ...cdkJson.context, ...context }, ...(options.outdir ? { outdir: options.outdir } : {}) });
  const config = readInfraConfig(app.node);
  const stack = new LetterpressStack(app, `Letterpress-${config.stage}`, { config, ...(options.bundle ? {} : { codeOverride: options.code ?? STUB_CODE }) });
  return { app, stack, template: Template.fromStack(stack) };
}

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

/** The IAM statements of the role a function runs with (its one inline policy), as synthesized. */
export function roleStatements(template: Template, functionLogicalId: string): unknown[] {
  const fn = template.toJSON().Resources[functionLogicalId] as Resources[string];
  const roleId = fn.Properties?.["Role"]?.["Fn::GetAtt"]?.[0] as string;
  const policies = Object.values(template.findResources("AWS::IAM::Policy") as Resources).filter((policy) =>
    ((policy.Properties?.["Roles"] ?? []) as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })),
  );
  expect(policies).toHaveLength(1);
  // The role itself carries no managed policy (no AWSLambdaBasicExecutionRole) and no inline policy.
  const role = template.toJSON().Resources[roleId] as Resources[string];
  expect(role.Properties?.["ManagedPolicyArns"]).toBeUndefined();
  expect(role.Properties?.["Policies"]).toBeUndefined();
  return policies[0]!.Properties!["PolicyDocument"].Statement as unknown[];
}

/** The logical id of a construct's CloudFormation resource. */
export function logicalId(stack: LetterpressStack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}
