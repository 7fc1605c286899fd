import type { TransportError } from '../errors/transport-error.js';

/** Why a session left the cache, as a low-cardinality metric label. */
export type EvictionReason = 'goaway' | 'health_check' | 'idle' | 'reuse_limit' | 'shutdown' | 'closed' | 'error';

/**
 * The label for a session's eviction reason: GOAWAY from the peer, a failed health check, idle too long,
 * its reuse limits (XMUX) spent, our own shutdown, the connection closing, or any other error.
 *
 * @example
 * ```ts
 * evictionReason(sessionClosed('GOAWAY received')); // 'goaway'
 * ```
 */
export function evictionReason(reason: TransportError): EvictionReason {
  if (reason._tag !== 'SessionClosed') return 'error';
  const text = reason.message;
  if (text.includes('GOAWAY')) return 'goaway';
  if (text.includes('health check failed')) return 'health_check';
  if (text.includes('idle for')) return 'idle';
  if (text.includes('reuse limit reached')) return 'reuse_limit';
  if (text.includes('session manager is closed') || text.includes('server shut down')) return 'shutdown';
  if (text.includes('connection closed')) return 'closed';
  return 'error';
}
