import { type Command, Option } from "commander";
import { LetterpressError } from "../functions/core/errors";

/** The flags that name an S3 bucket to use instead of the embedded server, shared by every command that stores or deletes. */
export function withBucketFlags(command: Command, bucketDescription: string): Command {
  return command
    .addOption(new Option("--bucket <name>", bucketDescription).env("DOCUMENTS_BUCKET"))
    .addOption(new Option("--endpoint <url>", "S3-compatible endpoint of --bucket").env("S3_ENDPOINT"))
    .addOption(new Option("--region <region>", "region of --bucket").env("AWS_REGION"));
}

/**
 * An endpoint names where --bucket is; alone it would be silently ignored for the embedded server.
 * (--region is not checked: AWS_REGION is set in many shells for other tools.)
 *
 * @throws LetterpressError INVALID_REQUEST for --endpoint without --bucket.
 */
export function checkBucketFlags(flags: { bucket?: string; endpoint?: string }): void {
  if (flags.endpoint && !flags.bucket)
    throw new LetterpressError(
      "INVALID_REQUEST",
      "--endpoint (S3_ENDPOINT) is the endpoint of --bucket (DOCUMENTS_BUCKET): give --bucket too, or leave both out for the embedded server",
    );
}
