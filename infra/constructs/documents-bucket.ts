import { Stack, Validations } from "aws-cdk-lib";
import { Effect, type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import { Bucket, BucketEncryption, type CfnBucket } from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { ENV } from "../../functions/deployment-contract";
import { PREFIXES, RETENTION, secureBucketProps } from "../secure-defaults";

export interface DocumentsBucketProps {
  /** `s3`: SSE-S3 (no key to pay for); `kms`: a customer managed key with yearly rotation. */
  encryption: "s3" | "kms";
}

/** What a function may do in the bucket; each prefix is one of `PREFIXES` (e.g. `letters/`). */
export interface PrefixAccess {
  read: readonly string[];
  write?: readonly string[];
}

/**
 * The documents bucket (letter data under `data/`, rendered documents under `letters/`) and the
 * private bucket its server access logs go to. Owns encryption, public-access blocking, TLS-only
 * policy, versioning and lifecycle; hands out prefix-scoped permissions only (`grantPrefixes`).
 */
export class DocumentsBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogsBucket: Bucket;
  /** Only with `encryption: "kms"`. */
  readonly key?: Key;

  constructor(scope: Construct, id: string, props: DocumentsBucketProps) {
    super(scope, id);

    this.accessLogsBucket = new Bucket(this, "AccessLogs", {
      ...secureBucketProps(),
      // S3 server access logging can only deliver to a bucket with SSE-S3 default encryption.
      encryption: BucketEncryption.S3_MANAGED,
      lifecycleRules: [{ id: "expire-access-logs", expiration: RETENTION.accessLogs }],
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: "AwsSolutions-S1",
      reason: "This is the server access log bucket; logging it would log its own log deliveries without end.",
    });

    if (props.encryption === "kms") {
      this.key = new Key(this, "Key", {
        description: "letterpress documents bucket",
        enableKeyRotation: true,
        // Objects encrypted with it outlive the stack (the bucket is retained), so the key must too.
        removalPolicy: secureBucketProps().removalPolicy!,
      });
    }

    this.bucket = new Bucket(this, "Bucket", {
      ...secureBucketProps(),
      ...(this.key
        ? { encryption: BucketEncryption.KMS, encryptionKey: this.key, bucketKeyEnabled: true }
        : { encryption: BucketEncryption.S3_MANAGED }),
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: "documents/",
      lifecycleRules: [
        { id: "expire-noncurrent-versions", noncurrentVersionExpiration: RETENTION.noncurrentVersions },
        { id: "abort-incomplete-multipart-uploads", abortIncompleteMultipartUploadAfter: RETENTION.incompleteMultipartUploads },
        { id: "remove-expired-delete-markers", expiredObjectDeleteMarker: true },
      ],
    });
  }

  /** The bucket's environment variables for a function (names from functions/config.ts). */
  functionEnvironment(): Record<string, string> {
    return {
      [ENV.documentsBucket]: this.bucket.bucketName,
      [ENV.dataPrefix]: PREFIXES.data,
      [ENV.encryption]: this.key ? "kms" : "s3",
      ...(this.key ? { [ENV.kmsKeyId]: this.key.keyArn } : {}),
    };
  }

  /**
   * Exactly these statements, never bucket-wide: s3:GetObject on `<bucket>/<prefix>*` of each read
   * prefix, s3:PutObject on each write prefix, s3:ListBucket on the bucket only for those prefixes
   * (without it S3 answers 403 instead of 404 for a missing key, and the functions rely on 404), and,
   * with KMS, kms:Decrypt (+ kms:GenerateDataKey to write) on this key only.
   */
  grantPrefixes(grantee: IGrantable, access: PrefixAccess): void {
    const write = access.write ?? [];
    const objects = (prefixes: readonly string[]) => prefixes.map((prefix) => this.bucket.arnForObjects(`${prefix}*`));
    const statements = [
      new PolicyStatement({ effect: Effect.ALLOW, actions: ["s3:GetObject"], resources: objects(access.read) }),
      ...(write.length > 0 ? [new PolicyStatement({ effect: Effect.ALLOW, actions: ["s3:PutObject"], resources: objects(write) })] : []),
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ["s3:ListBucket"],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { "s3:prefix": [...new Set([...access.read, ...write])].map((prefix) => `${prefix}*`) } },
      }),
      ...(this.key
        ? [new PolicyStatement({ effect: Effect.ALLOW, actions: write.length > 0 ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"], resources: [this.key.keyArn] })]
        : []),
    ];
    for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);

    const principal = grantee.grantPrincipal;
    if (Construct.isConstruct(principal)) {
      for (const prefix of new Set([...access.read, ...write])) {
        Validations.of(principal).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${this.objectsFinding(prefix)}]`,
          reason: `Scoped to the ${prefix} prefix: the wildcard stands for the object keys under it, which are made at run time.`,
        });
      }
    }
  }

  /** How cdk-nag names `<bucket>/<prefix>*` in a finding (by the bucket's logical id). */
  objectsFinding(prefix: string): string {
    const logicalId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    return `<${logicalId}.Arn>/${prefix}*`;
  }
}
