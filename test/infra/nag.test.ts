import { Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { synthStack } from "./synth-stack";

const CONFIGURATIONS: Record<string, Record<string, unknown>> = {
  "the defaults (SSE-S3, people sign in with the stack's Cognito user pool)": {},
  "KMS encryption and an external JWT issuer for people": { encryption: "kms", peopleSignIn: "jwt", jwtIssuer: "https://issuer.example.com/", jwtAudience: "letterpress" },
};

/** Every acknowledgment in the tree, with the construct it sits on. */
function acknowledgments(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => ({ path: construct.node.path, id, reason })),
  );
}

describe.each(Object.entries(CONFIGURATIONS))("cdk-nag AwsSolutionsChecks with %s", (_name, context) => {
  const { stack } = synthStack(context);

  it("reports no unacknowledged error or warning", () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    const findings = report.violations.map((violation) => `${violation.severity} ${violation.ruleName}: ${violation.violatingResources.map((r) => r.constructPath).join(", ")}`);
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it("acknowledges each finding beside its resource, with a written reason and never for the whole stack", () => {
    const acks = acknowledgments(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.path).not.toBe(stack.node.path);
      expect(ack.reason.length).toBeGreaterThan(40);
      // a wildcard finding is acknowledged for one named action or resource, not the whole rule
      if (ack.id.includes("AwsSolutions-IAM")) expect(ack.id).toMatch(/\[(Action|Resource|Policy)::.+\]$/);
    }
  });
});
