import { Match } from "aws-cdk-lib/assertions";
import { API_ROUTE_KEYS, SIGN_IN_ROUTE_KEY } from "../../functions/deployment-contract";
import { logicalId, roleStatements, synthStack } from "./synth-stack";

const ROUTE = "GET /letters/{letterId}/{locale}/{format}";
/** "GET /" is the letters page: authorized like every data route, never public. */
const DATA_ROUTES = [ROUTE, "POST /letters/{letterId}/{locale}/{format}/shares", "GET /letters/{letterId}/shares", "DELETE /shares/{id}", "GET /"];
const OPEN_ROUTE = "GET /s/{token}";
const SIGN_IN_ROUTE = "GET /signin";

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;
type Synth = ReturnType<typeof synthStack>;

/** The routes of one API of the stack, by route key. */
function routesOf(synth: Synth, api: "toolsApi" | "peopleApi"): Record<string, Record<string, any>> {
  const apiId = logicalId(synth.stack, synth.stack.download[api]);
  const routes = Object.values(synth.template.findResources("AWS::ApiGatewayV2::Route") as Resources)
    .map((route) => route.Properties)
    .filter((route) => route.ApiId.Ref === apiId);
  return Object.fromEntries(routes.map((route) => [route.RouteKey, route]));
}

function integrationOf(synth: Synth, route: Record<string, any>): Record<string, any> {
  const id = (route.Target["Fn::Join"][1] as unknown[])[1] as { Ref: string };
  return (synth.template.toJSON().Resources[id.Ref] as Resources[string]).Properties;
}

