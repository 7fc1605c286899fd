import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes, or NaN when it is gone. */
export function rss(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? NaN : Number(match[1]) * 1024;
  } catch {
    return NaN;
  }
}

/** Established TCP connections whose local port is `port` (the tunnel server's side of each session). */
export function establishedTo(port: number | undefined): number {
  if (port === undefined) return NaN;
  const out = execFileSync('ss', ['-Htn', 'state', 'established', `( sport = :${port} )`], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.trim() !== '').length;
}

const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system, every thread) a process has used so far, or NaN when it is gone.
 * Clock ticks are 1/100 s on Linux (`getconf CLK_TCK`).
 */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    // The command name may hold spaces or parentheses: the fields are counted after its closing ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state is field 3, utime field 14, stime field 15 (proc(5)).
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}
