import * as z from "zod";
import { LetterpressError } from "../core/errors";
import { DEFAULTS, ENV, SHARE_LIFETIME_LIMIT_SECONDS } from "../deployment-contract";

const rotationConfigSchema = z.object({
  [ENV.shareKeysSecretId]: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/, {
    error: "expected the key ring secret's ARN (the ARN Secrets Manager puts in a rotation event)",
  }),
  [ENV.shareMaxLifetime]: z.coerce
    .number()
    .int({ error: "expected a whole number of seconds" })
    .min(60, { error: "expected at least 60 seconds" })
    .max(SHARE_LIFETIME_LIMIT_SECONDS, { error: `expected at most ${SHARE_LIFETIME_LIMIT_SECONDS} seconds (90 days)` })
    .default(DEFAULTS.shareLifetime.maxSeconds),
  [ENV.region]: z.string().min(1).default(DEFAULTS.region),
});

export interface RotationConfig {
  secretId: string;
  maxLifetimeSeconds: number;
  region: string;
}

/** The rotation function's environment, read once at start; a bad value fails then, naming the variable. */
export function readRotationConfig(env: Record<string, string | undefined> = process.env): RotationConfig {
  const result = rotationConfigSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`);
    throw new LetterpressError("CONFIG_ERROR", `invalid configuration: ${problems.join("; ")}`);
  }
  return { secretId: result.data[ENV.shareKeysSecretId], maxLifetimeSeconds: result.data[ENV.shareMaxLifetime], region: result.data[ENV.region] };
}
