import { SingleBar } from "cli-progress";
import { type DocumentFailure, type DocumentRequest, describeDocument } from "../functions/core/documents";
import type { PublishFailure, StoredResult } from "../functions/render/render-and-store";
import { FailureGroups, failureKind } from "./failure-groups";

/** Sizes in KB of 1,000 bytes, as the bench reports them (bench/markdown.ts), so the two figures compare. */
export const kilobytes = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

/**
 * The generate command's report: one row per document (name, size, time, outcome). On a terminal,
 * a long run shows a progress bar instead of hundreds of rows, and prints only the failures. Alike
 * failures (a recipient's copy each, for the same reason) are said in full the first few times, then
 * summed up when the run ends (failure-groups.ts).
 */
export class ProgressTable {
  private bar: SingleBar | undefined;
  private count = 0;
  private total = 0;
  private headerWritten = false;
  /** The document column's width: the longest name of the first planned documents (a long language tag, a reader's id). */
  private nameWidth = 38;

  /** @param groups the run's failures by kind (`--every-failure` says each in full) */
  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly groups = new FailureGroups(),
  ) {}

  /** More documents are about to be made; a long run on a terminal switches to a progress bar. */
  planned(requests: readonly DocumentRequest[]): void {
    this.total += requests.length;
    if (!this.headerWritten) this.nameWidth = Math.max(this.nameWidth, ...requests.map((request) => describeDocument(request).length));
    if (this.bar) {
      this.bar.setTotal(this.total);
      return;
    }
    if (this.out.isTTY && this.total > 30 && !this.headerWritten) {
      this.bar = new SingleBar({ format: "  {bar} {value}/{total} documents", hideCursor: true, stream: this.out });
      this.bar.start(this.total, this.count);
    } else if (!this.headerWritten) {
      this.headerWritten = true;
      this.out.write(`  ${"document".padEnd(this.nameWidth)} ${"size".padStart(9)} ${"time".padStart(8)}  outcome\n`);
    }
  }

  stored(result: StoredResult): void {
    this.count++;
    if (this.bar) {
      this.bar.update(this.count);
      return;
    }
    // "replaced": the key held other bytes (damaged, or overwritten), and now holds these.
    const outcome = result.outcome === "unchanged" ? "unchanged" : result.outcome === "replaced" ? "replaced (the stored bytes differed)" : "stored";
    this.out.write(
      `  ${describeDocument(result.request).padEnd(this.nameWidth)} ${kilobytes(result.document.size).padStart(9)} ${`${result.milliseconds.toFixed(0)} ms`.padStart(8)}  ${outcome}\n`,
    );
  }

  failed(failure: DocumentFailure): void {
    this.count++;
    this.bar?.update(this.count);
    // Every line of the message: a language's invalid data lists each field's problem on a line of its own.
    const [first = "", ...rest] = failure.error.message.split("\n");
    const name = describeDocument(failure.request);
    if (!this.groups.add(failureKind(failure.error.message, [failure.request.recipientId]), name)) {
      // Said in full above already: the table keeps its row, the bar prints nothing; the run's end sums them up.
      if (!this.bar) this.out.write(`  ${name.padEnd(this.nameWidth)} FAILED, alike the above (summed up below)\n`);
      return;
    }
    const line = `  ${name.padEnd(this.nameWidth)} FAILED: ${first}\n${rest.map((more) => `    ${more}\n`).join("")}`;
    if (this.bar) this.bar.stop();
    this.out.write(line);
    if (this.bar) this.bar.start(this.total, this.count);
  }

  /**
   * The documents above were stored but no manifest lists them: says why, and that a re-run lists
   * them (nothing is rendered or uploaded again).
   */
  publishFailed(failure: PublishFailure): void {
    const count = failure.requests.length;
    const line =
      `  PUBLISHING FAILED for ${failure.letterId} revision ${failure.revision}: ${failure.error.code}: ${failure.error.message.split("\n")[0]}\n` +
      `  ${count} stored document${count === 1 ? " is" : "s are"} not listed in the manifest and counted as failed; run the same command again to publish ${count === 1 ? "it" : "them"}\n`;
    if (this.bar) this.bar.stop();
    this.out.write(line);
    if (this.bar) this.bar.start(this.total, this.count);
  }

  /** Ends the table: the alike failures summed up, each kind on a line, saying where every one is (`where`). */
  finish(where = "in the manifest's failures, or said in full with --every-failure"): void {
    this.bar?.stop();
    for (const line of this.groups.summaryLines("document", where)) this.out.write(`  ${line}\n`);
  }
}
