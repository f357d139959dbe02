/**
 * `npm run bench -- webhook`: issue 4's scenario (a), n8n's anchor, under `next start` (production build) on the
 * embedded database. Webhook (POST /bench, body {"n":7}) -> Edit Fields (tag) -> If (n > 5) -> Respond to Webhook
 * ({branch, tag, n}); every request is a real execution through the engine, recorded with its node runs (checked at the
 * end by counting the rows). Load: autocannon for 10 s at concurrency 1, 10 and 50 after a warm-up. Also: `next start`
 * to the first 200 from the webhook (data dir already there), idle RSS, and c=1 latency measured per request with
 * sub-millisecond resolution (autocannon's histogram counts whole milliseconds).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { sql } from "drizzle-orm";
import { openDatabase, queryRows } from "@/lib/db/client";
import { loadLine, loadScenario, summarize, writeSuite, type ScenarioResult } from "./harness";
import { adminCli, apiCall, BENCH_DIST_DIR, ensureProductionBuild, startProduction, treeRssMb, waitForStatus, type ProductionServer } from "./next-production";

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const BODY = '{"n":7}';
const EXPECTED = { branch: "big", tag: "bench", n: 7 };
/** How many times the server is started to measure `next start` -> first webhook 200 (BENCH_STARTUP_ONLY=1: only that). */
const START_SAMPLES = Number(process.env.BENCH_STARTS ?? 5);



/** Sequential keep-alive requests for `seconds`: per-request latency in ms with sub-ms resolution. */
async function sequentialLatencies(url: string, seconds: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(url);
  const samples: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const request = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(BODY) } },
        (response) => {
          let text = "";
          response.on("data", (chunk: Buffer) => (text += chunk.toString()));
          response.on("end", () => (response.statusCode === 200 ? resolve() : reject(new Error(`status ${response.statusCode}: ${text}`))));
        },
      );
      request.on("error", reject);
      request.end(BODY);
    });
    samples.push(performance.now() - started);
  }
  agent.destroy();
  return samples;
}

/**
 * Before a measured start: the kernel writes back what the previous process left dirty (the data dir, WAL), and a pause.
 * Without it the start competes with that I/O and measures the previous run as much as itself (+0.3-0.5 s here).
 */
