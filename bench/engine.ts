import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";
import { listNodeRuns } from "@/lib/db/queries/node-runs";
import { listExecutions } from "@/lib/db/queries/executions";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { Engine } from "@/lib/engine/engine";
import { guardedFetch } from "@/lib/net/guarded-fetch";
import type { WorkflowInput } from "@/lib/workflow/schema";
import { nodeRegistry } from "@/nodes";
import { startEchoServer } from "../tests/fixtures/http-echo-server";
import { sample, summarize, writeSuite, type ScenarioResult } from "./harness";
import { httpChain, noOpChain, tenThousandItems } from "./workflows";

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const ROOT = path.resolve(import.meta.dirname, "..");

async function timeRun(engine: Engine, workflow: WorkflowInput): Promise<number> {
  const started = performance.now();
  const outcome = await engine.startAndRun({ workflow, mode: "manual" });
  const elapsed = performance.now() - started;
  if (outcome.status !== "succeeded") throw new Error(`${workflow.name} ${outcome.status}: ${"error" in outcome ? outcome.error.message : ""}`);
  return elapsed;
}

interface ProcessStats {
  maxRssMb: number;
  startToFirstNodeMs: number;
  totalMs: number;
}

/** Runs `hetumind run <file>` as a fresh process on a fresh copy of a data dir: peak RSS and start-to-first-node time. */
async function cliStats(workflow: WorkflowInput, templateDataDir: string): Promise<ProcessStats> {
  const directory = mkdtempSync(path.join(os.tmpdir(), "hetumind-bench-cli-"));
  const dataDir = path.join(directory, "data");
  await import("node:fs/promises").then((fs) => fs.cp(templateDataDir, dataDir, { recursive: true }));
  const file = path.join(directory, "workflow.json");
  writeFileSync(file, JSON.stringify(workflow));
  const rssFile = path.join(directory, "rss");
  const spawnedAt = Date.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ["--import", path.join(ROOT, "bench/report-rss.mjs"), path.join(ROOT, "bin/hetumind.mjs"), "run", file], {
      cwd: ROOT,
      env: { ...process.env, HETUMIND_DATA_DIR: dataDir, HETUMIND_ALLOW_PRIVATE_NETWORK: "true", HETUMIND_LOG_LEVEL: "error", HETUMIND_RSS_FILE: rssFile },
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.on("close", resolve);
  });
  const totalMs = Date.now() - spawnedAt;
  if (code !== 0) throw new Error(`hetumind run exited ${code}`);
  const database = await openDatabase({ dataDir });
  try {
    const [execution] = await listExecutions(database.db, DEFAULT_WORKSPACE_ID, { limit: 1 });
    const runs = await listNodeRuns(database.db, DEFAULT_WORKSPACE_ID, execution.id);
    return { maxRssMb: Math.round(Number(readFileSync(rssFile, "utf8")) / 1024), startToFirstNodeMs: runs[0].startedAt.getTime() - spawnedAt, totalMs };
  } finally {
    await database.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const directory = mkdtempSync(path.join(os.tmpdir(), "hetumind-bench-"));
  const dataDir = path.join(directory, "data");
  const echo = await startEchoServer();
  process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
  const scenarios: ScenarioResult[] = [];
  let database: DatabaseHandle | undefined = await openDatabase({ dataDir });
  try {
    const engine = new Engine({ database, registry: nodeRegistry });
    const chains: Record<number, number> = {};
    for (const count of [1, 200, 1000]) {
      const stats = await sample(RUNS, () => timeRun(engine, noOpChain(count)));
      chains[count] = stats.median;
      const anchor = { 1: "n8n 2.8.4: ~8 ms", 200: "n8n 2.8.4: ~44 ms", 1000: "n8n 2.8.4: ~1000 ms" }[count];
      scenarios.push({ name: `chain-noop-${count}`, unit: "ms", ...stats, target: count === 1000 ? 100 : undefined, anchor });
    }
    scenarios.push({ name: "chain-noop-ratio-1000-to-200", unit: "ratio", ...summarize([chains[1000] / chains[200]]), target: 5.5 });

    const items = await sample(RUNS, () => timeRun(engine, tenThousandItems()));
    scenarios.push({ name: "10k-items-code-set-if-code", unit: "ms", ...items, target: 150, anchor: "n8n 2.8.4: 1200-2200 ms" });

    const count = 100;
    const url = `${echo.url}/bench`;
    const serverOnly = await sample(RUNS, async () => {
      const started = performance.now();
      for (let index = 0; index < count; index++) await guardedFetch(url, { headers: { "idempotency-key": `bench-${index}` } });
      return performance.now() - started;
    });
    const withEngine = await sample(RUNS, () => timeRun(engine, httpChain(count, url)));
    scenarios.push({ name: "http-100-total", unit: "ms", ...withEngine });
    scenarios.push({ name: "http-100-server-only", unit: "ms", ...serverOnly });
    scenarios.push({
      name: "http-100-engine-per-node",
      unit: "ms",
      ...summarize([(withEngine.median - serverOnly.median) / count]),
      min: Math.round(((withEngine.min - serverOnly.max) / count) * 100) / 100,
      max: Math.round(((withEngine.max - serverOnly.min) / count) * 100) / 100,
      runs: withEngine.runs,
      target: 5,
    });
    await database.close();
    database = undefined;

    const processRuns = Number(process.env.BENCH_PROCESS_RUNS ?? 3);
    for (const [name, workflow] of [
      ["chain-noop-1000", noOpChain(1000)],
      ["10k-items", tenThousandItems()],
      ["http-100", httpChain(count, url)],
    ] as const) {
      const stats: ProcessStats[] = [];
      for (let run = 0; run < processRuns; run++) stats.push(await cliStats(workflow, dataDir));
      scenarios.push({ name: `cli-${name}-peak-rss`, unit: "MB", ...summarize(stats.map((entry) => entry.maxRssMb)) });
      scenarios.push({ name: `cli-${name}-start-to-first-node`, unit: "ms", ...summarize(stats.map((entry) => entry.startToFirstNodeMs)) });
      scenarios.push({ name: `cli-${name}-process-total`, unit: "ms", ...summarize(stats.map((entry) => entry.totalMs)) });
    }
  } finally {
    await database?.close();
    await echo.close();
    rmSync(directory, { recursive: true, force: true });
  }
  const file = writeSuite("engine", scenarios);
  for (const scenario of scenarios) {
    console.log(`${scenario.name.padEnd(40)} median ${String(scenario.median).padStart(9)} ${scenario.unit}  (min ${scenario.min}, max ${scenario.max})${scenario.target !== undefined ? `  target ${scenario.target}` : ""}`);
  }
  console.log(`wrote ${file}`);
}

await main();
