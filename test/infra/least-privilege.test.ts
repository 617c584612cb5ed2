import type { BucketDeployment } from "aws-cdk-lib/aws-s3-deployment";
import { KEY_ADMINISTRATION_ACTIONS } from "../../infra/secure-defaults";
import { logicalId, roleStatements, synthStack } from "./synth-stack";

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

const ACCOUNT_ROOT = { AWS: { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":iam::", { Ref: "AWS::AccountId" }, ":root"]] } };
const ADMINISTRATION = { Sid: "AdministrationByTheAccount", Effect: "Allow", Principal: ACCOUNT_ROOT, Action: [...KEY_ADMINISTRATION_ACTIONS], Resource: "*" };

/** The statements of the deploy-time helper role CDK adds for the BucketDeployment of data/. */
function deploymentHelperStatements(synth: ReturnType<typeof synthStack>): unknown[] {
  const deployment = synth.stack.render.node.findChild("LetterData") as BucketDeployment;
  const roleId = logicalId(synth.stack, deployment.handlerRole as never);
  const policies = Object.values(synth.template.findResources("AWS::IAM::Policy") as Resources).filter((policy) =>
    (policy.Properties["Roles"] as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })),
  );
  expect(policies).toHaveLength(1);
  return policies[0]!.Properties["PolicyDocument"].Statement as unknown[];
}

/** Every statement of every key policy in the template. */
function keyPolicies(synth: ReturnType<typeof synthStack>): Record<string, unknown[]> {
  return Object.fromEntries(
    Object.entries(synth.template.findResources("AWS::KMS::Key") as Resources).map(([id, key]) => [id, key.Properties["KeyPolicy"].Statement as unknown[]]),
  );
}

describe.each([
  ["SSE-S3", {}],
  ["SSE-KMS", { encryption: "kms" }],
])("least privilege with %s", (_name, context) => {
  const synth = synthStack(context);
  const bucketArn = { "Fn::GetAtt": [logicalId(synth.stack, synth.stack.documents.bucket), "Arn"] };
  const underData = { "Fn::Join": ["", [bucketArn, "/data/*"]] };

  it("lets the deploy-time helper that copies letter data list, put and delete under data/ only (no wildcard action on the documents bucket)", () => {
    const statements = deploymentHelperStatements(synth);
    const onDocuments = statements.filter((statement) => JSON.stringify(statement).includes(JSON.stringify(bucketArn)));
    const key = synth.stack.documents.key;
    expect(onDocuments).toEqual([
      { Effect: "Allow", Action: "s3:PutObject", Resource: underData },
      { Effect: "Allow", Action: "s3:DeleteObject", Resource: underData },
      { Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn, Condition: { StringLike: { "s3:prefix": ["data/*"] } } },
    ]);
    // The rest is CDK's read of the data/ asset from its bootstrap bucket, and (with KMS) the key to write with.
    const others = statements.filter((statement) => !onDocuments.includes(statement));
    expect(JSON.stringify(others)).not.toMatch(/s3:(Delete|Put|Abort)/);
    expect(others.filter((statement) => JSON.stringify(statement).includes("kms:"))).toEqual(
      key ? [{ Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: { "Fn::GetAtt": [logicalId(synth.stack, key), "Arn"] } }] : [],
    );
  });

  it("gives no key policy kms:* (and the account no wildcard action): the account administers each key, and only the key's users use it", () => {
    const policies = keyPolicies(synth);
    expect(Object.keys(policies)).toHaveLength(key(synth) ? 2 : 1);
    for (const statements of Object.values(policies)) {
      expect(JSON.stringify(statements)).not.toContain('"kms:*"');
      const byTheAccount = statements.filter((statement) => JSON.stringify(statement).includes(":root"));
      expect(JSON.stringify(byTheAccount)).not.toMatch(/"kms:[A-Za-z]*\*"/);
    }
    const topicKeyId = synth.template.toJSON().Resources[logicalId(synth.stack, synth.stack.alarms.topic)].Properties.KmsMasterKeyId["Fn::GetAtt"][0];
    expect(policies[topicKeyId]).toEqual([
      ADMINISTRATION,
      // CloudWatch publishes the alarms to the encrypted topic (the actions AWS documents for it).
      { Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Resource: "*" },
    ]);
  });
});

