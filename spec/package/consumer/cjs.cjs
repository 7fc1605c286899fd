// A CommonJS consumer: require() of both entry points, and a tunnel through the fault server echoes.
const { isTransportError, openTunnel, parseStreamSettings } = require('h2tunnel');
const { startFaultServer } = require('h2tunnel/testing');

async function main() {
  const server = await startFaultServer();
  try {
    const conn = await openTunnel(server.address, server.dialSettings);
    const reply = new Promise((resolve, reject) => {
      const chunks = [];
      conn.output.subscribe({ next: (c) => chunks.push(c), error: reject, complete: () => resolve(Buffer.concat(chunks).toString()) });
    });
    conn.input.next(Buffer.from('hello from cjs'));
    conn.input.complete();
    const parsed = parseStreamSettings({ network: 'http' });
    console.log(JSON.stringify({ reply: await reply, parsed: parsed._tag, guard: typeof isTransportError }));
  } finally {
    await server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
