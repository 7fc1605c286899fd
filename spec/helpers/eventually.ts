/**
 * Resolves once `predicate` holds, polling every 10 ms; rejects after `ms`, naming `what`.
 *
 * @example
 * ```ts
 * await eventually(() => server.sessions() === 0, 'the session to close', 2_000);
 * ```
 */
export async function eventually(predicate: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