function key(synth: ReturnType<typeof synthStack>) {
  return synth.stack.documents.key;
}

describe("the documents key (encryption=kms)", () => {
  const synth = synthStack({ encryption: "kms" });

  it("is administered by the account and used only through S3 in its region, by principals the account grants it to", () => {
    expect(keyPolicies(synth)[logicalId(synth.stack, synth.stack.documents.key!)]).toEqual([
      ADMINISTRATION,
      {
        Sid: "UseThroughS3ByGrantedPrincipalsOfTheAccount",
        Effect: "Allow",
        Principal: ACCOUNT_ROOT,
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": { "Fn::Join": ["", ["s3.", { Ref: "AWS::Region" }, ".amazonaws.com"]] }, "kms:CallerAccount": { Ref: "AWS::AccountId" } } },
      },
    ]);
  });

  it("does not let the account create grants on the key (a grant would let a principal give itself decryption)", () => {
    expect(KEY_ADMINISTRATION_ACTIONS).not.toContain("kms:CreateGrant");
    expect(JSON.stringify(keyPolicies(synth))).not.toContain("kms:CreateGrant");
  });
});

describe("a missing key answers 404 (not 403) to the download function", () => {
  // S3: "If you have the s3:ListBucket permission on the bucket, Amazon S3 returns an HTTP status code
  // 404 (Not Found) error. If you don't have the s3:ListBucket permission, Amazon S3 returns an HTTP
  // status code 403." A GET carries no prefix parameter, so a grant conditioned with StringLike on
  // s3:prefix does not count: the download function's condition is StringLikeIfExists, which still
  // confines every list that names a prefix to letters/ and shares/ (fresh user 9, item 15). It treats
  // "missing" as an answer: a revocation that does not exist is "not revoked"; a document not stored
  // yet is rendered on demand. With a 403 every share link would answer the 503 page.
  const synth = synthStack();
  const bucketArn = { "Fn::GetAtt": [logicalId(synth.stack, synth.stack.documents.bucket), "Arn"] };
  const statements = roleStatements(synth.template, logicalId(synth.stack, synth.stack.download.downloader.function)) as Record<string, unknown>[];

  it("holds s3:ListBucket on the bucket only for letters/ and shares/ when a prefix is named (IfExists: a GET names none), and reads only those", () => {
    const listing = statements.filter((statement) => JSON.stringify(statement.Action).includes("s3:List"));
    expect(listing).toEqual([{ Action: "s3:ListBucket", Effect: "Allow", Resource: bucketArn, Condition: { StringLikeIfExists: { "s3:prefix": ["letters/*", "shares/*"] } } }]);
    expect(statements.filter((statement) => JSON.stringify(statement.Action).includes("s3:GetObject"))).toEqual([
      { Action: "s3:GetObject", Effect: "Allow", Resource: [{ "Fn::Join": ["", [bucketArn, "/letters/*"]] }, { "Fn::Join": ["", [bucketArn, "/shares/*"]] }] },
    ]);
  });

  it("is not denied s3:ListBucket by the bucket policy for a request over TLS 1.2+ (the only Denies are on insecure transport)", () => {
    const policies = Object.values(synth.template.findResources("AWS::S3::BucketPolicy") as Resources).filter(
      (policy) => JSON.stringify(policy.Properties["Bucket"]) === JSON.stringify({ Ref: logicalId(synth.stack, synth.stack.documents.bucket) }),
    );
    const denies = policies.flatMap((policy) => policy.Properties["PolicyDocument"].Statement as Record<string, any>[]).filter((statement) => statement.Effect === "Deny");
    expect(denies.length).toBeGreaterThan(0);
    for (const deny of denies) expect([{ Bool: { "aws:SecureTransport": "false" } }, { NumericLessThan: { "s3:TlsVersion": 1.2 } }]).toContainEqual(deny.Condition);
  });
});
