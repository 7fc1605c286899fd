// `h2tunnel/testing`: a misbehaving tunnel server and a throwaway certificate, for test harnesses.
export { startFaultServer, type FaultServer } from './fault-server.js';
export type { FaultServerOptions, TunnelBody } from './fault-options.js';
export { selfSignedCertificate, type CertificatePair } from '../tls/self-signed.js';
