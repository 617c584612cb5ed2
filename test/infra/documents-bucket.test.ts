import { Match } from "aws-cdk-lib/assertions";
import { logicalId, synthStack } from "./synth-stack";

describe("documents bucket", () => {
  const { template, stack } = synthStack();
  const bucketId = logicalId(stack, stack.documents.bucket);
  const logsId = logicalId(stack, stack.documents.accessLogsBucket);

  it("blocks all public access, enforces object ownership, versions, encrypts with SSE-S3 by default and logs access to the log bucket", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
      VersioningConfiguration: { Status: "Enabled" },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: "documents/" },
    });
  });

  it("expires old versions and incomplete multipart uploads", () => {
    const bucket = template.toJSON().Resources[bucketId];
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Id: "expire-noncurrent-versions", Status: "Enabled", NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
        expect.objectContaining({ Id: "abort-incomplete-multipart-uploads", Status: "Enabled", AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
      ]),
    );
  });

  it("is retained when the stack is deleted, and so is its log bucket", () => {
    for (const id of [bucketId, logsId]) {
      expect(template.toJSON().Resources[id]).toMatchObject({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
    }
  });

  it("denies every request not made over TLS, on the bucket and its objects", () => {
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "s3:*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
            Resource: [{ "Fn::GetAtt": [bucketId, "Arn"] }, { "Fn::Join": ["", [{ "Fn::GetAtt": [bucketId, "Arn"] }, "/*"]] }],
          }),
        ]),
      },
    });
  });

  it("keeps its access logs private, SSE-S3 encrypted, TLS-only and for a year", () => {
    expect(template.toJSON().Resources[logsId].Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
      LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: 365 })] },
    });
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      Bucket: { Ref: logsId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          // S3's log delivery may write the access logs, and nothing else is allowed in.
          Match.objectLike({ Effect: "Allow", Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject" }),
        ]),
      },
    });
  });

  it("uses no KMS key unless encryption=kms", () => {
    template.resourceCountIs("AWS::KMS::Key", 1); // the alarm topic's key only
    template.hasResourceProperties("AWS::KMS::Key", { Description: "letterpress alarm topic" });
  });

  it("with encryption=kms, encrypts with a rotated customer managed key (S3 Bucket Key on) that is retained with the bucket", () => {
    const kms = synthStack({ encryption: "kms" });
    const keyId = logicalId(kms.stack, kms.stack.documents.key!);
    kms.template.hasResource("AWS::KMS::Key", { Properties: Match.objectLike({ EnableKeyRotation: true }), DeletionPolicy: "Retain" });
    kms.template.hasResourceProperties("AWS::S3::Bucket", {
      VersioningConfiguration: { Status: "Enabled" },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: { "Fn::GetAtt": [keyId, "Arn"] } } },
        ],
      },
    });
  });
});
