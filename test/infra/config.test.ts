import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InfraConfigError, parseInfraConfig } from "../../infra/config";
import { synthStack } from "./synth-stack";

/** The error a context fails with, to assert on its message. */
function errorOf(context: Record<string, unknown>): Error {
  try {
    parseInfraConfig(context);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`expected ${JSON.stringify(context)} to be rejected`);
}

describe("infra configuration from CDK context", () => {
  it("has typed defaults: dev stage, every locale, 5 min / 1 h URLs, SSE-S3, people sign in with Cognito (1 h tokens), concurrency 10, 20 rps / burst 40, environment-agnostic", () => {
    expect(parseInfraConfig({})).toEqual({
      stage: "dev",
      allowedLocales: "all",
      urlLifetime: { defaultSeconds: 300, maxSeconds: 3600 },
      encryption: "s3",
      peopleSignIn: { kind: "cognito", tokenMinutes: 60 },
      renderReservedConcurrency: 10,
      renderRuntime: "managed",
      shares: { maxLifetimeSeconds: 90 * 86_400, openThrottle: { rateLimit: 5, burstLimit: 10 }, refusedAlarmThreshold: 50 },
      throttle: { rateLimit: 20, burstLimit: 40 },
    });
  });

  it("accepts -c strings and cdk.json values alike (numbers, comma lists, arrays)", () => {
    const fromCli = parseInfraConfig({ stage: "prod", allowedLocales: "en, fr", urlTtlDefault: "600", urlTtlMax: "86400", account: "123456789012", region: "eu-west-1" });
    const fromJson = parseInfraConfig({ stage: "prod", allowedLocales: ["en", "fr"], urlTtlDefault: 600, urlTtlMax: 86400, account: "123456789012", region: "eu-west-1" });
    expect(fromCli).toEqual(fromJson);
    expect(fromCli).toMatchObject({ allowedLocales: ["en", "fr"], urlLifetime: { defaultSeconds: 600, maxSeconds: 86400 }, env: { account: "123456789012", region: "eu-west-1" } });
  });

  it("reads an external JWT issuer for people with its issuer and audience", () => {
    expect(parseInfraConfig({ peopleSignIn: "jwt", jwtIssuer: "https://issuer.example.com/", jwtAudience: "a,b" }).peopleSignIn).toEqual({
      kind: "jwt",
      issuer: "https://issuer.example.com/",
      audience: ["a", "b"],
    });
  });

  it.each([
    ["urlTtlMax", { urlTtlMax: "604801" }, /context key "urlTtlMax": must be at most 604800 seconds/],
    ["urlTtlDefault", { urlTtlDefault: "7200" }, /context key "urlTtlDefault": must not exceed urlTtlMax \(3600\)/],
    ["urlTtlDefault", { urlTtlDefault: "soon" }, /context key "urlTtlDefault"/],
    ["allowedLocales", { allowedLocales: "en,de_DE" }, /context key "allowedLocales"/],
    ["allowedLocales", { allowedLocales: "" }, /context key "allowedLocales"/],
    ["encryption", { encryption: "aes" }, /context key "encryption"/],
    ["authorization", { authorization: "jwt" }, /context key "authorization": was replaced/],
    ["peopleSignIn", { peopleSignIn: "iam" }, /context key "peopleSignIn"/],
    ["jwtIssuer", { peopleSignIn: "jwt", jwtAudience: "letterpress" }, /context key "jwtIssuer": is required when peopleSignIn=jwt/],
    ["jwtAudience", { peopleSignIn: "jwt", jwtIssuer: "https://issuer.example.com/" }, /context key "jwtAudience": is required when peopleSignIn=jwt/],
    ["jwtIssuer", { peopleSignIn: "jwt", jwtIssuer: "http://issuer.example.com/", jwtAudience: "a" }, /context key "jwtIssuer"/],
    ["stage", { stage: "Prod!" }, /context key "stage"/],
    ["renderReservedConcurrency", { renderReservedConcurrency: "1" }, /context key "renderReservedConcurrency": must be at least 4/],
    ["throttleBurstLimit", { throttleRateLimit: "100", throttleBurstLimit: "10" }, /context key "throttleBurstLimit"/],
    ["alarmEmail", { alarmEmail: "ops" }, /context key "alarmEmail"/],
    ["account", { account: "123", region: "eu-west-1" }, /context key "account"/],
    ["region", { account: "123456789012" }, /context keys "account" and "region" must be given together/],
  ])("rejects a bad %s, naming the key", (_key, context, message) => {
    const error = errorOf(context);
    expect(error).toBeInstanceOf(InfraConfigError);
    expect(error.message).toMatch(message);
  });

  it("fails the synth before any resource is created", () => {
    expect(() => synthStack({ urlTtlMax: "9999999" })).toThrow(/context key "urlTtlMax"/);
  });
});

describe("the CDK app's entry with a bad setting (as `cdk synth -c key=value` runs it)", () => {
  const ROOT = join(__dirname, "../..");

  /** Runs infra/app.ts the way the CDK CLI does: a child process given the context in CDK_CONTEXT_JSON. */
  function synthInChild(context: Record<string, string>) {
    const outdir = mkdtempSync(join(tmpdir(), "letterpress-cdk-"));
    try {
      return spawnSync(join(ROOT, "node_modules/.bin/tsx"), ["infra/app.ts"], {
        cwd: ROOT,
        env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
        encoding: "utf8",
        timeout: 120_000,
      });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }

  it.each([
    [{ encryption: "bogus" }, /^error: .*context key "encryption": expected one of "s3", "kms" \(got "bogus"\)$/],
    [{ urlTtlMax: "an hour" }, /^error: .*context key "urlTtlMax": expected a whole number \(got "an hour"\)$/],
    [{ peopleSignIn: "iam", stage: "Prod!" }, /^error: .*context key "stage": .*\(got "Prod!"\); context key "peopleSignIn": expected one of "cognito", "jwt" \(got "iam"\)$/],
    [{ account: "123456789012" }, /^error: .*context keys "account" and "region" must be given together/],
  ])("prints %j as one line naming the setting, the value and what is expected, and exits 1", (context, line) => {
    const child = synthInChild(context);
    expect(child.status).toBe(1);
    const printed = child.stderr.split("\n").filter((text) => text.trim() !== "" && !text.startsWith("Note: Node"));
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(line);
    expect(child.stderr).not.toMatch(/\bat \S+:\d+:\d+/);
  });
});