async function settle(): Promise<void> {
  execFileSync("sync");
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

/** Polls the bench webhook of a server just spawned until it answers 200 with the expected body; ms since the spawn. */
async function firstWebhook200(server: ProductionServer, post: RequestInit): Promise<number> {
  const url = `${server.url}/api/webhooks/bench`;
  const elapsed = await waitForStatus(url, post, 200, server.startedAt).catch(async (error: unknown) => {
    console.error(server.logs());
    await server.stop();
    throw error;
  });
  const body = (await (await fetch(url, post)).json()) as Record<string, unknown>;
  if (Object.entries(EXPECTED).some(([name, value]) => body[name] !== value)) throw new Error(`unexpected answer ${JSON.stringify(body)}`);
  return elapsed;
}

async function main(): Promise<void> {
  await ensureProductionBuild(BENCH_DIST_DIR);
  const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), "hetumind-bench-webhook-")), "data");
  adminCli(dataDir, ["user", "create", "--email", "bench@example.com", "--password", "bench-password-1", "--workspace", "bench"]);
  const key = adminCli(dataDir, ["apikey", "create", "--email", "bench@example.com", "--workspace", "bench"]).split("\n").pop()!;

  // First start: import and activate the workflow, then stop.
  let server = await startProduction(dataDir);
  await waitForStatus(`${server.url}/api/ready`, {}, 200, server.startedAt);
  const workflow = JSON.parse(readFileSync(path.join(import.meta.dirname, "workflows/webhook-anchor.json"), "utf8"));
  const imported = await apiCall(server, key, "POST", "/api/v1/workflows/import", workflow);
  await apiCall(server, key, "POST", `/api/v1/workflows/${imported.id as string}/activate`);
  await server.stop();

  // Starts measured: from spawn to the first 200 from the webhook, a median of several (one start varies by +-30 %).
  const webhookPath = "/api/webhooks/bench";
  const post: RequestInit = { method: "POST", headers: { "content-type": "application/json" }, body: BODY };
  const starts: number[] = [];
  for (let start = 1; start < START_SAMPLES; start++) {
    await settle();
    const probe = await startProduction(dataDir);
    starts.push(await firstWebhook200(probe, post));
    await probe.stop();
  }
  await settle();
  server = await startProduction(dataDir);
  const webhookUrl = `${server.url}${webhookPath}`;
  starts.push(await firstWebhook200(server, post));
  console.log(`next start -> first webhook 200: ${starts.map(Math.round).join(", ")} ms`);
  if (process.env.BENCH_STARTUP_ONLY === "1") {
    await server.stop();
    return;
  }
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const idleRss = treeRssMb(server.pid);

  let peakRss = idleRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, treeRssMb(server.pid))), 100);
  const load = (connections: number, duration: number) =>
    autocannon({ url: webhookUrl, method: "POST", body: BODY, headers: { "content-type": "application/json" }, connections, duration });

  await load(10, 3); // warm-up
  const precise = await sequentialLatencies(webhookUrl, DURATION_S);
  const scenarios: ScenarioResult[] = [];
  const preciseSummary = summarize(precise);
  const sorted = [...precise].sort((a, b) => a - b);
  scenarios.push({
    name: "webhook-c1-sequential-latency",
    unit: "ms",
    ...preciseSummary,
    p99: Math.round(sorted[Math.floor(sorted.length * 0.99)] * 100) / 100,
    reqPerSec: Math.round(precise.length / DURATION_S),
    target: 3,
    anchor: "n8n 2.8.4: ~71 req/s, p50 12 ms at concurrency 1",
  });
  let totalOk = precise.length + 1;
  for (const connections of [1, 10, 50]) {
    const result = await load(connections, DURATION_S);
    totalOk += result["2xx"];
    scenarios.push(
      loadScenario(`webhook-autocannon-c${connections}`, "req/s", result, {
        ...(connections === 10 ? { target: 500, anchor: "n8n 2.8.4: ~100 req/s at concurrency 10" } : {}),
        ...(connections === 1 ? { anchor: "n8n 2.8.4: ~71 req/s (p50 12 ms)" } : {}),
      }),
    );
    console.log(loadLine(`c=${connections}`, "req/s", result));
  }
  clearInterval(sampler);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  await server.stop();

  // Every answered request is an execution on disk, with its node runs.
  const database = await openDatabase({ dataDir });
  const [{ executions, runs }] = await queryRows<{ executions: number; runs: number }>(
    database.db,
    sql`select (select count(*) from executions where status = 'succeeded')::int as executions, (select count(*) from node_runs)::int as runs`,
  );
  await database.close();

  scenarios.push(
    { name: "next-start-to-first-webhook-200", unit: "ms", ...summarize(starts), target: 1500, anchor: "n8n 2.8.4: ~6 s" },
    { name: "idle-rss", unit: "MB", median: idleRss, min: idleRss, max: idleRss, runs: 1, target: 350, anchor: "n8n 2.8.4: 280-510 MB" },
    { name: "peak-rss-under-load", unit: "MB", median: peakRss, min: peakRss, max: peakRss, runs: 1, target: 450 },
    { name: "executions-recorded", unit: "executions", median: executions, min: executions, max: executions, runs: 1, answered: totalOk, nodeRuns: runs },
  );
  console.log(`start->first 200 median ${Math.round(summarize(starts).median)} ms, idle RSS ${idleRss} MB, peak RSS ${peakRss} MB, answered ${totalOk}, recorded ${executions} executions / ${runs} node runs`);
  console.log(`wrote ${writeSuite("webhook", scenarios)}`);
}

await main();
