import { Aws, Stack, Validations } from "aws-cdk-lib";
import { AccountRootPrincipal, Effect, Grant, type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import { Bucket, BucketEncryption, type CfnBucket, type IBucket } from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { ENV } from "../../functions/deployment-contract";
import { administeredKeyPolicy, PREFIXES, RETENTION, secureBucketProps } from "../secure-defaults";

export interface DocumentsBucketProps {
  /** `s3`: SSE-S3 (no key to pay for); `kms`: a customer managed key with yearly rotation. */
  encryption: "s3" | "kms";
}

/** What a function may do in the bucket; each prefix is one of `PREFIXES` (e.g. `letters/`). */
export interface PrefixAccess {
  read: readonly string[];
  write?: readonly string[];
  /** Only for the deployment of letter data, which removes files deleted from the repository. */
  delete?: readonly string[];
  /**
   * A GET or HEAD of a missing key must answer 404, not 403. S3 answers 404 only "if you have the
   * s3:ListBucket permission on the bucket", and a GET carries no `prefix`, so a grant conditioned with
   * `StringLike` on `s3:prefix` does not count for it. With this set the condition is
   * `StringLikeIfExists`: a request that names a prefix (every list the functions make) may list only
   * under the given prefixes, and the prefix-less check behind a GET still passes (fresh user 9, item 15:
   * the download role listed the whole bucket). What remains: a list request that names no prefix at
   * all; the grantee then sees key names (never objects) of the whole bucket.
   */
  missingKeysAre404?: boolean;
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
      // The account administers the key; its IAM principals may use it only through S3 in this
      // region, and only with an IAM grant of their own (grantPrefixes): the documents' key is not a
      // general-purpose decryption key for the account.
      const policy = administeredKeyPolicy();
      policy.addStatements(
        new PolicyStatement({
          sid: "UseThroughS3ByGrantedPrincipalsOfTheAccount",
          principals: [new AccountRootPrincipal()],
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: ["*"],
          conditions: { StringEquals: { "kms:ViaService": `s3.${Aws.REGION}.amazonaws.com`, "kms:CallerAccount": Aws.ACCOUNT_ID } },
        }),
      );
      this.key = new Key(this, "Key", {
        description: "letterpress documents bucket",
        enableKeyRotation: true,
        policy,
        // Objects encrypted with it outlive the stack (the bucket is retained), so the key must too.
        removalPolicy: secureBucketProps().removalPolicy!,
      });
    }

    this.bucket = new Bucket(this, "Bucket", {
      ...secureBucketProps(),
      ...(this.key ? { encryption: BucketEncryption.KMS, encryptionKey: this.key, bucketKeyEnabled: true } : { encryption: BucketEncryption.S3_MANAGED }),
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
   * prefix, s3:PutObject on each write prefix, s3:DeleteObject on each delete prefix, s3:ListBucket on the bucket only for those prefixes
   * (with `missingKeysAre404`, `StringLikeIfExists`: see there), and,
   * with KMS, kms:Decrypt (+ kms:GenerateDataKey to write) on this key only.
   */
  grantPrefixes(grantee: IGrantable, access: PrefixAccess): void {
    const write = access.write ?? [];
    const remove = access.delete ?? [];
    const objects = (prefixes: readonly string[]) => prefixes.map((prefix) => this.bucket.arnForObjects(`${prefix}*`));
    const objectStatement = (action: string, prefixes: readonly string[]) =>
      prefixes.length > 0 ? [new PolicyStatement({ effect: Effect.ALLOW, actions: [action], resources: objects(prefixes) })] : [];
    const touched = [...new Set([...access.read, ...write, ...remove])];
    const statements = [
      ...objectStatement("s3:GetObject", access.read),
      ...objectStatement("s3:PutObject", write),
      ...objectStatement("s3:DeleteObject", remove),
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ["s3:ListBucket"],
        resources: [this.bucket.bucketArn],
        conditions: { [access.missingKeysAre404 ? "StringLikeIfExists" : "StringLike"]: { "s3:prefix": touched.map((prefix) => `${prefix}*`) } },
      }),
      ...(this.key
        ? [new PolicyStatement({ effect: Effect.ALLOW, actions: write.length > 0 ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"], resources: [this.key.keyArn] })]
        : []),
    ];
    for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);

    const principal = grantee.grantPrincipal;
    if (Construct.isConstruct(principal)) {
      for (const prefix of touched) {
        Validations.of(principal).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${this.objectsFinding(prefix)}]`,
          reason: `Scoped to the ${prefix} prefix: the wildcard stands for the object keys under it, which are made at run time.`,
        });
      }
    }
  }

  /**
   * The bucket as CDK's BucketDeployment should see it when it syncs one prefix. BucketDeployment
   * grants its helper `grantReadWrite` on the whole destination bucket (every object, s3:DeleteObject*
   * included); through this view that grant becomes what a sync of `prefix` needs: list, put and
   * delete under the prefix (and the key for writing). Everything else is the bucket itself.
   */
  deploymentDestination(prefix: string): IBucket {
    const grantSync = (grantee: IGrantable): Grant => {
      this.grantPrefixes(grantee, { read: [], write: [prefix], delete: [prefix] });
      return Grant.drop(grantee, `sync ${prefix} (statements added by DocumentsBucket.grantPrefixes)`);
    };
    return new Proxy(this.bucket, {
      get: (bucket, property) => (property === "grantReadWrite" ? grantSync : Reflect.get(bucket, property, bucket)),
    });
  }

  /** How cdk-nag names `<bucket>/<prefix>*` in a finding (by the bucket's logical id). */
  objectsFinding(prefix: string): string {
    const logicalId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    return `<${logicalId}.Arn>/${prefix}*`;
  }
}
