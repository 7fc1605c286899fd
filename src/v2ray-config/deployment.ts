import type { HostPort, ListenAddress } from '../settings/address.js';
import type { StreamSettings } from './stream-settings.js';

/** The two config formats v2fly reads: v4 JSON (`json`, also Xray's and v2ray 4.x's) and v5's `jsonv5`. */
export type ConfigFormat = 'json' | 'jsonv5';

/** Log levels a config file can ask for, in pino's names. */
export type ConfigLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Timeouts a config's `policy` sets for one part, in seconds; unset ones keep h2tunnel's defaults. */
export interface PartPolicy {
  /** From `handshake`: how long a tunnel's set-up may take (the forward connect, or the TLS and HTTP/2 connect). */
  readonly connectTimeoutS?: number;
  /** From `connIdle`: a tunnel with no byte either way for this long is reset. */
  readonly idleTimeoutS?: number;
}

/** A `dokodemo-door` inbound over the http transport: a tunnel server forwarding to a fixed address. */
export interface TunnelServerPart {
  readonly kind: 'server';
  /** `inbounds[0] (tag "in")`: where it is in the file, for logs and errors. */
  readonly where: string;
  readonly listen: ListenAddress;
  readonly forward: HostPort;
  readonly stream: StreamSettings;
  /** jsonv5's `parseXForwardedFor`. */
  readonly trustForwardedFor: boolean;
  readonly policy: PartPolicy;
}

/** A plain `dokodemo-door` inbound routed to a `freedom` outbound over the http transport: a tunnel client. */
export interface TunnelClientPart {
  readonly kind: 'client';
  readonly where: string;
  readonly listen: HostPort;
  /** The inbound's `settings.address`/`port`, or the freedom outbound's `redirect`. */
  readonly server: HostPort;
  readonly stream: StreamSettings;
  readonly policy: PartPolicy;
}

export type DeploymentPart = TunnelServerPart | TunnelClientPart;

/** Everything a whole v2ray config asks h2tunnel to run, checked. */
export interface Deployment {
  readonly parts: readonly DeploymentPart[];
  /** `log.loglevel` (v4) or `log.error.level` (jsonv5); undefined when the file does not say. */
  readonly logLevel: ConfigLogLevel | undefined;
  /** Keys the file sets that h2tunnel does not honour but that do not change what goes on the wire. */
  readonly warnings: readonly string[];
}
