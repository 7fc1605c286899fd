import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { limitSocketReuse } from '../../../src/client/xhttp/socket-reuse.js';
import type { ReuseLimits } from '../../../src/settings/xhttp-settings.js';

const NONE: ReuseLimits = { spread: { kind: 'unlimited' }, maxReuseTimes: undefined, maxRequestTimes: undefined, maxReusableMs: undefined };

// The XMUX limits of an HTTP/1.1 keep-alive connection (XHTTP's packet POSTs), on a real server that
// counts the requests each of its connections carried.
describe('limitSocketReuse', function () {
  this.timeout(10_000);
  let server: http.Server;
  let perSocket: Map<Socket, number>;
  let agent: http.Agent;

  beforeEach(async () => {
    perSocket = new Map();
    server = http.createServer((request, response) => {
      perSocket.set(request.socket, (perSocket.get(request.socket) ?? 0) + 1);
      request.resume();
      request.on('end', () => response.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = () =>
    new Promise<void>((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', path: '/', agent }, (response) => {
        response.resume();
        response.on('end', resolve);
      });
      request.on('error', reject);
      request.end('packet');
    });
  const counts = () => [...perSocket.values()];

  it('without limits, one keep-alive connection carries every request', async () => {
    agent = new http.Agent({ keepAlive: true });
    limitSocketReuse(agent, NONE);
    for (let i = 0; i < 10; i++) await post();
    assert.deepEqual(counts(), [10]);
  });

  it('maxRequestTimes 3: a connection carries 3 requests, then the next goes on a new one', async () => {
    agent = new http.Agent({ keepAlive: true });
    limitSocketReuse(agent, { ...NONE, maxRequestTimes: { from: 3, to: 3 } });
    for (let i = 0; i < 10; i++) await post();
    assert.deepEqual(counts(), [3, 3, 3, 1]);
  });

  it('maxReusableMs: a connection past its age is not reused', async () => {
    agent = new http.Agent({ keepAlive: true });
    limitSocketReuse(agent, { ...NONE, maxReusableMs: { from: 200, to: 200 } });
    await post();
    await post();
    await sleep(300);
    await post();
    assert.deepEqual(counts(), [2, 1]);
  });
});
