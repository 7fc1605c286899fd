import * as net from 'node:net';

/** Opens a TCP connection to the chain's entry on 127.0.0.1. */
export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true, allowHalfOpen: true });
    socket.once('connect', () => {
      socket.off('error', reject);
      // A tunnel the chain resets while nothing reads it (held, or kept warm) must not end the whole run
      // as an unhandled 'error': the measurement sees the close and fails on its own.
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Resolves with the first `length` bytes the socket receives. */
export function readBytes(socket: net.Socket, length: number, timeoutMs = 30_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const timer = setTimeout(() => finish(new Error(`no echo within ${timeoutMs} ms (${got}/${length} bytes)`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      got += chunk.length;
      if (got >= length) finish();
    };
    const onEnd = () => finish(new Error(`connection closed after ${got}/${length} bytes`));
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', finish);
      socket.off('close', onEnd);
      socket.pause();
      if (error !== undefined) reject(error);
      else resolve(Buffer.concat(chunks));
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.once('error', finish);
  });
}

/** Opens `count` echo round trips at once, `batch` at a time; the sockets stay open. */
export async function openEchoed(port: number, count: number, batch: number): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let start = 0; start < count; start += batch) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(batch, count - start) }, async () => {
        const socket = await connect(port);
        socket.write('x');
        await readBytes(socket, 1);
        return socket;
      }),
    );
    sockets.push(...opened);
  }
  return sockets;
}

/** Destroys the sockets and gives the chain a moment to tear its tunnels down. */
export async function closeAll(sockets: readonly net.Socket[], settleMs = 300): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, settleMs));
}
