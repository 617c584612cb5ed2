/**
 * Waits until `condition` holds, polling, without asserting how fast it comes: the machine may be
 * busy. The limit only ends a wait for something that will never come, and the error says what.
 */
export async function eventually(condition: () => boolean, what: string, limitMs = 300_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`not seen in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
