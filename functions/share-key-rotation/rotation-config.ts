import * as z from "zod";
import { parseEnvironment, shareMaxLifetimeSchema } from "../config";
import { DEFAULTS, ENV } from "../deployment-contract";

const rotationConfigSchema = z.object({
  [ENV.shareKeysSecretId]: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/, {
    error: "expected the key ring secret's ARN (the ARN Secrets Manager puts in a rotation event)",
  }),
  [ENV.shareMaxLifetime]: shareMaxLifetimeSchema,
  [ENV.region]: z.string().min(1).default(DEFAULTS.region),
});

export interface RotationConfig {
  secretId: string;
  maxLifetimeSeconds: number;
  region: string;
}

/** The rotation function's environment, read once at start; a bad value fails then, naming the variable. */
export function readRotationConfig(env: Record<string, string | undefined> = process.env): RotationConfig {
  const value = parseEnvironment(rotationConfigSchema, env);
  return { secretId: value[ENV.shareKeysSecretId], maxLifetimeSeconds: value[ENV.shareMaxLifetime], region: value[ENV.region] };
}
