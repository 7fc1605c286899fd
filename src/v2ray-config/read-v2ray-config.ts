import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { configErrorIn, invalidConfig, type InvalidConfig } from '../errors/transport-error.js';
import type { ConfigFormat, Deployment } from './deployment.js';
import { stripJsonComments } from './json-comments.js';
import { mergeConfigs } from './merge-configs.js';
import { parseV2rayConfig } from './parse-v2ray-config.js';

/** A whole config read from its files: what to run, and the name errors and logs give it. */
export interface LoadedConfig {
  readonly deployment: Deployment;
  /** The file name, or the names joined with `+` when several were merged. */
  readonly label: string;
}

/**
 * Reads one or more v2ray config files (comments allowed, merged in order as v2ray merges them) and
 * parses them in `format`; without one, files named `*.v5.json` or `*.v5.jsonc` are jsonv5, as v2fly
 * decides, and the rest v4 JSON. Every failure is an InvalidConfig whose message starts with the file.
 *
 * @example
 * ```ts
 * const loaded = await readV2rayConfig(['config.json']);
 * if (E.isRight(loaded)) console.log(loaded.right.deployment.parts.length);
 * ```
 */
export async function readV2rayConfig(files: readonly string[], format?: ConfigFormat): Promise<E.Either<InvalidConfig, LoadedConfig>> {
  if (files.length === 0) return E.left(invalidConfig('--config', 'needs a file'));
  const label = files.map((file) => basename(file)).join('+');
  const formats = new Set(files.map((file) => format ?? formatOf(file)));
  if (formats.size > 1) return E.left(invalidConfig('--config', `${label} mixes v4 JSON and jsonv5 files; merge files of one format`));
  const chosen = [...formats][0] as ConfigFormat;
  const documents: Record<string, unknown>[] = [];
  for (const file of files) {
    const document = await readDocument(file);
    if (E.isLeft(document)) return document;
    documents.push(document.right);
  }
  let merged: Record<string, unknown>;
  try {
    merged = mergeConfigs(documents);
  } catch (error) {
    return E.left(invalidConfig(label, `cannot merge: ${(error as Error).message}`));
  }
  const parsed = parseV2rayConfig(merged, chosen);
  if (E.isLeft(parsed)) return E.left(configErrorIn(label, parsed.left));
  return E.right({ deployment: parsed.right, label });
}

function formatOf(file: string): ConfigFormat {
  return /\.v5\.jsonc?$/i.test(file) ? 'jsonv5' : 'json';
}

async function readDocument(file: string): Promise<E.Either<InvalidConfig, Record<string, unknown>>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    return E.left(invalidConfig('--config', `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`));
  }
  let json: unknown;
  try {
    json = JSON.parse(stripJsonComments(text));
  } catch (error) {
    return E.left(invalidConfig('--config', `${file} is not valid JSON (${(error as Error).message})`));
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return E.left(invalidConfig('--config', `${file} must hold a JSON object`));
  return E.right(json as Record<string, unknown>);
}
