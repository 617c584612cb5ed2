import { Duration, Stack, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import { type CfnStage, HttpApi, HttpMethod, HttpNoneAuthorizer, type HttpRoute, HttpStage, type IHttpRouteAuthorizer, LogGroupLogDestination } from "aws-cdk-lib/aws-apigatewayv2";
import { HttpIamAuthorizer, HttpJwtAuthorizer, HttpUserPoolAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { Effect, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Code, IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { API_ROUTE_KEYS, type ApiRouteKey, ENV, SHARE_ROUTES, SHARES_PREFIX, SIGN_IN_ROUTE_KEY, splitRouteKey } from "../../functions/deployment-contract";
import type { InfraConfig, PeopleSignIn as PeopleSignInConfig } from "../config";
import { FUNCTION_DEFAULTS, PREFIXES } from "../secure-defaults";
import type { DocumentsBucket } from "./documents-bucket";
import { LetterFunction } from "./letter-function";
import { PeopleSignIn } from "./people-sign-in";
import { ON_DEMAND_LIFETIMES } from "./render-pipeline";
import { ShareKeys } from "./share-keys";

export interface DownloadApiProps {
  documents: DocumentsBucket;
  /** The render function, invoked synchronously when a document is not stored yet. */
  renderFunction: IFunction;
  environment: Record<string, string>;
  /** The deployment's stage (part of the hosted UI's default domain prefix). */
  stage: string;
  /** How people sign in to the people API; tools always use the IAM API. */
  peopleSignIn: PeopleSignInConfig;
  throttle: { rateLimit: number; burstLimit: number };
  shares: InfraConfig["shares"];
  /** TESTS ONLY: see `LetterFunctionProps.codeOverride`. */
  codeOverride?: Code;
}

/**
 * The download function behind two HTTP APIs built from the one route table (API_ROUTE_KEYS): one for
 * tools, every route IAM-authorized (SigV4), and one for people, every route JWT-authorized (a
 * signed-in person's token) but the share link and the sign-in page. An HTTP API route takes a single
 * authorizer, and a Lambda authorizer cannot check a SigV4 signature, so "IAM for tools and JWT for
 * people on the same routes" is two APIs (see infra/README.md). Both are throttled and access-logged;
 * the function presigns GET URLs with its own read-only role and renders on demand by invoking the
 * render function.
 */
export class DownloadApi extends Construct {
  readonly downloader: LetterFunction;
  /** Tools: IAM (SigV4) on every route; no share-link route (links point at the people API). */
  readonly toolsApi: HttpApi;
  readonly toolsStage: HttpStage;
  /** People: JWT on every route but the share link and the sign-in page. */
  readonly peopleApi: HttpApi;
  readonly peopleStage: HttpStage;
  /** The user pool and hosted UI, with `peopleSignIn` cognito. */
  readonly signIn?: PeopleSignIn;
  readonly accessLogs: LogGroup;
  readonly shareKeys: ShareKeys;

  constructor(scope: Construct, id: string, props: DownloadApiProps) {
    super(scope, id);
    this.downloader = new LetterFunction(this, "DownloadFunction", {
      entry: "functions/download/handler.ts",
      description: "letterpress: presigns download links (rendering missing documents on demand) and serves share links",
      memorySize: 256,
      // 10 s would do for presigning; an on-demand render waits for the on-demand render function, whose
      // cold start and timeout end before this one, which ends before the HTTP API's (ON_DEMAND_LIFETIMES).
      timeout: ON_DEMAND_LIFETIMES.downloadTimeout,
      environment: { ...props.environment, [ENV.renderFunctionName]: props.renderFunction.functionName },
      // templates/messages word the refused-link pages; no fonts (it renders nothing itself).
      assets: { templates: true, fonts: false },
      ...(props.codeOverride ? { codeOverride: props.codeOverride } : {}),
    });
    const fn = this.downloader.function;
    // Read-only on documents: a URL it signs can do nothing more than that. Shares (records and
    // revocations) are its own, under shares/: read and write there. Missing keys must be 404s: a
    // revocation that does not exist means "not revoked" (a 403 would make every link a 503 page), and
    // a document not stored yet is rendered on demand.
    props.documents.grantPrefixes(fn, { read: [PREFIXES.documents, SHARES_PREFIX], write: [SHARES_PREFIX], missingKeysAre404: true });
    this.shareKeys = new ShareKeys(this, "ShareKeys", { maxLifetimeSeconds: props.shares.maxLifetimeSeconds, ...(props.codeOverride ? { codeOverride: props.codeOverride } : {}) });
    this.shareKeys.grantRead(fn);
    // grantInvoke would add `<arn>:*` (every version and alias); the unqualified function is all it calls.
    fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ["lambda:InvokeFunction"], resources: [props.renderFunction.functionArn] }));

    this.accessLogs = new LogGroup(this, "AccessLogs", { retention: FUNCTION_DEFAULTS.logRetention });
    // One integration per API (CDK binds an integration to a single API), both to the same function.
    // Said, not left to the default: the download function's timeout is sized to end before it.
    const integrationTimeout = Duration.seconds(ON_DEMAND_LIFETIMES.apiIntegrationSeconds);
    const integration = new HttpLambdaIntegration("DownloadIntegration", fn, { timeout: integrationTimeout });
    const peopleIntegration = new HttpLambdaIntegration("PeopleIntegration", fn, { timeout: integrationTimeout });

    // Tools: every route but the share link, IAM (SigV4). Construct id "Api" as before: the tools' URL survives this change.
    this.toolsApi = new HttpApi(this, "Api", { description: "letterpress download API for tools (IAM, SigV4)", createDefaultStage: false });
    this.toolsStage = this.addStage(this.toolsApi, "DefaultStage", props, "$context.identity.userArn", {});
    const iam = new HttpIamAuthorizer();
    for (const routeKey of API_ROUTE_KEYS) if (routeKey !== SHARE_ROUTES.open) this.addRoute(this.toolsApi, routeKey, integration, iam);

    // People: the same routes from the same table, JWT (a signed-in person's token), and the two public
    // ones: the share link a colleague opens, and the static sign-in page that obtains the token.
    this.peopleApi = new HttpApi(this, "PeopleApi", { description: "letterpress letters page and download API for people (JWT)", createDefaultStage: false });
    const openRoute = { ThrottlingRateLimit: props.shares.openThrottle.rateLimit, ThrottlingBurstLimit: props.shares.openThrottle.burstLimit };
    const publicRoutes: PublicRouteKey[] = props.peopleSignIn.kind === "cognito" ? [SHARE_ROUTES.open, SIGN_IN_ROUTE_KEY] : [SHARE_ROUTES.open];
    // Their own limits (route-level throttling), below the stage's default.
    this.peopleStage = this.addStage(this.peopleApi, "PeopleStage", props, "$context.authorizer.claims.sub", Object.fromEntries(publicRoutes.map((key) => [key, openRoute])));
    const peopleUrl = this.peopleUrl;
    let jwt: IHttpRouteAuthorizer;
    if (props.peopleSignIn.kind === "cognito") {
      this.signIn = new PeopleSignIn(this, "SignIn", {
        stage: props.stage,
        callbackUrls: props.peopleSignIn.callbackUrls ?? [`${peopleUrl}${splitRouteKey(SIGN_IN_ROUTE_KEY).path.slice(1)}`],
        ...(props.peopleSignIn.domainPrefix ? { domainPrefix: props.peopleSignIn.domainPrefix } : {}),
        tokenMinutes: props.peopleSignIn.tokenMinutes,
      });
      jwt = new HttpUserPoolAuthorizer("PeopleAuthorizer", this.signIn.userPool, { userPoolClients: [this.signIn.client] });
      fn.addEnvironment(ENV.signInDomainUrl, this.signIn.hostedUiUrl);
      fn.addEnvironment(ENV.signInClientId, this.signIn.client.userPoolClientId);
    } else {
      jwt = new HttpJwtAuthorizer("PeopleAuthorizer", props.peopleSignIn.issuer, { jwtAudience: props.peopleSignIn.audience });
    }
    for (const routeKey of [...API_ROUTE_KEYS, ...publicRoutes.filter((key) => key === SIGN_IN_ROUTE_KEY)]) {
      const isPublic = (publicRoutes as string[]).includes(routeKey);
      const route = this.addRoute(this.peopleApi, routeKey, peopleIntegration, isPublic ? new HttpNoneAuthorizer() : jwt);
      if (isPublic) Validations.of(route).acknowledge({ id: "AwsSolutions-APIG4", reason: PUBLIC_ROUTE_REASONS[routeKey as PublicRouteKey] });
    }

    fn.addEnvironment(ENV.shareKeysSecretId, this.shareKeys.secret.secretArn);
    fn.addEnvironment(ENV.shareLinkBaseUrl, props.shares.linkBaseUrl ?? peopleUrl);
    fn.addEnvironment(ENV.shareMaxLifetime, String(props.shares.maxLifetimeSeconds));
  }

  private addStage(api: HttpApi, id: string, props: DownloadApiProps, caller: string, routeSettings: Record<string, unknown>): HttpStage {
    const stage = new HttpStage(this, id, {
      httpApi: api,
      stageName: "$default",
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        // The route key, not the path: a path carries the letter and locale, the query the recipient.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            apiId: "$context.apiId",
            ip: "$context.identity.sourceIp",
            caller,
            requestTime: "$context.requestTime",
            routeKey: "$context.routeKey",
            status: "$context.status",
            responseLength: "$context.responseLength",
            latency: "$context.responseLatency",
            integrationError: "$context.integrationErrorMessage",
          }),
        ),
      },
    });
    // The L1 property is untyped: CloudFormation's own (PascalCase) names.
    if (Object.keys(routeSettings).length > 0) (stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
    return stage;
  }

  private addRoute(api: HttpApi, routeKey: ApiRouteKey | typeof SIGN_IN_ROUTE_KEY, integration: HttpLambdaIntegration, authorizer: IHttpRouteAuthorizer): HttpRoute {
    const { method, path } = splitRouteKey(routeKey);
    const [route] = api.addRoutes({ path, methods: [HttpMethod[method]], integration, authorizer });
    return route!;
  }

  /** The tools' base URL (the IAM API's `$default` stage). */
  get url(): string {
    return `https://${this.toolsApi.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/`;
  }

  /** The people's base URL (the JWT API's `$default` stage): the letters page, the sign-in page and the share links. */
  get peopleUrl(): string {
    return `https://${this.peopleApi.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/`;
  }
}

type PublicRouteKey = typeof SHARE_ROUTES.open | typeof SIGN_IN_ROUTE_KEY;

const PUBLIC_ROUTE_REASONS: Record<PublicRouteKey, string> = {
  [SHARE_ROUTES.open]:
    "GET /s/{token} is the share link a colleague without AWS credentials opens: the signed token is the credential, checked by the function; the route has its own low throttling.",
  [SIGN_IN_ROUTE_KEY]:
    "GET /signin is the static sign-in page (no data): it obtains the person's token from the user pool's hosted UI, which every other people route then requires; throttled like the share link.",
};
