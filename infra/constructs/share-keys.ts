import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { Effect, type IGrantable, PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { Code } from "aws-cdk-lib/aws-lambda";
import { CfnRotationSchedule, Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { ENV } from "../../functions/deployment-contract";
import { LetterFunction } from "./letter-function";

export interface ShareKeysProps {
  /** The longest lifetime of a share link, in seconds: the rotation keeps a retired key that long (plus a day). */
  maxLifetimeSeconds: number;
  /** How often a new key becomes current; 30 days. */
  rotateEvery?: Duration;
  /** TESTS ONLY: see `LetterFunctionProps.codeOverride`. */
  codeOverride?: Code;
}

/**
 * The share links' key ring: one Secrets Manager secret, generated at the first deployment as
 * `{ "current": "k1", "k1": "<64 random A-Z a-z 0-9>" }` (the flat form functions/share reads; 64
 * base64 characters are 48 bytes, 381 random bits), and rotated every 30 days by a function of its
 * own (functions/share-key-rotation/): a new key made current, the former ones kept until every link
 * they sealed has expired, then dropped. Only the download function may read the ring, and only the
 * rotation function may write it.
 */
export class ShareKeys extends Construct {
  readonly secret: Secret;
  readonly rotation: LetterFunction;

  constructor(scope: Construct, id: string, props: ShareKeysProps) {
    super(scope, id);
    this.secret = new Secret(this, "Secret", {
      description: "letterpress share links: key ring (read by the download function, rotated by its rotation function)",
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

    this.rotation = new LetterFunction(this, "RotationFunction", {
      entry: "functions/share-key-rotation/handler.ts",
      description: "letterpress: rotates the share links' key ring (Secrets Manager's four rotation steps)",
      memorySize: 256,
      timeout: Duration.seconds(30),
      environment: { [ENV.shareKeysSecretId]: this.secret.secretArn, [ENV.shareMaxLifetime]: String(props.maxLifetimeSeconds) },
      assets: { templates: false, fonts: false },
      // One rotation at a time is all Secrets Manager asks; none may run beside it.
      reservedConcurrentExecutions: 1,
      ...(props.codeOverride ? { codeOverride: props.codeOverride } : {}),
    });
    const fn = this.rotation.function;
    // Not CDK's RotationSchedule: it grants the function secretsmanager:GetRandomPassword on "*" and lets
    // any secret's rotation invoke it. Here: the four actions on this secret, and only its rotation may call.
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
        resources: [this.secret.secretArn],
      }),
    );
    fn.addPermission("InvokedBySecretsManager", {
      principal: new ServicePrincipal("secretsmanager.amazonaws.com"),
      action: "lambda:InvokeFunction",
      sourceArn: this.secret.secretArn,
    });
    const schedule = new CfnRotationSchedule(this, "Rotation", {
      secretId: this.secret.secretArn,
      rotationLambdaArn: fn.functionArn,
      rotationRules: { scheduleExpression: `rate(${(props.rotateEvery ?? Duration.days(30)).toDays()} days)` },
    });
    // Secrets Manager calls the function as soon as the schedule exists (a first rotation at once): the
    // function, its role's policy and the permission to invoke it must exist first.
    schedule.node.addDependency(fn);
    const permission = fn.node.tryFindChild("InvokedBySecretsManager");
    if (permission) schedule.node.addDependency(permission);
  }

  /** Exactly `secretsmanager:GetSecretValue` on this secret: no DescribeSecret, no other secret. */
  grantRead(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ["secretsmanager:GetSecretValue"], resources: [this.secret.secretArn] }));
  }
}
