/** Live TCP handles of this process (sockets and servers), from Node's resource list. */
export function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap' || name === 'TCPServerWrap').length;
}

/**
 * Waits until the process holds no more TCP handles than `baseline` (closing is asynchronous), so a
 * test fails when a socket leaks.
 */
export async function expectNoLeakedSockets(baseline: number, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (tcpHandles() > baseline) {
    if (Date.now() > deadline) throw new Error(`leaked TCP handles: ${tcpHandles()} open, ${baseline} before the test`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