describe("download API: IAM for tools, JWT for people, from one route table", () => {
  const synth = synthStack();
  const { template, stack } = synth;
  const tools = routesOf(synth, "toolsApi");
  const people = routesOf(synth, "peopleApi");
  const functionArn = { "Fn::GetAtt": [logicalId(stack, stack.download.downloader.function), "Arn"] };

  it("is two HTTP APIs whose routes all reach the download function (AWS_PROXY, payload 2.0)", () => {
    template.resourceCountIs("AWS::ApiGatewayV2::Api", 2);
    template.allResourcesProperties("AWS::ApiGatewayV2::Api", { ProtocolType: "HTTP" });
    template.resourceCountIs("AWS::ApiGatewayV2::Integration", 2);
    for (const route of [...Object.values(tools), ...Object.values(people)])
      expect(integrationOf(synth, route)).toMatchObject({ IntegrationType: "AWS_PROXY", PayloadFormatVersion: "2.0", IntegrationUri: functionArn });
  });

  it("declares the same data routes on both, from the deployment contract's one table", () => {
    expect(DATA_ROUTES.sort()).toEqual(API_ROUTE_KEYS.filter((key) => key !== OPEN_ROUTE).sort());
    expect(Object.keys(tools).sort()).toEqual([...DATA_ROUTES].sort());
    expect(Object.keys(people).sort()).toEqual([...DATA_ROUTES, OPEN_ROUTE, SIGN_IN_ROUTE].sort());
    expect(SIGN_IN_ROUTE_KEY).toBe(SIGN_IN_ROUTE);
  });

  it("requires IAM (SigV4) on every tools route, and has no unauthenticated route there", () => {
    for (const [key, route] of Object.entries(tools)) expect([key, route.AuthorizationType, route.AuthorizerId]).toEqual([key, "AWS_IAM", undefined]);
  });

  it("requires a JWT from the stack's user pool, for the sign-in page's client, on every people route but the share link and the sign-in page", () => {
    const authorizerId = logicalId(stack, stack.download.peopleApi.node.findChild("PeopleAuthorizer") as never);
    for (const key of DATA_ROUTES) expect(people[key]).toMatchObject({ AuthorizationType: "JWT", AuthorizerId: { Ref: authorizerId } });
    for (const key of [OPEN_ROUTE, SIGN_IN_ROUTE]) {
      expect(people[key]!.AuthorizationType).toBe("NONE");
      expect(people[key]!.AuthorizerId).toBeUndefined();
    }
    template.resourceCountIs("AWS::ApiGatewayV2::Authorizer", 1);
    const signIn = stack.download.signIn!;
    template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      ApiId: { Ref: logicalId(stack, stack.download.peopleApi) },
      AuthorizerType: "JWT",
      IdentitySource: ["$request.header.Authorization"],
      JwtConfiguration: {
        Audience: [{ Ref: logicalId(stack, signIn.client) }],
        Issuer: { "Fn::Join": ["", ["https://cognito-idp.", { Ref: "AWS::Region" }, ".amazonaws.com/", { Ref: logicalId(stack, signIn.userPool) }]] },
      },
    });
  });

  it("serves the letters page (GET /) to people and tools alike, never unauthenticated", () => {
    expect(tools["GET /"]).toMatchObject({ AuthorizationType: "AWS_IAM" });
    expect(people["GET /"]).toMatchObject({ AuthorizationType: "JWT" });
  });

  it("gives the sign-in page a public app client: code flow (PKCE, no secret), no implicit grant, callback from the people API's /signin", () => {
    const signIn = stack.download.signIn!;
    const peopleApiId = logicalId(stack, stack.download.peopleApi);
    const signInUrl = { "Fn::Join": ["", ["https://", { Ref: peopleApiId }, ".execute-api.", { Ref: "AWS::Region" }, ".", { Ref: "AWS::URLSuffix" }, "/signin"]] };
    const client = template.toJSON().Resources[logicalId(stack, signIn.client)].Properties;
    expect(client).toMatchObject({
      UserPoolId: { Ref: logicalId(stack, signIn.userPool) },
      AllowedOAuthFlows: ["code"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ["openid", "email"],
      CallbackURLs: [signInUrl],
      LogoutURLs: [signInUrl],
      SupportedIdentityProviders: ["COGNITO"],
      GenerateSecret: false,
      PreventUserExistenceErrors: "ENABLED",
      EnableTokenRevocation: true,
    });
    expect(client.AllowedOAuthFlows).not.toContain("implicit");
    expect(client.AllowedOAuthFlows).not.toContain("client_credentials");
  });

  it("bounds a signed-in person's tokens: access and ID tokens an hour by default, at most an hour, the refresh token Cognito's shortest", () => {
    const clientOf = (s: Synth) => s.template.toJSON().Resources[logicalId(s.stack, s.stack.download.signIn!.client)].Properties;
    expect(clientOf(synth)).toMatchObject({
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 60,
      TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes", RefreshToken: "minutes" },
    });
    expect(clientOf(synthStack({ signInTokenMinutes: "15" }))).toMatchObject({ AccessTokenValidity: 15, IdTokenValidity: 15 });
    expect(() => synthStack({ signInTokenMinutes: "120" })).toThrow(/signInTokenMinutes.*at most 60 minutes/);
    expect(() => synthStack({ signInTokenMinutes: "2" })).toThrow(/signInTokenMinutes/);
  });

  it("takes the callback URLs (a custom domain's sign-in page) and the hosted UI's domain prefix from context", () => {
    const custom = synthStack({ signInCallbackUrls: "https://letters.example.org/signin,https://letters.example.net/signin", signInDomainPrefix: "ngo-letters" });
    const client = custom.template.toJSON().Resources[logicalId(custom.stack, custom.stack.download.signIn!.client)].Properties;
    expect(client.CallbackURLs).toEqual(["https://letters.example.org/signin", "https://letters.example.net/signin"]);
    custom.template.hasResourceProperties("AWS::Cognito::UserPoolDomain", { Domain: "ngo-letters" });
    expect(() => synthStack({ signInCallbackUrls: "http://letters.example.org/signin" })).toThrow(/signInCallbackUrls.*https/);
    expect(() => synthStack({ signInCallbackUrls: "https://letters.example.org/signin?next=x" })).toThrow(/signInCallbackUrls.*without query/);
    expect(() => synthStack({ signInDomainPrefix: "my-cognito-login" })).toThrow(/signInDomainPrefix/);
    // The default prefix carries the stage: a stage Cognito would refuse in it needs a prefix of its own.
    expect(() => synthStack({ stage: "aws-test" })).toThrow(/context key "signInDomainPrefix": is required for stage "aws-test"/);
    expect(() => synthStack({ stage: "aws-test", signInDomainPrefix: "ngo-letters-test" })).not.toThrow();
  });

  it("lets only invited people in (no self sign-up), with a second factor, and keeps their accounts when the stack goes", () => {
    template.hasResource("AWS::Cognito::UserPool", {
      DeletionPolicy: "Retain",
      Properties: {
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: "ON",
        EnabledMfas: ["SOFTWARE_TOKEN_MFA"],
        Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12 }) },
      },
    });
  });

  it("refuses the old authorization key, saying what replaced it", () => {
    expect(() => synthStack({ authorization: "iam" })).toThrow(/context key "authorization": was replaced: tools always call the IAM-authorized API; set peopleSignIn=cognito/);
  });

  it("throttles the share link and the sign-in page on their own, below the people stage's default", () => {
    const stageOf = (s: Synth) => s.template.toJSON().Resources[logicalId(s.stack, s.stack.download.peopleStage)].Properties;
    expect(stageOf(synth).RouteSettings).toEqual({
      [OPEN_ROUTE]: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
      [SIGN_IN_ROUTE]: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    });
    expect(stageOf(synthStack({ shareOpenRateLimit: "2", shareOpenBurstLimit: "3" })).RouteSettings[OPEN_ROUTE]).toEqual({ ThrottlingRateLimit: 2, ThrottlingBurstLimit: 3 });
    expect(() => synthStack({ shareOpenRateLimit: "10", shareOpenBurstLimit: "3" })).toThrow(/shareOpenBurstLimit/);
  });

  it("keeps the share key ring in a generated, retained Secrets Manager secret that only the download function's role may read", () => {
    const secretId = logicalId(stack, stack.download.shareKeys.secret);
    template.hasResource("AWS::SecretsManager::Secret", {
      DeletionPolicy: "Retain",
      Properties: {
        GenerateSecretString: { SecretStringTemplate: '{"current":"k1"}', GenerateStringKey: "k1", PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
      },
    });
    const policies = Object.values(template.findResources("AWS::IAM::Policy") as Resources);
    const onSecret = (policy: Resources[string]) =>
      (policy.Properties["PolicyDocument"].Statement as unknown[]).filter((statement) => JSON.stringify(statement).includes(`"${secretId}"`));
    const byRole = policies.filter((policy) => onSecret(policy).length > 0).map((policy) => [JSON.stringify(policy.Properties["Roles"]), onSecret(policy)] as const);
    expect(Object.fromEntries(byRole)).toEqual({
      // The download function reads the ring, nothing more.
      [JSON.stringify([{ Ref: logicalId(stack, stack.download.downloader.role) }])]: [{ Action: "secretsmanager:GetSecretValue", Effect: "Allow", Resource: { Ref: secretId } }],
      // The rotation function: the four actions of the rotation steps, on this secret alone.
      [JSON.stringify([{ Ref: logicalId(stack, stack.download.shareKeys.rotation.role) }])]: [
        {
          Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
          Effect: "Allow",
          Resource: { Ref: secretId },
        },
      ],
    });
    // No resource policy opens it to anyone else.
    template.resourceCountIs("AWS::SecretsManager::ResourcePolicy", 0);
  });

  it("rotates the ring every 30 days with its own function, which only this secret's rotation may invoke, and which may do nothing else", () => {
    const secretId = logicalId(stack, stack.download.shareKeys.secret);
    const rotationFunction = stack.download.shareKeys.rotation.function;
    const functionId = logicalId(stack, rotationFunction);
    const schedules = template.findResources("AWS::SecretsManager::RotationSchedule") as Resources;
    expect(Object.values(schedules).map((schedule) => schedule.Properties)).toEqual([
      { SecretId: { Ref: secretId }, RotationLambdaARN: { "Fn::GetAtt": [functionId, "Arn"] }, RotationRules: { ScheduleExpression: "rate(30 days)" } },
    ]);
    const permissions = Object.values(template.findResources("AWS::Lambda::Permission") as Resources).filter((permission) =>
      JSON.stringify(permission.Properties["FunctionName"]).includes(functionId),
    );
    expect(permissions.map((permission) => permission.Properties)).toEqual([
      { Action: "lambda:InvokeFunction", FunctionName: { "Fn::GetAtt": [functionId, "Arn"] }, Principal: "secretsmanager.amazonaws.com", SourceArn: { Ref: secretId } },
    ]);
    // Its role: its log group, X-Ray, and the secret (above); no wildcard on Secrets Manager (CDK's RotationSchedule would add GetRandomPassword on *).
    const statements = roleStatements(template, functionId) as { Action: string | string[]; Resource: unknown }[];
    expect(JSON.stringify(statements)).not.toMatch(/secretsmanager:[A-Za-z]*\*|GetRandomPassword|"secretsmanager:\*"/);
    expect(statements.flatMap((statement) => [statement.Action].flat()).filter((action) => action.startsWith("secretsmanager:"))).toHaveLength(4);
    const schedule = Object.entries(template.toJSON().Resources as Record<string, { Type: string; DependsOn?: string[] }>).find(
      ([, resource]) => resource.Type === "AWS::SecretsManager::RotationSchedule",
    )![1];
    // The first rotation runs as soon as the schedule exists: the function and its right to be invoked come first.
    expect(schedule.DependsOn).toEqual(
      expect.arrayContaining([functionId, logicalId(stack, { node: { defaultChild: rotationFunction.node.findChild("InvokedBySecretsManager") } })]),
    );
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: { SHARE_KEYS_SECRET_ID: { Ref: secretId }, SHARE_MAX_LIFETIME_SECONDS: "7776000" } },
      ReservedConcurrentExecutions: 1,
    });
  });

  it("throttles both default stages and writes JSON access logs (which API, which caller) to one one-month log group", () => {
    const logsId = logicalId(stack, stack.download.accessLogs);
    for (const [stage, caller] of [
      [stack.download.toolsStage, "$context.identity.userArn"],
      [stack.download.peopleStage, "$context.authorizer.claims.sub"],
    ] as const) {
      const properties = template.toJSON().Resources[logicalId(stack, stage)].Properties;
      expect(properties).toMatchObject({
        StageName: "$default",
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
        AccessLogSettings: { DestinationArn: { "Fn::GetAtt": [logsId, "Arn"] } },
      });
      expect(JSON.parse(properties.AccessLogSettings.Format)).toMatchObject({ requestId: "$context.requestId", apiId: "$context.apiId", caller });
    }
    template.hasResourceProperties("AWS::Logs::LogGroup", { RetentionInDays: 30 });
    const custom = synthStack({ throttleRateLimit: "5", throttleBurstLimit: "10" });
    custom.template.allResourcesProperties("AWS::ApiGatewayV2::Stage", { DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 } });
  });

  it("says where tools and people go in the stack's outputs", () => {
    template.hasOutput("ApiUrl", {
      Value: { "Fn::Join": ["", ["https://", { Ref: logicalId(stack, stack.download.toolsApi) }, Match.anyValue(), Match.anyValue(), Match.anyValue(), Match.anyValue(), "/"]] },
    });
    template.hasOutput("PeopleUrl", { Value: Match.anyValue() });
    template.hasOutput("SignInUrl", { Value: Match.anyValue() });
    template.hasOutput("UserPoolId", { Value: { Ref: logicalId(stack, stack.download.signIn!.userPool) } });
  });

  describe("with peopleSignIn=jwt (an external issuer)", () => {
    const jwt = synthStack({ peopleSignIn: "jwt", jwtIssuer: "https://issuer.example.com/", jwtAudience: "letterpress,letterpress-admin" });
    const jwtPeople = routesOf(jwt, "peopleApi");

    it("authorizes people's data routes with that issuer and audience, keeps IAM for tools, and makes no user pool nor sign-in page", () => {
      jwt.template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
        AuthorizerType: "JWT",
        IdentitySource: ["$request.header.Authorization"],
        JwtConfiguration: { Issuer: "https://issuer.example.com/", Audience: ["letterpress", "letterpress-admin"] },
      });
      expect(Object.keys(jwtPeople).sort()).toEqual([...DATA_ROUTES, OPEN_ROUTE].sort());
      for (const key of DATA_ROUTES) expect(jwtPeople[key]).toMatchObject({ AuthorizationType: "JWT", AuthorizerId: expect.anything() });
      expect(jwtPeople[OPEN_ROUTE]).toMatchObject({ AuthorizationType: "NONE" });
      for (const route of Object.values(routesOf(jwt, "toolsApi"))) expect(route.AuthorizationType).toBe("AWS_IAM");
      jwt.template.resourceCountIs("AWS::Cognito::UserPool", 0);
      expect(jwt.stack.download.signIn).toBeUndefined();
    });

    it("refuses the issuer's keys without peopleSignIn=jwt, and requires them with it", () => {
      expect(() => synthStack({ jwtIssuer: "https://issuer.example.com/" })).toThrow(/jwtIssuer.*only for peopleSignIn=jwt/);
      expect(() => synthStack({ peopleSignIn: "jwt", jwtAudience: "a" })).toThrow(/jwtIssuer.*is required when peopleSignIn=jwt/);
    });
  });
});
