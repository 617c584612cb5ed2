import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { FUNCTION_DEFAULTS } from "../../infra/secure-defaults";
import { synthStack } from "./synth-stack";

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

/**
 * Every Lambda function of the stack logs to a log group with the functions' retention, CDK's helpers
 * included (fresh user 9, item 15: BucketDeployment's 900 s helper and the bucket notifications
 * handler had no log group, so Lambda's implicit one kept their logs forever).
 */
describe.each([
  ["the default stage", {}],
  ["encryption=kms, peopleSignIn=jwt", { encryption: "kms", peopleSignIn: "jwt", jwtIssuer: "https://login.example.com/", jwtAudience: "letterpress" }],
])("log groups of every function, %s", (_name, context) => {
  const { template } = synthStack(context);
  const resources = template.toJSON().Resources as Resources;
  const functions = Object.entries(template.findResources("AWS::Lambda::Function") as Resources);

  it("finds our two functions and CDK's helpers (BucketDeployment, bucket notifications)", () => {
    const ids = functions.map(([id]) => id);
    expect(ids.length).toBeGreaterThanOrEqual(4);
    expect(ids.some((id) => id.startsWith("CustomCDKBucketDeployment"))).toBe(true);
    expect(ids.some((id) => id.startsWith("BucketNotificationsHandler"))).toBe(true);
  });

  it("gives each function a log group of its own (LoggingConfig) that expires after a month", () => {
    const without: string[] = [];
    for (const [id, fn] of functions) {
      const groupId = fn.Properties["LoggingConfig"]?.["LogGroup"]?.["Ref"] as string | undefined;
      const group = groupId ? resources[groupId] : undefined;
      if (group?.Type !== "AWS::Logs::LogGroup" || group.Properties["RetentionInDays"] !== FUNCTION_DEFAULTS.logRetention) without.push(id);
    }
    expect(without).toEqual([]);
    expect(FUNCTION_DEFAULTS.logRetention).toBe(RetentionDays.ONE_MONTH);
  });

  it("gives no two functions the same log group, and needs no LogRetention custom resource (itself a function without one)", () => {
    const groups = functions.map(([, fn]) => fn.Properties["LoggingConfig"]["LogGroup"]["Ref"]);
    expect(new Set(groups).size).toBe(groups.length);
    expect(Object.keys(template.findResources("Custom::LogRetention"))).toEqual([]);
  });
});
