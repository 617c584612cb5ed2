import { Match } from "aws-cdk-lib/assertions";
import { RENDER_MESSAGE_FAILED, RENDER_PART_FAILED } from "../../functions/render/render-handler";
import { logicalId, synthStack } from "./synth-stack";

describe("operations alarms", () => {
  const { template, stack } = synthStack({ alarmEmail: "ops@example.com" });
  const topicId = logicalId(stack, stack.alarms.topic);
  const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm")).map((alarm) => alarm["Properties"]);
  const alarmOn = (metricName: string, dimension: string) => alarms.find((alarm) => alarm.MetricName === metricName && JSON.stringify(alarm.Dimensions).includes(dimension));

  it("publishes to an SNS topic encrypted with a rotated key CloudWatch may use, TLS-only, with the e-mail subscribed", () => {
    const keyId = template.toJSON().Resources[topicId].Properties.KmsMasterKeyId["Fn::GetAtt"][0];
    template.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
    expect(JSON.stringify(template.toJSON().Resources[keyId].Properties.KeyPolicy)).toContain("cloudwatch.amazonaws.com");
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [{ Ref: topicId }],
      PolicyDocument: { Statement: [Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })] },
    });
    template.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: "ops@example.com", TopicArn: { Ref: topicId } });
  });

  it("alarms on any message in the dead-letter queue", () => {
    const dlq = alarmOn("ApproximateNumberOfMessagesVisible", logicalId(stack, stack.render.deadLetterQueue));
    expect(dlq).toMatchObject({ Namespace: "AWS/SQS", Statistic: "Maximum", Threshold: 0, ComparisonOperator: "GreaterThanThreshold" });
    expect(dlq.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  it("alarms on errors and throttles of the four functions (render, on-demand render, download, share key rotation)", () => {
    for (const fn of [stack.render.renderer.function, stack.render.onDemandRenderer.function, stack.download.downloader.function, stack.download.shareKeys.rotation.function]) {
      for (const metric of ["Errors", "Throttles"]) {
        const alarm = alarmOn(metric, logicalId(stack, fn));
        expect(alarm).toMatchObject({ Namespace: "AWS/Lambda", Statistic: "Sum", Threshold: 0, ComparisonOperator: "GreaterThanThreshold", AlarmActions: [{ Ref: topicId }] });
      }
    }
    expect(alarms).toHaveLength(11);
  });

  it("alarms on documents that failed for their data or template, counted from the render function's log (they are not retried, so never dead-lettered)", () => {
    const renderLogs = logicalId(stack, stack.render.renderer.logGroup);
    const filters = Object.values(template.findResources("AWS::Logs::MetricFilter")).map((filter) => filter["Properties"]);
    const failures = filters.find((filter) => filter.MetricTransformations[0].MetricName === "RenderFailures");
    expect(failures).toMatchObject({ LogGroupName: { Ref: renderLogs }, MetricTransformations: [{ MetricNamespace: "Letterpress/Render", MetricValue: "1" }] });
    // The pattern matches the exact lines the render handler writes.
    expect(failures.FilterPattern).toContain(`$.message = "${RENDER_PART_FAILED}"`);
    expect(failures.FilterPattern).toContain(`$.message = "${RENDER_MESSAGE_FAILED}"`);
    expect(alarms.find((alarm) => alarm.MetricName === "RenderFailures")).toMatchObject({
      Namespace: "Letterpress/Render",
      Statistic: "Sum",
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it("alarms on a spike of refused share links (the download function's ShareRefused metric, by Service), into the same topic", () => {
    const refused = alarms.filter((alarm) => alarm.MetricName === "ShareRefused");
    expect(refused).toEqual([
      expect.objectContaining({
        Namespace: "Letterpress/Shares",
        Dimensions: [{ Name: "Service", Value: "letterpress-download" }],
        Statistic: "Sum",
        Period: 300,
        Threshold: 50,
        ComparisonOperator: "GreaterThanThreshold",
        AlarmActions: [{ Ref: topicId }],
      }),
    ]);
    const custom = synthStack({ shareRefusedAlarmThreshold: "200" });
    expect(Object.values(custom.template.findResources("AWS::CloudWatch::Alarm")).find((alarm) => alarm["Properties"].MetricName === "ShareRefused")!["Properties"].Threshold).toBe(
      200,
    );
  });
});
