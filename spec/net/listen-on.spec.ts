import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo } from 'node:net';
import { listenOn } from '../../src/net/listen-on.js';

describe('net: listenOn', () => {
  it('a failure to bind rejects with ListenFailed naming the label', async () => {
    const first = createServer();
    const bound = (await listenOn(first, { port: 0, host: '127.0.0.1' }, 'first')) as AddressInfo;
    await assert.rejects(listenOn(createServer(), { port: bound.port, host: '127.0.0.1' }, 'second'), { _tag: 'ListenFailed', address: 'second' });
    first.close();
  });

  it("an 'error' after bind (accept failing, EMFILE) goes to onError and the server keeps accepting, instead of crashing the process", async () => {
    const seen: string[] = [];
    const server = createServer((socket) => socket.end('hi'));
    const bound = (await listenOn(server, { port: 0, host: '127.0.0.1' }, 'local', (error) => seen.push(error.message))) as AddressInfo;
    // What net.Server emits when accept() fails and libuv's spare-descriptor trick could not absorb it.
    server.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE', syscall: 'accept' }));
    assert.deepEqual(seen, ['cannot listen on local: accept EMFILE']);
    const socket = connect(bound.port, '127.0.0.1');
    const [greeting] = (await once(socket, 'data')) as [Buffer];
    assert.equal(greeting.toString(), 'hi');
    server.close();
  });
});
