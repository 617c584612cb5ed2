import { Aws, Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import { AccountRecovery, FeaturePlan, Mfa, OAuthScope, UserPool, type UserPoolClient, UserPoolClientIdentityProvider, type UserPoolDomain } from "aws-cdk-lib/aws-cognito";
import { Construct } from "constructs";

export interface PeopleSignInProps {
  /** The deployment's stage: part of the default hosted UI domain prefix. */
  stage: string;
  /** Where the hosted UI may send people back with a code: the sign-in page's URL(s). */
  callbackUrls: string[];
  /** `<prefix>.auth.<region>.amazoncognito.com`; `letterpress-<stage>-<account>` by default. */
  domainPrefix?: string;
  /** Lifetime of the access and ID tokens a signed-in person gets (5-60 minutes). */
  tokenMinutes: number;
}

/**
 * How people sign in (issue 14 item 2): a Cognito user pool with its hosted UI, and one public app
 * client for the sign-in page (authorization code flow with PKCE, no implicit grant, no secret: a
 * browser cannot keep one). Colleagues are invited by an administrator (no self sign-up) and use a
 * second factor (TOTP); tokens live an hour at most, refresh tokens the shortest Cognito allows.
 */
export class PeopleSignIn extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;

  constructor(scope: Construct, id: string, props: PeopleSignInProps) {
    super(scope, id);
    this.userPool = new UserPool(this, "UserPool", {
      // An NGO's colleagues are invited; nobody else may make an account that sees the letters.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      // TOTP only: SMS would need a role that may send text messages, and costs per message.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: FeaturePlan.ESSENTIALS,
      // The people are not deleted with the code: a redeployment keeps their accounts.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: "AwsSolutions-COG8",
      reason:
        "The Plus feature plan (threat protection: compromised credentials, adaptive authentication) is billed per active user; invitation-only accounts with required TOTP and one-hour tokens are the baseline here. Turn it on with featurePlan PLUS where the budget allows.",
    });

    this.domain = this.userPool.addDomain("HostedUi", {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? `letterpress-${props.stage}-${Aws.ACCOUNT_ID}` },
    });

    const tokenLifetime = Duration.minutes(props.tokenMinutes);
    this.client = this.userPool.addClient("SignInPage", {
      // A public client: the sign-in page runs in a browser, which cannot keep a secret; PKCE binds the code to it.
      generateSecret: false,
      // The hosted UI only: no password or SRP flow through the API from elsewhere.
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
        callbackUrls: props.callbackUrls,
        logoutUrls: props.callbackUrls,
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: tokenLifetime,
      idTokenValidity: tokenLifetime,
      // The page never asks for a new token by itself; Cognito's shortest refresh lifetime is an hour.
      refreshTokenValidity: Duration.minutes(60),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
  }

  /** The hosted UI's base URL, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  get hostedUiUrl(): string {
    return this.domain.baseUrl();
  }
}
