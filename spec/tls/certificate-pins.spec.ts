import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chainSha256, pinMismatch, publicKeySha256 } from '../../src/tls/certificate-pins.js';
import { testCertificate } from '../helpers/certs.js';
import { selfSignedCertificate } from '../../src/tls/self-signed.js';
import type { DetailedPeerCertificate } from 'node:tls';

const der = (pem: string) => new X509Certificate(pem).raw;
/** The shape Node hands over from getPeerCertificate(true): each certificate links its issuer. */
const peerOf = (...chain: Buffer[]): DetailedPeerCertificate => {
  let issuer: DetailedPeerCertificate | undefined;
  for (const raw of [...chain].reverse()) issuer = { raw, issuerCertificate: issuer } as unknown as DetailedPeerCertificate;
  return issuer as DetailedPeerCertificate;
};

describe('certificate pins', () => {
  it('hashes one certificate as sha256 of its DER, as openssl computes it', async () => {
    const { cert } = await testCertificate();
    const openssl = execFileSync('sh', ['-c', 'openssl x509 -outform der | openssl dgst -sha256 -binary | base64'], { input: cert }).toString().trim();
    assert.equal(chainSha256([der(cert)]), openssl);
  });

  it('chains further certificates as v2fly does: h = sha256(h ‖ sha256(der_i))', async () => {
    const a = der((await testCertificate()).cert);
    const b = der((await selfSignedCertificate(['ca.test'])).cert);
    const sha = (data: Buffer) => createHash('sha256').update(data).digest();
    assert.equal(chainSha256([a, b]), sha(Buffer.concat([sha(a), sha(b)])).toString('base64'));
    assert.notEqual(chainSha256([a, b]), chainSha256([b, a]));
  });

  it('accepts a chain pin of the presented chain or of its leaf alone, and names the hash when none matches', async () => {
    const leaf = der((await testCertificate()).cert);
    const root = der((await selfSignedCertificate(['ca.test'])).cert);
    const peer = peerOf(leaf, root);
    assert.equal(pinMismatch(peer, { chain: [chainSha256([leaf, root])], publicKey: [] }), undefined);
    assert.equal(pinMismatch(peer, { chain: [chainSha256([leaf])], publicKey: [] }), undefined);
    const wrong = pinMismatch(peer, { chain: [chainSha256([root])], publicKey: [] });
    assert.match(wrong ?? '', new RegExp(`sha256 ${chainSha256([leaf]).replace(/[+/]/g, '\\$&')}`));
  });

  it('accepts a public-key pin of any certificate in the chain', async () => {
    const leaf = der((await testCertificate()).cert);
    const root = der((await selfSignedCertificate(['ca.test'])).cert);
    const peer = peerOf(leaf, root);
    assert.equal(pinMismatch(peer, { chain: [], publicKey: [publicKeySha256(root)] }), undefined);
    const stranger = der((await selfSignedCertificate(['other.test'])).cert);
    assert.match(pinMismatch(peer, { chain: [], publicKey: [publicKeySha256(stranger)] }) ?? '', /pinnedPeerCertificatePublicKeySha256/);
  });

  it('does not loop on a self-signed certificate that names itself as its issuer', async () => {
    const leaf = der((await testCertificate()).cert);
    const self = { raw: leaf } as unknown as DetailedPeerCertificate & { issuerCertificate: unknown };
    self.issuerCertificate = self;
    assert.equal(pinMismatch(self, { chain: [chainSha256([leaf])], publicKey: [] }), undefined);
  });
});
