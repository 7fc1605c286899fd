import { invalidConfig } from '../errors/transport-error.js';
import type { PartPolicy } from './deployment.js';
import { dropUndefined } from './drop-undefined.js';
import type { JsonFields } from './json-fields.js';
import { SECONDS, USER_LEVEL, outOfRange } from '../settings/ranges.js';

// What a v4 `policy.levels[N]` means for a raw tunnel. v2ray's freedom outbound resets a connection after
// `connIdle` without traffic, and its inbound protocols allow `handshake` for their set-up; a tunnel's
// set-up is its connect, so that is where `handshake` goes. The rest has no counterpart and is reported.
const UNMAPPED: Readonly<Record<string, string>> = {
  uplinkOnly: 'h2tunnel keeps a half-closed tunnel until the other direction ends or the idle timeout',
  downlinkOnly: 'h2tunnel keeps a half-closed tunnel until the other direction ends or the idle timeout',
  bufferSize: 'flow-control windows size the buffers',
  statsUserUplink: 'h2tunnel keeps no per-user statistics',
  statsUserDownlink: 'h2tunnel keeps no per-user statistics',
};

/**
 * Reads a v4 config's `policy` into a lookup by user level; keys without a meaning for a raw tunnel go
 * to `warnings`, a zero or negative timeout is an InvalidConfig.
 *
 * @example
 * ```ts
 * parseConfigPolicy(JsonFields.open({ levels: { 0: { handshake: 2, connIdle: 60 } } }, 'policy'), [])(0);
 * // { connectTimeoutS: 2, idleTimeoutS: 60 }
 * ```
 */
export function parseConfigPolicy(fields: JsonFields | undefined, warnings: string[]): (level: number) => PartPolicy {
  if (fields === undefined) return () => ({});
  const levels = new Map<number, PartPolicy>();
  const levelFields = fields.object('levels');
  for (const [name] of levelFields?.entries() ?? []) {
    const level = levelFields?.object(name);
    if (level === undefined) continue;
    if (!/^\d+$/.test(name) || outOfRange(Number(name), USER_LEVEL) !== undefined)
      throw invalidConfig(level.prefix, 'a policy level is a whole number up to 4294967295');
    const policy = {
      connectTimeoutS: positive(level, 'handshake'),
      idleTimeoutS: positive(level, 'connIdle'),
    };
    for (const key of level.unread()) {
      const why = UNMAPPED[key.slice(level.prefix.length + 1)];
      if (why === undefined) throw invalidConfig(key, 'is not a policy key');
      warnings.push(`${key} is not applied: ${why}`);
    }
    levels.set(Number(name), dropUndefined(policy));
  }
  if (fields.raw('system') !== undefined) warnings.push(`${fields.key('system')} is not applied: h2tunnel keeps no per-user statistics`);
  fields.rejectUnread('is not a policy key');
  return (level) => levels.get(level) ?? {};
}

function positive(fields: JsonFields, name: string): number | undefined {
  const value = fields.number(name, SECONDS);
  if (value === 0) throw invalidConfig(fields.key(name), 'must be above 0: a zero timeout would end every tunnel at once');
  return value;
}
