import { invalidConfig } from '../errors/transport-error.js';
import type { ConfigFormat, ConfigLogLevel } from './deployment.js';
import type { JsonFields } from './json-fields.js';
import { describeValue as describe } from '../settings/describe-value.js';
import { withJsonv5Hint } from './jsonv5-hint.js';

/**
 * The log level a config's `log` section asks for: v4 `loglevel`, or jsonv5 `error.level` (`type: None`
 * silences it). Log files are reported in `warnings`: h2tunnel logs JSON lines to stderr.
 *
 * @example
 * ```ts
 * parseConfigLog(JsonFields.open({ loglevel: 'warning' }, 'log'), 'json', []); // 'warn'
 * ```
 */
export function parseConfigLog(fields: JsonFields | undefined, format: ConfigFormat, warnings: string[]): ConfigLogLevel | undefined {
  if (fields === undefined) return undefined;
  if (format === 'json') {
    const level = fields.string('loglevel');
    for (const file of ['access', 'error'] as const) {
      // v4 names a file here; jsonv5 has an object ({type, level}) in the same place.
      const raw = fields.raw(file);
      if (typeof raw === 'object' && raw !== null && !Array.isArray(raw))
        throw withJsonv5Hint(invalidConfig(fields.key(file), `must be a string, got ${describe(raw)}`));
      const path = fields.string(file);
      if (path !== undefined && path !== '' && path !== 'none') warnings.push(`${fields.key(file)} is ignored: h2tunnel logs JSON lines to stderr`);
    }
    fields.raw('dnsLog');
    fields.rejectUnread();
    return level === undefined ? undefined : logLevel(level.toLowerCase(), fields.key('loglevel'));
  }
  const error = fields.object('error');
  const access = fields.object('access');
  fields.rejectUnread();
  for (const spec of [access, error]) {
    if (spec === undefined) continue;
    if (spec.string('type') === 'File') warnings.push(`${spec.prefix} is ignored: h2tunnel logs JSON lines to stderr`);
    spec.raw('path');
    spec.raw('level');
    spec.rejectUnread();
  }
  if (error === undefined) return undefined;
  if (error.string('type') === 'None') return 'silent';
  const level = error.string('level');
  return level === undefined ? undefined : logLevel(level.toLowerCase(), error.key('level'));
}

function logLevel(level: string, key: string): ConfigLogLevel {
  const levels: Readonly<Record<string, ConfigLogLevel>> = { debug: 'debug', info: 'info', warning: 'warn', error: 'error', none: 'silent', unknown: 'info' };
  const mapped = levels[level];
  if (mapped === undefined) throw invalidConfig(key, `must be debug, info, warning, error or none, got "${level}"`);
  return mapped;
}
