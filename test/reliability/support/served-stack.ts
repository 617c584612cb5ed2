import { type LocalStack, type LocalStackOptions, startLocalStack } from "../../support/local-stack";

/** The stack of test/support/local-stack.ts with its local server listening: what `npm run serve` runs. */
export interface ServedStack extends Omit<LocalStack, "stop"> {
  baseUrl: string;
  stop(): Promise<void>;
}

export type ServedStackOptions = LocalStackOptions;

export async function startServedStack(options: ServedStackOptions = {}): Promise<ServedStack> {
  const stack = await startLocalStack(options);
  const running = await stack.listen();
  return { ...stack, baseUrl: running.baseUrl, stop: () => stack.stop() };
}
