// An ES module consumer: both entry points load, and a tunnel through the fault server echoes.
import { isTransportError, openTunnel, parseStreamSettings } from 'h2tunnel';
import { startFaultServer } from 'h2tunnel/testing';

const server = await startFaultServer();
try {
  const conn = await openTunnel(server.address, server.dialSettings);
  const reply = new Promise((resolve, reject) => {
    const chunks = [];
    conn.output.subscribe({ next: (c) => chunks.push(c), error: reject, complete: () => resolve(Buffer.concat(chunks).toString()) });
  });
  conn.input.next(Buffer.from('hello from esm'));
  conn.input.complete();
  const parsed = parseStreamSettings({ network: 'http' });
  console.log(JSON.stringify({ reply: await reply, parsed: parsed._tag, guard: typeof isTransportError }));
} finally {
  await server.close();
}
