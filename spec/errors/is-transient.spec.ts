import assert from 'node:assert/strict';
import { TimeoutError } from 'rxjs';
import { isTransient } from '../../src/errors/is-transient.js';
import * as errors from '../../src/errors/transport-error.js';

describe('isTransient', () => {
  const cases: [string, unknown, boolean][] = [
    ['ConnectFailed', errors.connectFailed('127.0.0.1:1'), true],
    ['SessionClosed', errors.sessionClosed('GOAWAY'), true],
    ['StreamReset', errors.streamReset(7), true],
    ['Timeout', errors.timeout('connect', 5), true],
    ['SocketFailed', errors.socketFailed('local'), true],
    ['ProtocolError', errors.protocolError('odd'), true],
    ['503', errors.unexpectedStatus(503), true],
    ['429', errors.unexpectedStatus(429), true],
    ['408', errors.unexpectedStatus(408), true],
    ['404 (a warning by severity, yet permanent)', errors.unexpectedStatus(404), false],
    ['403', errors.unexpectedStatus(403), false],
    ['TlsRequired', errors.tlsRequired(), false],
    ['TlsVerifyFailed', errors.tlsVerifyFailed('self signed'), false],
    ['AlpnMismatch', errors.alpnMismatch('http/1.1'), false],
    ['InvalidConfig', errors.invalidConfig('path', 'bad'), false],
    ['ListenFailed', errors.listenFailed('127.0.0.1:1'), false],
    ['UsageError', errors.usageError('write after end()'), false],
    ['Overflow', errors.overflow(1), false],
    ["rxjs's TimeoutError", new TimeoutError(), true],
    ['a plain Error', new Error('boom'), false],
    ['a string', 'boom', false],
  ];
  for (const [what, error, transient] of cases) {
    it(`${what}: ${transient ? 'transient' : 'permanent'}`, () => assert.equal(isTransient(error), transient));
  }
});
