import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

// Every server under load runs in its own child process: autocannon's CPU is then never the
// server's, and the server's resident memory can be read from /proc.

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH_BIN = fileURLToPath(new URL('../bin/kabuto-bench.mjs', import.meta.url));

// A bench that fails half-way must not leave servers behind.
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface Child {
  name: string;
  url: string;
  process: ChildProcess;
  /** Resident memory now, MiB (VmRSS). */
  rssMiB(): number;
  /** The highest resident memory so far, MiB (VmHWM). */
  peakRssMiB(): number;
  /** CPU time used so far (user + system, every thread), ms. */
  cpuMs(): number;
  /** CPU time of the main thread alone (the event loop: JavaScript, not the hashing threads), ms. */
  loopCpuMs(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function procStatusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
    return line ? Math.round(Number(line.split(/\s+/)[1]) / 1024) : NaN;
  } catch {
    return NaN;
  }
}

/** utime + stime of a /proc stat file, in clock ticks of 10 ms (USER_HZ is 100 on Linux). */
function processCpuMs(file: string): number {
  try {
    const stat = readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

export interface SpawnOptions {
  name: string;
  args: string[];
  env: Record<string, string>;
  port: number;
  /** A path answering 200 once the server is ready. */
  readyPath: string;
  cwd?: string;
}

export async function spawnServer(options: SpawnOptions): Promise<Child> {
  // KABUTO_BENCH_CPU_PROFILE=<server name> (e.g. kabuto-stub-hash): that server writes a V8 CPU profile
  // into bench/profiles/ when it stops (a diagnostic; the figures of such a run are not comparable).
  const profiled = process.env.KABUTO_BENCH_CPU_PROFILE === options.name ? ['--cpu-prof', `--cpu-prof-dir=${ROOT}bench/profiles`] : [];
  const child = spawn(process.execPath, [...profiled, ...options.args], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping = false;
  child.once('exit', (code, signal) => {
    live.delete(child);
    // A server dying under load is a finding, not noise: say so with its last words.
    if (!stopping) process.stderr.write(`${options.name} exited (${code ?? signal}) during the bench:\n${output}\n`);
  });
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited (${child.exitCode}) before it was ready:\n${output}`);
    try {
      const response = await fetch(url + options.readyPath);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} not ready after 120 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid ?? 0;
  return {
    name: options.name,
    url,
    process: child,
    rssMiB: () => procStatusMiB(pid, 'VmRSS'),
    peakRssMiB: () => procStatusMiB(pid, 'VmHWM'),
    cpuMs: () => processCpuMs(`/proc/${pid}/stat`),
    loopCpuMs: () => processCpuMs(`/proc/${pid}/task/${pid}/stat`),
    async stop() {
      stopping = true;
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A child of the bench's own kind (`--child <role>`), for the bare baseline and the argon2 bound. */
export function benchChildArgs(role: string, ...rest: string[]): string[] {
  return [BENCH_BIN, '--child', role, ...rest];
}

/** Run a bench child to its end and parse the JSON it prints last. */
export async function runBenchChild<T>(role: string, env: Record<string, string> = {}): Promise<T> {
  const child = spawn(process.execPath, benchChildArgs(role), { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bench child ${role} failed (${code}): ${stdout}`);
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as T;
}
