import autocannon, { type Request } from 'autocannon';

// Load: autocannon with a fixed connection count, a warm-up run whose figures are dropped, then
// the measured run. Only 2xx answers count as served: a 401, 429 or 503 is not a sign-in.

export interface Timing {
  warmupSeconds: number;
  seconds: number;
}

export interface LoadFigure {
  /** 2xx answers per second of the measured run. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  connections: number;
  seconds: number;
  /** Answers by status code, including the 2xx. */
  statuses: Record<string, number>;
  errors: number;
  /**
   * The server's CPU time per 2xx answer, ms: unlike the rates, little moved by other processes on
   * a shared machine (they take CPU away; they do not add to the server's own).
   */
  serverCpuMsPerOk: number;
  /** The part of it on the server's main thread: its JavaScript, without the hashing threads. */
  loopCpuMsPerOk: number;
}

export interface CpuClocks {
  cpuMs(): number;
  loopCpuMs(): number;
}

/** CPU spent by the server while `work` runs: all threads, and the main thread. */
async function cpuDuring<T>(clocks: CpuClocks | undefined, work: () => Promise<T>): Promise<{ result: T; total: number; loop: number }> {
  const before = { total: clocks?.cpuMs() ?? NaN, loop: clocks?.loopCpuMs() ?? NaN };
  const result = await work();
  return { result, total: (clocks?.cpuMs() ?? NaN) - before.total, loop: (clocks?.loopCpuMs() ?? NaN) - before.loop };
}

export interface LoadSpec {
  url: string;
  /** The server's CPU clocks. */
  cpu?: CpuClocks;
  connections: number;
  /** Fresh requests for each run (warm-up and measured): closures may keep counters. */
  requests: () => Request[];
}

function countOk(statuses: Record<string, number>): number {
  return Object.entries(statuses).reduce((sum, [code, n]) => (code.startsWith('2') ? sum + n : sum), 0);
}

export async function runLoad(spec: LoadSpec, timing: Timing): Promise<LoadFigure> {
  const once = (duration: number) =>
    autocannon({ url: spec.url, connections: spec.connections, duration, requests: spec.requests(), idReplacement: true, timeout: 30 });
  if (timing.warmupSeconds > 0) await drained(await once(timing.warmupSeconds));
  const { result, total, loop } = await cpuDuring(spec.cpu, () => once(timing.seconds));
  await drained(result);
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, Number(s.count)]));
  return {
    perSecond: countOk(statuses) / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    connections: spec.connections,
    seconds: result.duration,
    statuses,
    errors: result.errors + result.timeouts,
    serverCpuMsPerOk: total / countOk(statuses),
    loopCpuMsPerOk: loop / countOk(statuses),
  };
}

/**
 * autocannon ends a run with requests still in flight; the server finishes them. Before the next run
 * starts they must be done: a sign-in in flight holds its place in the address throttle (20 places,
 * in flight counted), and on a loaded machine, where a sign-in takes a second, the next run's 16 would
 * otherwise find the places taken (429). Waits as long as the run's slowest answer (at most 10 s).
 */
async function drained(result: { latency: { max: number } }): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, (result.latency.max || 0) + 200)));
}

export interface FlowFigure {
  /** Flows completed (every step answered as expected) per second. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  connections: number;
  seconds: number;
  completed: number;
  /** Flows abandoned at some step, by step and status. */
  broken: Record<string, number>;
  serverCpuMsPerFlow: number;
  loopCpuMsPerFlow: number;
}

/** One step of a multi-request flow; `check` says whether the answer lets the flow go on. */
export interface FlowStep {
  request: (context: Record<string, unknown>) => Omit<Request, 'setupRequest' | 'onResponse'>;
  check: (status: number, body: string, headers: Record<string, string | string[]>, context: Record<string, unknown>) => boolean;
}

/**
 * A multi-request flow (sign-in, send code, read it, verify) driven by autocannon's request
 * sequences: each connection walks the steps, carrying what it learnt in its context. A step that
 * fails restarts the flow; a flow counts when its last step succeeds.
 */
export async function runFlow(url: string, connections: number, steps: () => FlowStep[], timing: Timing, cpu?: CpuClocks): Promise<FlowFigure> {
  const once = async (duration: number) => {
    const flowSteps = steps();
    const durations: number[] = [];
    const broken: Record<string, number> = {};
    const requests: Request[] = flowSteps.map((step, index) => ({
      setupRequest: (defaults, context) => {
        if (context.failed) return null;
        if (index === 0) context.startedAt = performance.now();
        const request = step.request(context);
        // autocannon's defaults carry the host and port: kept, with this step's method, path and body.
        return { ...defaults, ...request, headers: request.headers ?? {} };
      },
      onResponse: (status, body, context, headers) => {
        if (!step.check(status, body, headers, context)) {
          context.failed = true;
          broken[`step${index + 1}:${status}`] = (broken[`step${index + 1}:${status}`] ?? 0) + 1;
          return;
        }
        if (index === flowSteps.length - 1) durations.push(performance.now() - (context.startedAt as number));
      },
    }));
    const result = await autocannon({ url, connections, duration, requests, timeout: 30 });
    durations.sort((a, b) => a - b);
    return { result, durations, broken };
  };
  if (timing.warmupSeconds > 0) await drained((await once(timing.warmupSeconds)).result);
  const { result: run, total, loop } = await cpuDuring(cpu, () => once(timing.seconds));
  await drained(run.result);
  const { result, durations, broken } = run;
  const at = (q: number) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))] ?? NaN;
  return {
    perSecond: durations.length / result.duration,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    connections,
    seconds: result.duration,
    completed: durations.length,
    broken,
    serverCpuMsPerFlow: total / durations.length,
    loopCpuMsPerFlow: loop / durations.length,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Cookies a response sets, as `name=value` pairs for the next request's Cookie header. */
export function cookiesOf(headers: Record<string, string | string[]>): string[] {
  const raw = headers['set-cookie'] ?? headers['Set-Cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return list.map((c) => c.split(';')[0]!).filter((c) => !c.endsWith('='));
}
