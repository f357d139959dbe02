import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface ScenarioResult {
  name: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  runs: number;
  target?: number;
  anchor?: string;
  [extra: string]: unknown;
}

export interface SuiteResult {
  suite: string;
  at: string;
  /** `loadAverage`: the 1/5/15-minute load averages when the file was written (other work on the machine skews figures). */
  machine: { cpus: number; node: string; platform: string; loadAverage?: number[] };
  scenarios: ScenarioResult[];
}

export function summarize(samples: number[]): { median: number; min: number; max: number; runs: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  const round = (value: number) => Math.round(value * 100) / 100;
  return { median: round(median), min: round(sorted[0]), max: round(sorted[sorted.length - 1]), runs: sorted.length };
}

/** Runs `measure` once to warm up, then `runs` times; returns the summary of what `measure` returned. */
export async function sample(runs: number, measure: () => Promise<number>): Promise<{ median: number; min: number; max: number; runs: number }> {
  await measure();
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) samples.push(await measure());
  return summarize(samples);
}

export function writeSuite(suite: string, scenarios: ScenarioResult[]): string {
  const result: SuiteResult = {
    suite,
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.arch()}`, loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100) },
    scenarios,
  };
  const directory = path.join(process.cwd(), "bench", "results");
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `${suite}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/**
 * A closed loop for the in-process benches: `concurrency` workers call `once(worker)` until `total` calls were made.
 * Returns a one-line summary (per second, median, p99, RSS) to print.
 */
export async function closedLoop(total: number, concurrency: number, once: (worker: number) => Promise<number>): Promise<Record<string, number>> {
  const samples: number[] = [];
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < total) {
        next += 1;
        samples.push(await once(worker));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    concurrency,
    total,
    perSecond: Math.round(total / seconds),
    ...summarize(samples),
    p99: sorted[Math.floor(sorted.length * 0.99)],
    // This process's CPU time (every thread) per call: steadier than wall time on a shared host.
    cpuMsPerCall: Math.round((cpu.user + cpu.system) / total) / 1000,
    rssMb: Math.round(process.memoryUsage().rss / 1e6),
  };
}

/** What the benches read from an autocannon result (autocannon's own Result type, in part). */
export interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** One autocannon phase as a scenario: throughput as the value, latency, errors (transport + timeouts), non-2xx. */
export function loadScenario(name: string, unit: string, result: LoadResult, extra: Record<string, unknown> = {}): ScenarioResult {
  const rate = result.requests.average;
  return {
    name,
    unit,
    median: rate,
    min: rate,
    max: rate,
    runs: 1,
    requests: result.requests.total,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    ...extra,
  };
}

/** The console line of one load phase. */
export function loadLine(label: string, unit: string, result: LoadResult): string {
  return `${label}: ${result.requests.average} ${unit}, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, errors ${result.errors + result.timeouts}, non2xx ${result.non2xx}`;
}
