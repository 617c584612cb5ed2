import { Aspects, CfnOutput, Stack, type StackProps, Validations } from "aws-cdk-lib";
import type { Code } from "aws-cdk-lib/aws-lambda";
import type { Construct } from "constructs";
import { ENV } from "../functions/deployment-contract";
import type { InfraConfig } from "./config";
import { DocumentsBucket } from "./constructs/documents-bucket";
import { FunctionLogGroups } from "./function-log-groups";
import { DownloadApi } from "./constructs/download-api";
import { OperationsAlarms } from "./constructs/operations-alarms";
import { RenderPipeline } from "./constructs/render-pipeline";

export interface LetterpressStackProps extends StackProps {
  config: InfraConfig;
  /** TESTS ONLY: replaces the esbuild bundles of both functions (see `LetterFunctionProps.codeOverride`). */
  codeOverride?: Code;
}

/** One deployment of letterpress (one stage): documents bucket, render pipeline, download API, alarms. */
export class LetterpressStack extends Stack {
  readonly documents: DocumentsBucket;
  readonly render: RenderPipeline;
  readonly download: DownloadApi;
  readonly alarms: OperationsAlarms;

  constructor(scope: Construct, id: string, props: LetterpressStackProps) {
    super(scope, id, props);
    // Every function, CDK's helpers included, logs to a group with retention.
    Aspects.of(this).add(new FunctionLogGroups());
    const { config } = props;
    const code = props.codeOverride ? { codeOverride: props.codeOverride } : {};

    const documents = (this.documents = new DocumentsBucket(this, "Documents", { encryption: config.encryption }));
    const environment = {
      ...documents.functionEnvironment(),
      ...(config.allowedLocales === "all" ? {} : { [ENV.allowedLocales]: config.allowedLocales.join(",") }),
      [ENV.urlLifetimeDefault]: String(config.urlLifetime.defaultSeconds),
      [ENV.urlLifetimeMax]: String(config.urlLifetime.maxSeconds),
    };

    const render = (this.render = new RenderPipeline(this, "Render", {
      documents,
      environment,
      reservedConcurrency: config.renderReservedConcurrency,
      runtime: config.renderRuntime,
      ...code,
    }));
    const download = (this.download = new DownloadApi(this, "Download", {
      documents,
      renderFunction: render.onDemandRenderer.function,
      environment,
      stage: config.stage,
      peopleSignIn: config.peopleSignIn,
      throttle: config.throttle,
      shares: config.shares,
      ...code,
    }));
    const alarms = (this.alarms = new OperationsAlarms(this, "Alarms", {
      deadLetterQueue: render.deadLetterQueue,
      functions: {
        Render: render.renderer.function,
        OnDemandRender: render.onDemandRenderer.function,
        Download: download.downloader.function,
        ShareKeyRotation: download.shareKeys.rotation.function,
      },
      renderLogs: render.renderer.logGroup,
      refusedShareLinkThreshold: config.shares.refusedAlarmThreshold,
      ...(config.alarmEmail ? { email: config.alarmEmail } : {}),
    }));

    for (const role of [render.renderer.role, render.onDemandRenderer.role, download.downloader.role, download.shareKeys.rotation.role]) {
      Validations.of(role).acknowledge({
        id: "AwsSolutions-IAM5[Resource::*]",
        reason: "X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so AWS requires Resource *.",
      });
    }

    new CfnOutput(this, "ApiUrl", {
      value: download.url,
      description: "for tools: GET <ApiUrl>letters/{letterId}/{locale}/{format}, the share routes and the letters page, every request IAM-signed (SigV4)",
    });
    new CfnOutput(this, "PeopleUrl", {
      value: download.peopleUrl,
      description: "for people: the letters page and the same routes with a signed-in person's token (JWT); <PeopleUrl>s/{token} (share links) is open",
    });
    if (download.signIn) {
      new CfnOutput(this, "SignInUrl", { value: `${download.peopleUrl}signin`, description: "people sign in here (the user pool's hosted UI), then see the letters page" });
      new CfnOutput(this, "UserPoolId", {
        value: download.signIn.userPool.userPoolId,
        description: "invite colleagues: aws cognito-idp admin-create-user --user-pool-id <UserPoolId> --username <email>",
      });
    }
    new CfnOutput(this, "ShareKeysSecretArn", {
      value: download.shareKeys.secret.secretArn,
      description: "the share links' key ring (rotated every 30 days by its rotation function; infra/README.md)",
    });
    new CfnOutput(this, "DocumentsBucketName", { value: documents.bucket.bucketName });
    new CfnOutput(this, "RenderQueueUrl", { value: render.queue.queueUrl });
    new CfnOutput(this, "RenderFunctionName", { value: render.renderer.function.functionName });
    new CfnOutput(this, "AlarmTopicArn", { value: alarms.topic.topicArn });
  }
}
