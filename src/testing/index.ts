/// <reference types="node" preserve="true" />
// The declarations use Node's types (Buffer, node:http2): this brings them to a consumer without @types/node of its own.
// `h2tunnel/testing`: a misbehaving tunnel server and a throwaway certificate, for test harnesses.
export { startFaultServer, type FaultServer } from './fault-server.js';
export type { FaultServerOptions, TunnelBody } from './fault-options.js';
export { selfSignedCertificate, type CertificatePair } from '../tls/self-signed.js';
