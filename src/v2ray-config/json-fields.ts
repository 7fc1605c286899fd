import { invalidConfig } from '../errors/transport-error.js';
import { describeValue as describe } from '../settings/describe-value.js';
import { checkRange, type NumberRange } from '../settings/ranges.js';

/**
 * Typed reads of one JSON object's fields, each failure an {@link InvalidConfig} naming the full key
 * (`httpSettings.host[1]`). Throws only `InvalidConfig`; `parseStreamSettings` turns that into a Left.
 */
export class JsonFields {
  private readonly seen = new Set<string>();

  constructor(
    private readonly fields: Readonly<Record<string, unknown>>,
    readonly prefix: string,
  ) {}

  /** Opens `value` as an object at `key`, or fails naming it. */
  static open(value: unknown, key: string): JsonFields {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw invalidConfig(key, `must be an object, got ${describe(value)}`);
    }
    return new JsonFields(value as Record<string, unknown>, key);
  }

  key(name: string): string {
    return this.prefix === '' ? name : `${this.prefix}.${name}`;
  }

  raw(name: string): unknown {
    this.seen.add(name);
    return this.fields[name];
  }

  string(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw invalidConfig(this.key(name), `must be a string, got ${describe(value)}`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.raw(name);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw invalidConfig(this.key(name), `must be true or false, got ${describe(value)}`);
    return value;
  }

  /** A number in `range` (seconds, a level), or a failure naming the key and the range. */
  number(name: string, range: NumberRange): number | undefined {
    const value = this.raw(name);
    if (value === undefined || value === null) return undefined;
    return checkRange(this.key(name), value, range);
  }

  /** A list of strings; v2ray also accepts one string where a list is expected. */
  strings(name: string): string[] | undefined {
    const value = this.raw(name);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return [value];
    if (!Array.isArray(value)) throw invalidConfig(this.key(name), `must be a list of strings, got ${describe(value)}`);
    return value.map((item, i) => {
      if (typeof item !== 'string') throw invalidConfig(`${this.key(name)}[${i}]`, `must be a string, got ${describe(item)}`);
      return item;
    });
  }

  object(name: string): JsonFields | undefined {
    const value = this.raw(name);
    if (value === undefined || value === null) return undefined;
    return JsonFields.open(value, this.key(name));
  }

  objects(name: string): JsonFields[] | undefined {
    const value = this.raw(name);
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw invalidConfig(this.key(name), `must be a list of objects, got ${describe(value)}`);
    return value.map((item, i) => JsonFields.open(item, `${this.key(name)}[${i}]`));
  }

  /** Names present in the object that nobody read, as full keys. */
  unread(): string[] {
    return Object.keys(this.fields)
      .filter((name) => !this.seen.has(name))
      .map((name) => this.key(name));
  }

  /** Fails on the first key nobody read, as not one h2tunnel knows at this place. */
  rejectUnread(detail = 'is not a key h2tunnel knows here'): void {
    const [first] = this.unread();
    if (first !== undefined) throw invalidConfig(first, detail);
  }

  entries(): [string, unknown][] {
    return Object.entries(this.fields);
  }
}
