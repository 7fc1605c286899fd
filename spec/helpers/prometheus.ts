import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onFreePort, startProcess, tempDir, whenReady, type ProgramInDir } from './process.js';

/** A running Prometheus server scraping the given targets every second. */
export interface PrometheusInstance extends ProgramInDir {
  readonly port: number;
  /** The value of an instant query that returns one sample, or undefined when it returns none. */
  query(expression: string): Promise<number | undefined>;
  /** Polls `expression` until `accept` takes its value; rejects with the last value after `timeoutMs`. */
  waitFor(expression: string, accept: (value: number | undefined) => boolean, timeoutMs?: number): Promise<number | undefined>;
}

/**
 * Starts Debian's `prometheus` on a free loopback port with a scrape config for `targets`
 * (`127.0.0.1:PORT`, scraped every second), and resolves once it reports ready.
 *
 * @example
 * ```ts
 * const prometheus = await startPrometheus(['127.0.0.1:9464']);
 * await prometheus.waitFor('h2tunnel_tunnel_opens_total{role="client",result="ok"}', (v) => v === 3);
 * ```
 */
export function startPrometheus(targets: readonly string[]): Promise<PrometheusInstance> {
  return onFreePort(async (port) => {
    const dir = await tempDir('prometheus-');
    const config = join(dir.path, 'prometheus.yml');
    await writeFile(
      config,
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: h2tunnel',
        `    static_configs: [ { targets: [${targets.map((target) => `'${target}'`).join(', ')}] } ]`,
        '',
      ].join('\n'),
    );
    const args = [`--config.file=${config}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`];
    const child = startProcess('prometheus', args, { cwd: dir.path });
    const api = `http://127.0.0.1:${port}`;
    const program = await whenReady(child, dir, async () => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const ready = await fetch(`${api}/-/ready`).then(
          (response) => response.ok,
          () => false,
        );
        if (ready) return;
        if (Date.now() > deadline) throw new Error(`prometheus not ready within 20 s:\n${child.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });
    const query = async (expression: string): Promise<number | undefined> => {
      const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expression)}`);
      const body = (await response.json()) as { status: string; data?: { result: { value: [number, string] }[] }; error?: string };
      if (body.status !== 'success') throw new Error(`query ${expression} failed: ${body.error ?? response.status}`);
      const [first] = body.data?.result ?? [];
      return first === undefined ? undefined : Number(first.value[1]);
    };
    const waitFor = async (expression: string, accept: (value: number | undefined) => boolean, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await query(expression);
        if (accept(value)) return value;
        if (Date.now() > deadline) throw new Error(`${expression} was ${value} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    return { ...program, port, query, waitFor };
  });
}
