import * as z from "zod";
import { LetterpressError } from "../core/errors";
import type { HandlerLogger } from "../handler-logger";
import { newKey, newKeyId, rotateKeyRing } from "../share/key-rotation";
import { type KeyRing, parseKeyRing, serializeKeyRing } from "../share/share-key-ring";
import { newShareId, signShareToken, verifyShareToken } from "../share/share-token";

/**
 * The versions of one Secrets Manager secret, as the rotation needs them: the only place the
 * rotation talks to Secrets Manager (secrets-manager-versions.ts on AWS; tests bring their own).
 */
export interface SecretVersions {
  /** DescribeSecret: whether rotation is on, and each version id's staging labels. */
  describe(secretId: string): Promise<{ rotationEnabled: boolean; stagesByVersion: Record<string, readonly string[]> }>;
  /** GetSecretValue of the AWSCURRENT version, or of `versionId` staged AWSPENDING; undefined when there is no such version. */
  read(secretId: string, version: { stage: "AWSCURRENT" } | { stage: "AWSPENDING"; versionId: string }): Promise<string | undefined>;
  /** PutSecretValue with `versionId` as the client request token, staged AWSPENDING. */
  putPending(secretId: string, versionId: string, text: string): Promise<void>;
  /** UpdateSecretVersionStage: AWSCURRENT moved to `versionId` from `fromVersionId`. */
  makeCurrent(secretId: string, versionId: string, fromVersionId: string | undefined): Promise<void>;
}

/**
 * The event Secrets Manager invokes a rotation function with (AWS Secrets Manager User Guide,
 * "Lambda rotation functions"): the secret's ARN, the new version's id, and the step.
 */
export const rotationEventSchema = z.object({
  SecretId: z.string().min(1, { error: "expected the secret's ARN" }),
  ClientRequestToken: z.string().regex(/^[A-Za-z0-9-]{32,64}$/, { error: "expected a version id of 32-64 letters, digits and '-'" }),
  Step: z.enum(["createSecret", "setSecret", "testSecret", "finishSecret"], { error: "expected createSecret, setSecret, testSecret or finishSecret" }),
});

export type RotationEvent = z.infer<typeof rotationEventSchema>;

export interface ShareKeyRotationDependencies {
  versions: SecretVersions;
  /** The one secret this function may rotate: an event naming another is refused. */
  secretId: string;
  /** The longest lifetime of a share link, in seconds: a retired key is kept until its links have expired. */
  maxLifetimeSeconds: number;
  clock?: () => Date;
  logger: HandlerLogger;
}

function ringOf(text: string | undefined, secretId: string, stage: string): KeyRing {
  if (text === undefined) throw new LetterpressError("CONFIG_ERROR", `secret "${secretId}" has no ${stage} version`);
  return parseKeyRing(text, `secret "${secretId}" (${stage})`);
}

/**
 * The share key ring's rotation function, following Secrets Manager's four steps: `createSecret`
 * stages as AWSPENDING the ring with a new current key, the former one retired, and keys whose links
 * have all expired dropped (`rotateKeyRing`); `setSecret` has nothing to set (the ring is the secret:
 * no other service holds a copy); `testSecret` checks the pending ring parses, seals and opens a link
 * with its new key, and opens a link sealed by the current ring's key; `finishSecret` moves
 * AWSCURRENT to it. Each step may be retried: a step already done does nothing. Download functions
 * read the ring again within minutes (`KEY_RING_REREAD`). Errors throw, so Secrets Manager marks the
 * rotation failed and retries it; the keys are never logged, only their ids.
 */
