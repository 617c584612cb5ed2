import { spawn } from "node:child_process";
import { RENDER_NODE_OPTIONS } from "../functions/render/node-options";

export interface NodeRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  /** performance.now() of the spawn call and of the first stdout bytes (undefined when none came). */
  spawnedAt: number;
  firstStdoutAt: number | undefined;
}

export interface RunNodeOptions {
  nodeArgs?: string[];
  cwd?: string;
  env?: Record<string, string>;
  /**
   * Opens an IPC channel to the child: each message it sends is handed here, and the child gets a
   * message back ({ turn: "child" }) when the returned promise settles (the turns of bench/measure-paired.ts).
   */
  onTurn?: () => Promise<void>;
}

/**
 * Runs `node [nodeArgs] script jsonArgs` with nothing inherited from the harness's own node flags
 * (tsx's loader stays out of the measured process unless asked for in nodeArgs).
 */
export function runNode(script: string, args: unknown, options: RunNodeOptions = {}): Promise<NodeRun> {
  return spawnNode([...(options.nodeArgs ?? []), script, JSON.stringify(args)], options.cwd, options.env, options.onTurn);
}

/** Runs `node --snapshot-blob blob jsonArgs`: the process starts from the snapshot's heap, with no script to load. */
export function runNodeFromSnapshot(blob: string, args: unknown, cwd?: string): Promise<NodeRun> {
  return spawnNode(["--snapshot-blob", blob, JSON.stringify(args)], cwd);
}

function spawnNode(argv: string[], cwd?: string, env: Record<string, string> = {}, onTurn?: () => Promise<void>): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let firstStdoutAt: number | undefined;
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, argv, {
      // The render Lambda's V8 flags, as it sets them.
      env: { ...process.env, ...env, NODE_OPTIONS: RENDER_NODE_OPTIONS },
      stdio: onTurn ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
      ...(cwd ? { cwd } : {}),
    });
    if (onTurn) {
      // A failed turn ends the child (its run then reports the failure), rather than leaving it waiting.
      child.on("message", () => {
        onTurn().then(
          () => child.connected && child.send({ turn: "child" }),
          (error: unknown) => {
            child.kill();
            reject(error);
          },
        );
      });
    }
    child.stdout?.on("data", (chunk: Buffer) => {
      firstStdoutAt ??= performance.now();
      stdout.push(chunk);
    });
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString("utf8"), spawnedAt, firstStdoutAt }));
  });
}

/** The last line of a text that is a JSON object, parsed; the process's own report. */
export function lastJsonLine<T>(text: string, what: string): T {
  const line = text
    .trim()
    .split("\n")
    .reverse()
    .find((candidate) => candidate.startsWith("{"));
  if (!line) throw new Error(`${what}: no JSON report in its output:\n${text.slice(-2000)}`);
  return JSON.parse(line) as T;
}

/** Fails with the child's own error output when it did not exit cleanly. */
export function assertExited(run: NodeRun, what: string): void {
  if (run.code !== 0) throw new Error(`${what} exited with ${run.code}:\n${run.stderr.slice(-2000)}`);
}
