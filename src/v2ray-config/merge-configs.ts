type Json = unknown;
type JsonObject = Record<string, Json>;

/**
 * Merges several config files into one as v2ray does for `-config a.json -config b.json`: objects merge
 * key by key, later scalars win, lists are concatenated, list entries with the same `tag` (or `_tag`) are
 * merged into the first, and entries are ordered by `_priority` (stable); the helper keys are removed.
 *
 * @example
 * ```ts
 * mergeConfigs([{ log: { loglevel: 'info' }, inbounds: [{ tag: 'a', port: 1 }] }, { inbounds: [{ tag: 'a', port: 2 }] }]);
 * // { log: { loglevel: 'info' }, inbounds: [{ tag: 'a', port: 2 }] }
 * ```
 */
export function mergeConfigs(configs: readonly JsonObject[]): JsonObject {
  const merged: JsonObject = {};
  for (const config of configs) mergeInto(merged, structuredClone(config), '');
  arrange(merged);
  return merged;
}

function mergeInto(target: JsonObject, source: JsonObject, path: string): void {
  for (const [key, value] of Object.entries(source)) target[key] = mergeValue(target[key], value, path === '' ? key : `${path}.${key}`);
}

function mergeValue(target: Json, source: Json, path: string): Json {
  if (source === null || source === undefined) return target;
  if (target === null || target === undefined) return source;
  if (kind(target) !== kind(source)) throw new TypeError(`${path}: cannot merge ${kind(source)} into ${kind(target)}`);
  if (Array.isArray(target)) return [...(target as Json[]), ...(source as Json[])];
  if (kind(target) === 'object') {
    mergeInto(target as JsonObject, source as JsonObject, path);
    return target;
  }
  return source;
}

function arrange(value: Json): void {
  if (Array.isArray(value)) value.forEach(arrange);
  if (kind(value) !== 'object') return;
  const object = value as JsonObject;
  for (const [key, child] of Object.entries(object)) {
    if (key === '_tag' || key === '_priority') delete object[key];
    else if (Array.isArray(child)) object[key] = mergeSameTag(sortByPriority(child), key);
    arrange(object[key]);
  }
}

function sortByPriority(list: Json[]): Json[] {
  const priority = (item: Json) =>
    kind(item) === 'object' && typeof (item as JsonObject)._priority === 'number' ? ((item as JsonObject)._priority as number) : 0;
  return list
    .map((item, index) => ({ item, index }))
    .sort((a, b) => priority(a.item) - priority(b.item) || a.index - b.index)
    .map(({ item }) => item);
}

function mergeSameTag(list: Json[], path: string): Json[] {
  const byTag = new Map<string, JsonObject>();
  const out: Json[] = [];
  for (const item of list) {
    const tag = kind(item) === 'object' ? tagOf(item as JsonObject) : undefined;
    const first = tag === undefined ? undefined : byTag.get(tag);
    if (first !== undefined) mergeInto(first, item as JsonObject, path);
    else {
      if (tag !== undefined) byTag.set(tag, item as JsonObject);
      out.push(item);
    }
  }
  return out;
}

function tagOf(item: JsonObject): string | undefined {
  const tag = typeof item.tag === 'string' && item.tag !== '' ? item.tag : item._tag;
  return typeof tag === 'string' && tag !== '' ? tag : undefined;
}

function kind(value: Json): string {
  return value === null ? 'null' : Array.isArray(value) ? 'list' : typeof value;
}
