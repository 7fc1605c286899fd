import assert from 'node:assert/strict';
import { xhttpClientHost, xhttpHostMatch } from '../../src/v2ray-config/xhttp-ends.js';

describe("xhttpClientHost and xhttpHostMatch: what Xray's JSON leaves to each end", () => {
  it("gives an XHTTP client without a host the TLS server name, else the destination's address; never v2ray's default", () => {
    assert.deepEqual(xhttpClientHost({ xhttp: {}, tls: { serverName: 'tunnel.test' } }, '192.0.2.1').host, ['tunnel.test']);
    assert.deepEqual(xhttpClientHost({ xhttp: {} }, 'tunnel.example').host, ['tunnel.example']);
    assert.deepEqual(xhttpClientHost({ xhttp: {}, host: ['given.test'] }, 'tunnel.example').host, ['given.test']);
    assert.equal(xhttpClientHost({}, 'tunnel.example').host, undefined);
  });

  it("compares Hosts as Xray does on an XHTTP server unless told otherwise, and leaves v2ray's servers exact", () => {
    assert.equal(xhttpHostMatch({ xhttp: {} }), 'xray');
    assert.equal(xhttpHostMatch({ xhttp: {}, hostMatch: 'exact' }), 'exact');
    assert.equal(xhttpHostMatch({}), undefined);
  });
});
