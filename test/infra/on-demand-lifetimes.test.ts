import { ENV } from "../../functions/deployment-contract";
import { logicalId, roleStatements, synthStack } from "./synth-stack";

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

/**
 * A caller that waits outlives what it waits for (fresh user 9, item 15: the 30 s download function
 * waited on the 60 s render function). Read from the synthesized template: the HTTP API's integration
 * timeout > the download function's timeout > the render function it invokes, cold start included
 * (Lambda gives the init phase up to 10 s outside the timeout).
 */
const LAMBDA_INIT_SECONDS = 10;

describe.each([
  ["the default stage", {}],
  ["encryption=kms, peopleSignIn=jwt", { encryption: "kms", peopleSignIn: "jwt", jwtIssuer: "https://login.example.com/", jwtAudience: "letterpress" }],
])("on-demand render lifetimes, %s", (_name, context) => {
  const { stack, template } = synthStack(context);
  const resources = template.toJSON().Resources as Resources;
  const downloadId = logicalId(stack, stack.download.downloader.function);
  const download = resources[downloadId]!.Properties;
  const invoked = roleStatements(template, downloadId).filter((statement) => JSON.stringify(statement).includes("lambda:InvokeFunction")) as {
    Resource: { "Fn::GetAtt": [string, string] };
  }[];

  it("lets the download function invoke exactly one function, the one its environment names", () => {
    expect(invoked).toHaveLength(1);
    const targetId = invoked[0]!.Resource["Fn::GetAtt"][0];
    expect(resources[targetId]!.Type).toBe("AWS::Lambda::Function");
    expect(download["Environment"]["Variables"][ENV.renderFunctionName]).toEqual({ Ref: targetId });
  });

  it("ends the invoked render function, cold start included, before the download function, and the download function before the HTTP API gives up", () => {
    const target = resources[invoked[0]!.Resource["Fn::GetAtt"][0]]!.Properties;
    expect(target["Timeout"] + LAMBDA_INIT_SECONDS).toBeLessThan(download["Timeout"]);
    const integrations = Object.values(template.findResources("AWS::ApiGatewayV2::Integration") as Resources).filter((integration) =>
      JSON.stringify(integration.Properties["IntegrationUri"]).includes(downloadId),
    );
    expect(integrations.length).toBeGreaterThanOrEqual(2);
    for (const integration of integrations) {
      // Unset would mean API Gateway's 30 s, its most for an HTTP API.
      const apiSeconds = (integration.Properties["TimeoutInMillis"] ?? 30_000) / 1000;
      expect(apiSeconds).toBeLessThanOrEqual(30);
      expect(download["Timeout"]).toBeLessThan(apiSeconds);
    }
  });

  it("leaves the queue's render function (60 s: batches and parts) to the queues: nothing the download waits on", () => {
    const queueRenderId = logicalId(stack, stack.render.renderer.function);
    expect(invoked[0]!.Resource["Fn::GetAtt"][0]).not.toBe(queueRenderId);
    expect(resources[queueRenderId]!.Properties["Timeout"]).toBe(60);
  });

  it("gives the on-demand render function no trigger (no queue) and only the render's rights in the bucket", () => {
    const onDemandId = logicalId(stack, stack.render.onDemandRenderer.function);
    const mappings = Object.values(template.findResources("AWS::Lambda::EventSourceMapping") as Resources).filter((mapping) =>
      JSON.stringify(mapping.Properties["FunctionName"]).includes(onDemandId),
    );
    expect(mappings).toEqual([]);
    const statements = JSON.stringify(roleStatements(template, onDemandId));
    expect(statements).not.toMatch(/sqs:|lambda:|secretsmanager:|s3:DeleteObject/);
    expect(statements).toContain("s3:PutObject");
  });
});