export function createShareKeyRotationHandler(dependencies: ShareKeyRotationDependencies): (event: unknown) => Promise<void> {
  const { versions, secretId, logger } = dependencies;
  const clock = dependencies.clock ?? (() => new Date());
  return async (event) => {
    const parsed = rotationEventSchema.safeParse(event);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "event"}: ${issue.message}`);
      throw new LetterpressError("INVALID_REQUEST", `not a Secrets Manager rotation event: ${problems.join("; ")}`);
    }
    const { SecretId, ClientRequestToken: versionId, Step: step } = parsed.data;
    if (SecretId !== secretId) throw new LetterpressError("INVALID_REQUEST", `this function rotates the share key ring "${secretId}" only, not "${SecretId}"`);

    const described = await versions.describe(secretId);
    if (!described.rotationEnabled) throw new LetterpressError("CONFIG_ERROR", `secret "${secretId}": rotation is not enabled`);
    const stages = described.stagesByVersion[versionId];
    if (stages === undefined) throw new LetterpressError("INVALID_REQUEST", `secret "${secretId}" has no version ${versionId} to rotate to`);
    if (stages.includes("AWSCURRENT")) {
      logger.info("share key rotation: the version is current already", { step, versionId, outcome: "already-current" });
      return;
    }
    if (!stages.includes("AWSPENDING")) throw new LetterpressError("INVALID_REQUEST", `secret "${secretId}": version ${versionId} is not staged AWSPENDING`);

    if (step === "createSecret") {
      const current = ringOf(await versions.read(secretId, { stage: "AWSCURRENT" }), secretId, "AWSCURRENT");
      if ((await versions.read(secretId, { stage: "AWSPENDING", versionId })) !== undefined) {
        logger.info("share key rotation: the pending ring exists already", { step, versionId, outcome: "already-created" });
        return;
      }
      const now = clock();
      const next = rotateKeyRing(current, { now, maxLifetimeSeconds: dependencies.maxLifetimeSeconds, keyId: newKeyId(now), key: newKey() });
      await versions.putPending(secretId, versionId, serializeKeyRing(next));
      const dropped = [...current.keys.keys()].filter((kid) => !next.keys.has(kid));
      logger.info("share key rotation: new key staged", {
        step,
        versionId,
        currentKeyId: next.currentKeyId,
        retiredKeyId: current.currentKeyId,
        droppedKeyIds: dropped,
        keyIds: [...next.keys.keys()],
        outcome: "created",
      });
      return;
    }
    if (step === "setSecret") {
      logger.info("share key rotation: nothing to set (the ring is the secret itself)", { step, versionId, outcome: "nothing-to-set" });
      return;
    }
    if (step === "testSecret") {
      const pending = ringOf(await versions.read(secretId, { stage: "AWSPENDING", versionId }), secretId, "AWSPENDING");
      const current = ringOf(await versions.read(secretId, { stage: "AWSCURRENT" }), secretId, "AWSCURRENT");
      const now = clock();
      const probe = {
        shareId: newShareId(),
        letterId: "key-rotation-probe",
        locale: "en",
        format: "pdf",
        recipientId: null,
        revision: "latest",
        expiresAt: Math.floor(now.getTime() / 1000) + 60,
      } as const;
      const sealedByNew = verifyShareToken(signShareToken(probe, pending), pending, now);
      const sealedByOld = verifyShareToken(signShareToken(probe, current), pending, now);
      if (!sealedByNew.ok || !sealedByOld.ok) {
        throw new LetterpressError(
          "CONFIG_ERROR",
          `secret "${secretId}" (AWSPENDING ${versionId}): ${sealedByNew.ok ? "does not open links sealed by the current key" : "cannot seal and open a link with its own key"}`,
        );
      }
      logger.info("share key rotation: pending ring tested", { step, versionId, outcome: "tested" });
      return;
    }
    const currentVersion = Object.entries(described.stagesByVersion).find(([, labels]) => labels.includes("AWSCURRENT"))?.[0];
    await versions.makeCurrent(secretId, versionId, currentVersion);
    logger.info("share key rotation: new ring current", { step, versionId, previousVersionId: currentVersion ?? null, outcome: "finished" });
  };
}
