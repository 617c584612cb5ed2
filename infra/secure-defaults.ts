import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { AccountRootPrincipal, PolicyDocument, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Architecture, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { BlockPublicAccess, type BucketProps, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import { QueueEncryption, type QueueProps } from "aws-cdk-lib/aws-sqs";
import { DEFAULTS, DOCUMENTS_PREFIX } from "../functions/deployment-contract";

/**
 * Secure defaults, in one place: every bucket, queue and function of the app starts from these, so a
 * construct can add to them but never forget one.
 */

/** Key prefixes in the documents bucket, shared with the functions: the object layout's documents prefix and the data prefix. */
export const PREFIXES = { documents: DOCUMENTS_PREFIX, data: DEFAULTS.dataPrefix } as const;

export const FUNCTION_DEFAULTS = {
  runtime: Runtime.NODEJS_22_X,
  architecture: Architecture.ARM_64,
  tracing: Tracing.ACTIVE,
  logRetention: RetentionDays.ONE_MONTH,
} as const;

/** Private, encrypted, TLS-only, owner-enforced and kept when the stack goes: the base of every bucket. */
export function secureBucketProps(): BucketProps {
  return {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

/** Encrypted (SQS-managed keys: no key to pay for) and TLS-only. */
export function secureQueueProps(): QueueProps {
  return { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true };
}

/** How long old versions and abandoned uploads stay in the documents bucket. */
export const RETENTION = {
  noncurrentVersions: Duration.days(30),
  incompleteMultipartUploads: Duration.days(7),
  accessLogs: Duration.days(365),
  deadLetters: Duration.days(14),
} as const;

/**
 * What the account may do with a key of ours: administer it, never use it. CDK's default key policy
 * gives the account root `kms:*`, which lets any IAM principal of the account that is granted
 * kms:Decrypt read every document, and lets one with kms:CreateGrant grant itself that. Here the
 * account keeps exactly the administration actions (no grants, no cryptographic use); each key adds
 * the use it is for (see DocumentsBucket and OperationsAlarms).
 */
export const KEY_ADMINISTRATION_ACTIONS = [
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:PutKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:EnableKeyRotation",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:DisableKey",
  "kms:UpdateKeyDescription",
  "kms:ListResourceTags",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ListGrants",
  "kms:RevokeGrant",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
] as const;

/** A key policy with the account's administration of the key and nothing else; add the key's use to it. */
export function administeredKeyPolicy(): PolicyDocument {
  return new PolicyDocument({
    statements: [new PolicyStatement({ sid: "AdministrationByTheAccount", principals: [new AccountRootPrincipal()], actions: [...KEY_ADMINISTRATION_ACTIONS], resources: ["*"] })],
  });
}
