import { ENV } from "../../functions/config";
import { logicalId, roleStatements, synthStack } from "./synth-stack";
import { RENDER_NODE_OPTIONS } from "../../functions/render/node-options";

describe("functions", () => {
  const { template, stack } = synthStack();
  const bucketId = logicalId(stack, stack.documents.bucket);
  const renderId = logicalId(stack, stack.render.renderer.function);
  const downloadId = logicalId(stack, stack.download.downloader.function);
  const onDemandRenderId = logicalId(stack, stack.render.onDemandRenderer.function);
  const bucketArn = { "Fn::GetAtt": [bucketId, "Arn"] };
  const objects = (prefix: string) => ({ "Fn::Join": ["", [bucketArn, `/${prefix}*`]] });
  const logWrite = (fnId: string) => ({
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Effect: "Allow",
    Resource: { "Fn::GetAtt": [template.toJSON().Resources[fnId].Properties.LoggingConfig.LogGroup.Ref, "Arn"] },
  });
  // Required by X-Ray active tracing: these actions have no resource-level permissions (Resource "*").
  const xray = { Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Effect: "Allow", Resource: "*" };
  const shared = {
    [ENV.documentsBucket]: { Ref: bucketId },
    [ENV.dataPrefix]: "data/",
    [ENV.encryption]: "s3",
    [ENV.urlLifetimeDefault]: "300",
    [ENV.urlLifetimeMax]: "3600",
  };

  it("runs both on Node.js 22, arm64, with active X-Ray tracing and a one-month log group", () => {
    for (const id of [renderId, downloadId]) {
      const fn = template.toJSON().Resources[id].Properties;
      expect(fn).toMatchObject({ Runtime: "nodejs22.x", Architectures: ["arm64"], TracingConfig: { Mode: "Active" } });
      const logGroup = template.toJSON().Resources[fn.LoggingConfig.LogGroup.Ref];
      expect(logGroup).toMatchObject({ Type: "AWS::Logs::LogGroup", Properties: { RetentionInDays: 30 } });
    }
  });

  it("sizes the render function at 1024 MB / 60 s with reserved concurrency 10", () => {
    expect(template.toJSON().Resources[renderId].Properties).toMatchObject({ MemorySize: 1024, Timeout: 60, ReservedConcurrentExecutions: 10 });
  });

  it("sizes the download function at 256 MB / 28 s (room for an on-demand render of 15 s and its cold start: on-demand-lifetimes.test.ts)", () => {
    expect(template.toJSON().Resources[downloadId].Properties).toMatchObject({ MemorySize: 256, Timeout: 28 });
  });

  it("gives the render function the shared environment and its part queue's URL, named as functions/config.ts names them", () => {
    expect(template.toJSON().Resources[renderId].Properties.Environment.Variables).toEqual({
      ...shared,
      NODE_OPTIONS: RENDER_NODE_OPTIONS,
      [ENV.renderPartQueueUrl]: { Ref: logicalId(stack, stack.render.partQueue) },
    });
  });

  it("gives the download function the shared environment, the render function's name and the people's sign-in", () => {
    const apiId = logicalId(stack, stack.download.peopleApi);
    const signIn = stack.download.signIn!;
    expect(template.toJSON().Resources[downloadId].Properties.Environment.Variables).toEqual({
      ...shared,
      [ENV.renderFunctionName]: { Ref: onDemandRenderId },
      // Share links: the key ring's secret, the people API's URL (links point there), 90 days at most.
      [ENV.shareKeysSecretId]: { Ref: logicalId(stack, stack.download.shareKeys.secret) },
      [ENV.shareLinkBaseUrl]: { "Fn::Join": ["", ["https://", { Ref: apiId }, ".execute-api.", { Ref: "AWS::Region" }, ".", { Ref: "AWS::URLSuffix" }, "/"]] },
      [ENV.shareMaxLifetime]: "7776000",
      // The sign-in page's hosted UI and app client (peopleSignIn=cognito, the default).
      [ENV.signInDomainUrl]: { "Fn::Join": ["", ["https://", { Ref: logicalId(stack, signIn.domain) }, ".auth.", { Ref: "AWS::Region" }, ".amazoncognito.com"]] },
      [ENV.signInClientId]: { Ref: logicalId(stack, signIn.client) },
    });
  });

  it("points share links at a custom domain and shortens their lifetime when the context says so", () => {
    const custom = synthStack({ shareLinkBaseUrl: "https://letters.example.org", shareMaxLifetimeSeconds: "604800" });
    const id = logicalId(custom.stack, custom.stack.download.downloader.function);
    expect(custom.template.toJSON().Resources[id].Properties.Environment.Variables).toMatchObject({
      [ENV.shareLinkBaseUrl]: "https://letters.example.org/",
      [ENV.shareMaxLifetime]: "604800",
    });
    expect(() => synthStack({ shareMaxLifetimeSeconds: String(91 * 86_400) })).toThrow(/shareMaxLifetimeSeconds.*at most 7776000 seconds \(90 days\)/);
  });

  it("lets the render function read data/, read and write letters/, list only those prefixes, consume its two queues and send to its part queue only; nothing else", () => {
    const queueArn = { "Fn::GetAtt": [logicalId(stack, stack.render.queue), "Arn"] };
    const partQueueArn = { "Fn::GetAtt": [logicalId(stack, stack.render.partQueue), "Arn"] };
    const consume = ["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:DeleteMessage", "sqs:GetQueueAttributes"];
    expect(roleStatements(template, renderId)).toEqual([
      logWrite(renderId),
      xray,
      { Action: "s3:GetObject", Effect: "Allow", Resource: [objects("letters/"), objects("data/")] },
      { Action: "s3:PutObject", Effect: "Allow", Resource: objects("letters/") },
      { Action: "s3:ListBucket", Effect: "Allow", Resource: bucketArn, Condition: { StringLike: { "s3:prefix": ["letters/*", "data/*"] } } },
      { Action: consume, Effect: "Allow", Resource: queueArn },
      { Action: consume, Effect: "Allow", Resource: partQueueArn },
      // The parts of a changed letter: SendMessage (which SendMessageBatch needs) on the part queue, nothing more.
      { Action: "sqs:SendMessage", Effect: "Allow", Resource: partQueueArn },
    ]);
  });

  it("lets the download function read letters/ (a URL it signs can only read), read and write shares/, read the share key ring, and invoke the on-demand render function; nothing else", () => {
    expect(roleStatements(template, downloadId)).toEqual([
      logWrite(downloadId),
      xray,
      { Action: "s3:GetObject", Effect: "Allow", Resource: [objects("letters/"), objects("shares/")] },
      { Action: "s3:PutObject", Effect: "Allow", Resource: objects("shares/") },
      // IfExists, so S3 still answers 404 (not 403) for a missing key: see least-privilege.test.ts.
      { Action: "s3:ListBucket", Effect: "Allow", Resource: bucketArn, Condition: { StringLikeIfExists: { "s3:prefix": ["letters/*", "shares/*"] } } },
      { Action: "secretsmanager:GetSecretValue", Effect: "Allow", Resource: { Ref: logicalId(stack, stack.download.shareKeys.secret) } },
      { Action: "lambda:InvokeFunction", Effect: "Allow", Resource: { "Fn::GetAtt": [onDemandRenderId, "Arn"] } },
    ]);
  });

  it("passes allowed locales and URL lifetimes from context", () => {
    const custom = synthStack({ allowedLocales: "en,fr", urlTtlDefault: "60", urlTtlMax: "600" });
    const id = logicalId(custom.stack, custom.stack.download.downloader.function);
    expect(custom.template.toJSON().Resources[id].Properties.Environment.Variables).toMatchObject({
      [ENV.allowedLocales]: "en,fr",
      [ENV.urlLifetimeDefault]: "60",
      [ENV.urlLifetimeMax]: "600",
    });
  });

  describe("with encryption=kms", () => {
    const kms = synthStack({ encryption: "kms" });
    const keyArn = { "Fn::GetAtt": [logicalId(kms.stack, kms.stack.documents.key!), "Arn"] };
    const kmsRenderId = logicalId(kms.stack, kms.stack.render.renderer.function);
    const kmsDownloadId = logicalId(kms.stack, kms.stack.download.downloader.function);

    it("tells the functions the key, and grants the render function decrypt and generate-data-key on that key only", () => {
      expect(kms.template.toJSON().Resources[kmsRenderId].Properties.Environment.Variables).toMatchObject({ [ENV.encryption]: "kms", [ENV.kmsKeyId]: keyArn });
      expect(roleStatements(kms.template, kmsRenderId)).toContainEqual({ Action: ["kms:Decrypt", "kms:GenerateDataKey"], Effect: "Allow", Resource: keyArn });
    });

    it("grants the download function decrypt and generate-data-key (it writes share records under shares/) on that key only", () => {
      const statements = roleStatements(kms.template, kmsDownloadId);
      expect(statements.filter((statement) => JSON.stringify(statement).includes("kms:"))).toEqual([
        { Action: ["kms:Decrypt", "kms:GenerateDataKey"], Effect: "Allow", Resource: keyArn },
      ]);
    });
  });

  it("grants no KMS action without encryption=kms", () => {
    expect(JSON.stringify([roleStatements(template, renderId), roleStatements(template, downloadId)])).not.toContain("kms:");
  });
});
