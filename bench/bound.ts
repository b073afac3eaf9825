import { createArgon2Hasher } from '../src/adapters/argon2-hasher.js';
import { deriveSecrets } from '../src/domain/kernel/crypto.js';

/**
 * The bound: argon2id verifications per second through Kabuto's own hasher (its parameters, its
 * pepper, its default concurrency: every core on libuv's threads), kept saturated. A password
 * sign-in does one such verification, so no server can sign in faster than this.
 * Runs as a child process (`--child bound`) so it competes with nothing of the bench's.
 */
export async function measureBound(seconds: number, threads?: number): Promise<{ hashesPerSecond: number; concurrency: number; msPerHash: number; cpuMsPerHash: number }> {
  const pepper = deriveSecrets(Buffer.from('b'.repeat(64), 'hex')).pepper;
  // `threads`: the pinned figure's bound, on as many hashing threads as its server has (one).
  const concurrency = threads ?? Math.max(1, (await import('node:os')).availableParallelism());
  const hasher = createArgon2Hasher({ pepper, concurrency });
  const hashed = await hasher.hash('bench password for the bound 0123');
  // Warm-up: the threads start and argon2's memory is first touched.
  await Promise.all(Array.from({ length: concurrency }, () => hasher.verify(hashed, 'bench password for the bound 0123')));
  let done = 0;
  let measuring = true;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  // Twice the concurrency in flight: the hasher's queue is never empty, so no thread idles.
  const worker = async () => {
    while (measuring) {
      await hasher.verify(hashed, 'bench password for the bound 0123');
      if (performance.now() <= end) done++;
      else measuring = false;
    }
  };
  await Promise.all(Array.from({ length: concurrency * 2 }, worker));
  const elapsed = (Math.min(performance.now(), end) - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const hashesPerSecond = done / elapsed;
  // CPU per hash (every thread of the process): what a sign-in must spend at least, whatever else runs on the machine.
  return { hashesPerSecond, concurrency, msPerHash: (1000 * concurrency) / hashesPerSecond, cpuMsPerHash: (cpu.user + cpu.system) / 1000 / done };
}
