/* What every bench shares: waiting for a child process's message, and the statistics of a set of runs. */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';

/** The child's next IPC message, checked against `schema`; rejects when it exits first or takes over `timeoutMs`. */
export function waitForMessage<T>(
  child: ChildProcess,
  schema: z.ZodType<T>,
  what: string,
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    // Listeners come off once settled: a bench that asks a child many times must not pile them up.
    const settle = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const timer = setTimeout(() => {
      settle();
      child.kill();
      reject(new Error(`${what} did not report within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const onMessage = (message: unknown) => {
      settle();
      const parsed = schema.safeParse(message);
      if (parsed.success) resolve(parsed.data);
      else reject(new Error(`${what} sent an unexpected message: ${parsed.error.message}`));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      settle();
      reject(new Error(`${what} exited (${signal ?? code}) before reporting`));
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The machine's CPU time so far, summed over its cores (ms): all of it, and the part not idle. */
export function machineCpuMs(): { totalMs: number; busyMs: number } {
  let totalMs = 0;
  let idleMs = 0;
  for (const { times } of cpus()) {
    totalMs += times.user + times.nice + times.sys + times.idle + times.irq;
    idleMs += times.idle;
  }
  return { totalMs, busyMs: totalMs - idleMs };
}

/** /proc/stat counts in USER_HZ, 100 a second on Linux. */
const msPerClockTick = 10;

/**
 * A process's CPU time so far (user + system, ms), its main thread apart from its other threads (V8's compiler and
 * GC thread, libuv's pool, worker threads), from /proc/<pid>/task. Undefined where /proc is missing (not Linux).
 */
export function threadsCpuMs(pid: number): { mainMs: number; otherMs: number } | undefined {
  try {
    let mainMs = 0;
    let otherMs = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'latin1');
      } catch {
        continue; // the thread ended in between
      }
      // Fields after the command name, which may hold spaces: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * msPerClockTick;
      if (task === String(pid)) mainMs += ms;
      else otherMs += ms;
    }
    return { mainMs, otherMs };
  } catch {
    return undefined;
  }
}

/**
 * CPU time the hypervisor took from this virtual machine so far (`steal` in /proc/stat, summed over its cores, ms):
 * time a core was ready to run and did not. Undefined where /proc/stat is missing (not Linux).
 */
export function stolenCpuMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'latin1').slice(0, 200).split('\n', 1)[0]?.split(/\s+/) ?? [];
    const steal = Number(fields[8]);
    return Number.isFinite(steal) ? steal * msPerClockTick : undefined;
  } catch {
    return undefined;
  }
}

/** The share of the machine's cores busy between two `machineCpuMs()` readings (0–1), every process counted. */
export function busyShare(
  before: ReturnType<typeof machineCpuMs>,
  after: ReturnType<typeof machineCpuMs>,
): number {
  const totalMs = after.totalMs - before.totalMs;
  return totalMs > 0 ? (after.busyMs - before.busyMs) / totalMs : 0;
}

/** The nearest-rank percentile: the smallest value with at least `fraction` of the values at or below it. */
export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * Writes a bench's results to `bench/results/<name>.json` (not committed), with when and on what machine
 * (Node, CPUs, load average) they were measured.
 */
export function writeBenchResults(name: string, fields: Record<string, unknown>): void {
  const directory = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(directory, { recursive: true });
  const machine = { node: process.version, cpus: cpus().length, loadavg: loadavg() };
  const results = { generatedAt: new Date().toISOString(), machine, ...fields };
  writeFileSync(`${directory}${name}.json`, `${JSON.stringify(results, null, 2)}\n`);
}

/**
 * `BENCH_CPU_PROFILE_DIR=…`: a CPU profile of the bot from ready until it is killed (SIGTERM), written there as
 * `bot-<pid>.cpuprofile` (open in Chrome DevTools). The inspector's profiler, since `--cpu-prof` writes nothing
 * when the process is killed.
 */
export function profileUntilKilled(directory: string): void {
  mkdirSync(directory, { recursive: true });
  const session = new Session();
  session.connect();
  const intervalUs = Number(process.env.BENCH_CPU_PROFILE_INTERVAL_US ?? '1000');
  session.post('Profiler.enable', () =>
    session.post('Profiler.setSamplingInterval', { interval: intervalUs }, () =>
      session.post('Profiler.start'),
    ),
  );
  process.once('SIGTERM', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error === null)
        writeFileSync(join(directory, `bot-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      process.exit(0);
    });
  });
}
