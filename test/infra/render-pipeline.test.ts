import { Match } from "aws-cdk-lib/assertions";
import { logicalId, synthStack } from "./synth-stack";

describe("render pipeline", () => {
  const { template, stack } = synthStack();
  const queueId = logicalId(stack, stack.render.queue);
  const dlqId = logicalId(stack, stack.render.deadLetterQueue);
  const renderId = logicalId(stack, stack.render.renderer.function);
  const bucketId = logicalId(stack, stack.documents.bucket);

  it("moves a message to the dead-letter queue after three receives", () => {
    template.hasResourceProperties("AWS::SQS::Queue", {
      RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": [dlqId, "Arn"] }, maxReceiveCount: 3 },
      // six times the render timeout, as AWS advises for a Lambda event source
      VisibilityTimeout: 360,
    });
  });

  it("encrypts both queues and denies them any request without TLS", () => {
    for (const id of [queueId, dlqId]) {
      expect(template.toJSON().Resources[id].Properties).toMatchObject({ SqsManagedSseEnabled: true });
      template.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })]) },
      });
    }
    expect(template.toJSON().Resources[dlqId].Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  it("consumes the queue with partial batch responses, below the reserved concurrency", () => {
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [queueId, "Arn"] },
      FunctionName: { Ref: renderId },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      BatchSize: 2,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it("renders when letter data (*.json) is created under data/", () => {
    template.hasResourceProperties("Custom::S3BucketNotifications", {
      BucketName: { Ref: bucketId },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Events: ["s3:ObjectCreated:*"],
            Filter: { Key: { FilterRules: [{ Name: "suffix", Value: ".json" }, { Name: "prefix", Value: "data/" }] } },
            LambdaFunctionArn: { "Fn::GetAtt": [renderId, "Arn"] },
          },
        ],
      },
    });
    // only the documents bucket, from this account, may invoke it
    template.hasResourceProperties("AWS::Lambda::Permission", {
      Action: "lambda:InvokeFunction",
      FunctionName: { "Fn::GetAtt": [renderId, "Arn"] },
      Principal: "s3.amazonaws.com",
      SourceArn: { "Fn::GetAtt": [bucketId, "Arn"] },
      SourceAccount: { Ref: "AWS::AccountId" },
    });
  });

  it("retries a failed S3-triggered render twice, within an hour", () => {
    template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", { FunctionName: { Ref: renderId }, MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
  });

  it("deploys the repository's data/ folder to the data/ prefix", () => {
    template.hasResourceProperties("Custom::CDKBucketDeployment", {
      DestinationBucketName: { Ref: bucketId },
      DestinationBucketKeyPrefix: "data/",
      Prune: true,
    });
  });

  it("reserves the render concurrency given in context", () => {
    const custom = synthStack({ renderReservedConcurrency: "4" });
    const id = logicalId(custom.stack, custom.stack.render.renderer.function);
    expect(custom.template.toJSON().Resources[id].Properties.ReservedConcurrentExecutions).toBe(4);
    custom.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", { ScalingConfig: { MaximumConcurrency: 2 } });
  });
});
