import { RemovalPolicy, Validations } from "aws-cdk-lib";
import { Effect, type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";

/**
 * The share links' key ring: one Secrets Manager secret, generated at the first deployment as
 * `{ "current": "k1", "k1": "<64 random A-Z a-z 0-9>" }` (the flat form functions/share reads; 64
 * base64 characters are 48 bytes, 381 random bits). Operators rotate it by hand (infra/README.md):
 * a new key made current, the old one kept until its links have expired. Only the download function
 * is granted to read it.
 */
export class ShareKeys extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new Secret(this, "Secret", {
      description: "letterpress share links: HMAC key ring (read by the download function only)",
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ current: "k1" }),
        generateStringKey: "k1",
        passwordLength: 64,
        excludePunctuation: true,
        includeSpace: false,
      },
      // Deleting the ring would break every live link; a replaced stack keeps it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason:
        "Rotation must keep the previous keys (live links are signed with them) for up to 90 days; the managed rotation templates replace the value, and a rotation function of our own that keeps them is not built yet (infra/README.md, 'Rotating the key': what it needs), so the ring is rotated by hand as described there.",
    });
  }

  /** Exactly `secretsmanager:GetSecretValue` on this secret: no DescribeSecret, no other secret. */
  grantRead(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ["secretsmanager:GetSecretValue"], resources: [this.secret.secretArn] }));
  }
}
