/**
 * `npm run bench -- agent`: issue 5's Performance section, under `next start` (production build) on the embedded database.
 * POST /api/chat/<workflowId> ({ sessionId, chatInput }) -> Chat Trigger -> AI Agent (OpenAI-compatible model on the
 * OpenAI fixture of tests/fixtures, zero latency; Window Buffer Memory, 5 turns; one Code Tool "Shout") -> the UI message
 * stream. Every run is two streamed model calls (the first asks for the tool, the second answers after the tool result)
 * and one tool call, each a checkpointed step of the agent's subgraph, in a recorded execution.
 *
 * The fixture runs in this process; `respond` answers from the request (a tool call when the last message is the user's,
 * the final text when it is the tool result), so concurrent runs never take each other's replies. Its own time is measured
 * server-side through Node's `http.server.request.start` / `http.server.response.finish` diagnostics channels (request
 * received -> response finished, per model call), so "our own overhead" = client time of a run minus the fixture's time.
 *
 * Sessions: one session per connection (autocannon's `setupClient`; the sequential client has its own): every connection
 * is a conversation whose window memory fills to 5 turns and then stays there, so runs neither share one growing memory
 * nor all start empty.
 *
 * Warm-up, not measured: 3 s of chat and 2 s of webhook runs at c=10, then 10 s (BENCH_WARMUP_SEQ_S) of both, one at
 * a time: the first measured phase came out 1-5 ms slower than the same runs a minute later with a shorter one.
 * Scenarios: c=1 sequential with sub-millisecond client timing (total, time to the first streamed text delta, the
 * fixture's share, overhead = total - fixture, TTFT beyond the fixture = first text-delta at the client - the fixture
 * starting its final answer); autocannon at c=1 and c=10 for BENCH_DURATION (10) s; peak RSS of the server's process tree;
 * errors = transport errors + non-2xx + failed executions; at the end the recorded executions and the fixture's calls are
 * checked against the answered requests (2 model calls per run).
 */
import diagnostics from "node:diagnostics_channel";
import { mkdtempSync } from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { sql } from "drizzle-orm";
import { openDatabase, queryRows } from "@/lib/db/client";
import type { RecordedRequest, ScriptedReply } from "../tests/fixtures/model-fixture-core";
import { startOpenAiFixture } from "../tests/fixtures/openai-fixture-server";
import { loadLine, loadScenario, summarize, writeSuite, type ScenarioResult } from "./harness";
import { agentWorkflow, FINAL_TEXT, webhookWorkflow } from "./workflows/agent-workflows";
import { adminCli, apiCall, BENCH_DIST_DIR, ensureProductionBuild, startProduction, treeRssMb, waitForStatus } from "./next-production";

/** autocannon 8's `setupClient` (called once per connection), which bench/autocannon.d.ts does not declare. */
const cannon = autocannon as unknown as (
  options: Parameters<typeof autocannon>[0] & { setupClient?: (client: { setBody(body: string): void }) => void },
) => ReturnType<typeof autocannon>;

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const API_KEY = "sk-bench-fixture";
const bodyOf = (sessionId: string) => JSON.stringify({ sessionId, chatInput: "hello" });

/** The fixture's time, measured on its own server: request received -> response finished, summed over model calls. */
function fixtureClock(port: number) {
  const started = new WeakMap<ServerResponse, number>();
  let totalMs = 0;
  let calls = 0;
  const onStart = (message: unknown) => {
    const { response, socket } = message as { response: ServerResponse; socket: Socket };
    if (socket.localPort === port) started.set(response, performance.now());
  };
  const onFinish = (message: unknown) => {
    const { response } = message as { response: ServerResponse };
    const at = started.get(response);
    if (at === undefined) return;
    started.delete(response);
    totalMs += performance.now() - at;
    calls += 1;
  };
  diagnostics.subscribe("http.server.request.start", onStart);
  diagnostics.subscribe("http.server.response.finish", onFinish);
  return {
    read: () => ({ totalMs, calls }),
    stop: () => {
      diagnostics.unsubscribe("http.server.request.start", onStart);
      diagnostics.unsubscribe("http.server.response.finish", onFinish);
    },
  };
}

interface RunSample {
  totalMs: number;
  ttftMs: number;
  fixtureMs: number;
  ttftBeyondFixtureMs: number;
}

/** One chat message over a keep-alive agent: the stream read to its end, timed. */
function chatOnce(url: URL, agent: http.Agent, body: string, finalAnswerAt: () => number, streamed = true): Promise<{ totalMs: number; ttftMs: number; ttftBeyondFixtureMs: number; text: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstDeltaAt = 0;
    const request = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (response: IncomingMessage) => {
        let text = "";
        response.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          if (firstDeltaAt === 0 && text.includes('"type":"text-delta"')) firstDeltaAt = performance.now();
        });
        response.on("end", () => {
          const ended = performance.now();
          if (response.statusCode !== 200) return reject(new Error(`status ${response.statusCode}: ${text}`));
          if (streamed && (firstDeltaAt === 0 || text.includes('"type":"error"'))) return reject(new Error(`no text delta, or an error part: ${text}`));
          if (!streamed && !text.includes(FINAL_TEXT)) return reject(new Error(`unexpected answer: ${text}`));
          resolve({ totalMs: ended - started, ttftMs: firstDeltaAt - started, ttftBeyondFixtureMs: firstDeltaAt - finalAnswerAt(), text });
        });
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

const round = (value: number) => Math.round(value * 100) / 100;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]);
};

async function main(): Promise<void> {
  await ensureProductionBuild(BENCH_DIST_DIR);
  let finalAnswerAt = 0;
  const respond = (request: RecordedRequest): ScriptedReply => {
    const messages = (request.body as { messages?: Array<{ role?: string }> } | null)?.messages ?? [];
    if (messages.at(-1)?.role === "tool") {
      finalAnswerAt = performance.now();
      return { text: FINAL_TEXT };
    }
    return { toolCalls: [{ name: "Shout", input: { query: "hello" } }] };
  };
  const fixture = await startOpenAiFixture({ apiKey: API_KEY, respond });
  const clock = fixtureClock(fixture.port);

  const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), "hetumind-bench-agent-")), "data");
  adminCli(dataDir, ["user", "create", "--email", "bench@example.com", "--password", "bench-password-1", "--workspace", "bench"]);
  const key = adminCli(dataDir, ["apikey", "create", "--email", "bench@example.com", "--workspace", "bench"]).split("\n").pop()!;

  const server = await startProduction(dataDir, { HETUMIND_ALLOW_PRIVATE_NETWORK: "true" });
  stopOnFailure = server.stop;
  try {
    await waitForStatus(`${server.url}/api/ready`, {}, 200, server.startedAt);
  } catch (error) {
    console.error(server.logs());
    throw error;
  }
  const credential = await apiCall(server, key, "POST", "/api/v1/credentials", { name: "Fixture model", type: "openAiCompatibleApi", data: { baseUrl: fixture.url, apiKey: API_KEY } });
  const imported = await apiCall(server, key, "POST", "/api/v1/workflows/import", agentWorkflow(credential.id as string));
  const workflowId = imported.id as string;
  await apiCall(server, key, "POST", `/api/v1/workflows/${workflowId}/activate`);
  const chatUrl = new URL(`${server.url}/api/chat/${workflowId}`);
  const webhook = await apiCall(server, key, "POST", "/api/v1/workflows/import", webhookWorkflow(credential.id as string));
  await apiCall(server, key, "POST", `/api/v1/workflows/${webhook.id as string}/activate`);
  const webhookUrl = new URL(`${server.url}/api/webhooks/agent-bench`);

  // One checked run: the tool's result and the final text are streamed, the fixture got 2 model calls.
  const checkAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const first = await chatOnce(chatUrl, checkAgent, bodyOf("check"), () => finalAnswerAt).catch((error: unknown) => {
    console.error(server.logs());
    throw error;
  });
  checkAgent.destroy();
  if (!first.text.includes('"output":"HELLO"') || !first.text.includes('"delta":"HELLO"')) throw new Error(`unexpected stream ${first.text}`);
  if (fixture.calls().completed !== 2) throw new Error(`expected 2 model calls, the fixture got ${JSON.stringify(fixture.calls())}`);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idleRss = treeRssMb(server.pid);

  let peakRss = idleRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, treeRssMb(server.pid))), 100);
  let connection = 0;
  const load = (connections: number, duration: number, label: string, url = chatUrl) =>
    cannon({
      url: url.href,
      method: "POST",
      body: bodyOf(`${label}-0`),
      headers: { "content-type": "application/json" },
      connections,
      duration,
      setupClient: (client) => client.setBody(bodyOf(`${label}-${connection++}`)),
    });

  /** autocannon stops with runs still in flight (their executions go on): wait until the fixture has been quiet for 1 s. */
  const settle = async () => {
    for (let last = -1; clock.read().calls !== last; ) {
      last = clock.read().calls;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };

  // Warm-up, not measured: both routes (Next.js loads and compiles each route's bundle on its first request), at
  // concurrency 10 and then one at a time, so that the first measured phase does not pay for the JIT's tier-up.
  const warmup = await load(10, 3, "warmup");
  const webhookWarmup = await load(10, 2, "warmup-webhook", webhookUrl);
  await settle();
  const warmupAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let warmupRuns = 0;
  for (const end = performance.now() + Number(process.env.BENCH_WARMUP_SEQ_S ?? 10) * 1000; performance.now() < end; warmupRuns += 2) {
    await chatOnce(chatUrl, warmupAgent, bodyOf("warmup-sequential"), () => finalAnswerAt);
    await chatOnce(webhookUrl, warmupAgent, bodyOf("warmup-webhook-sequential"), () => finalAnswerAt, false);
  }
  warmupAgent.destroy();

  // c=1, sequential, timed per run with the fixture's share.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples: RunSample[] = [];
  const end = performance.now() + DURATION_S * 1000;
  while (performance.now() < end) {
    const before = clock.read();
    const run = await chatOnce(chatUrl, agent, bodyOf("sequential"), () => finalAnswerAt);
    const after = clock.read();
    if (after.calls - before.calls !== 2) throw new Error(`a run made ${after.calls - before.calls} model calls`);
    samples.push({ totalMs: run.totalMs, ttftMs: run.ttftMs, fixtureMs: after.totalMs - before.totalMs, ttftBeyondFixtureMs: run.ttftBeyondFixtureMs });
  }
  agent.destroy();
  const pick = (field: keyof RunSample) => samples.map((sample) => sample[field]);
  const overhead = samples.map((sample) => sample.totalMs - sample.fixtureMs);
  const scenarios: ScenarioResult[] = [
    {
      name: "agent-chat-c1-sequential-latency",
      unit: "ms",
      ...summarize(pick("totalMs")),
      p99: percentile(pick("totalMs"), 0.99),
      runsPerSec: round(samples.length / DURATION_S),
      anchor: "n8n 2.8.4: 12.6 runs/s, p50 71 ms at concurrency 1",
    },
    {
      name: "agent-own-overhead-per-run-c1",
      unit: "ms",
      ...summarize(overhead),
      p99: percentile(overhead, 0.99),
      fixtureMsPerRunMedian: summarize(pick("fixtureMs")).median,
      target: 10,
      note: "client time of a run minus the fixture's server-side time for its 2 model calls",
    },
    { name: "agent-chat-ttft-c1", unit: "ms", ...summarize(pick("ttftMs")), p99: percentile(pick("ttftMs"), 0.99), note: "request sent -> first text-delta part at the client (after the tool step)" },
    {
      name: "agent-chat-ttft-beyond-fixture-c1",
      unit: "ms",
      ...summarize(pick("ttftBeyondFixtureMs")),
      p99: percentile(pick("ttftBeyondFixtureMs"), 0.99),
      target: 10,
      note: "the fixture starts its final answer -> the first text-delta part reaches the client",
    },
  ];
  console.log(
    `c=1 sequential: ${samples.length} runs, p50 ${scenarios[0].median} ms, overhead p50 ${scenarios[1].median} ms, TTFT p50 ${scenarios[2].median} ms, beyond fixture p50 ${scenarios[3].median} ms`,
  );

  let answered = 1 + warmup["2xx"] + webhookWarmup["2xx"] + warmupRuns + samples.length;
  const callsBeforeLoad = clock.read();
  for (const connections of [1, 10]) {
    const before = clock.read();
    const result = await load(connections, DURATION_S, `c${connections}`);
    await settle();
    const after = clock.read();
    answered += result["2xx"];
    scenarios.push(
      loadScenario(`agent-chat-autocannon-c${connections}`, "runs/s", result, {
        fixtureMsPerRun: after.calls > before.calls ? round((after.totalMs - before.totalMs) / ((after.calls - before.calls) / 2)) : null,
        ...(connections === 10 ? { target: 90, anchor: "n8n 2.8.4: 18 runs/s (p50 549 ms) at concurrency 10" } : { anchor: "n8n 2.8.4: 12.6 runs/s (p50 71 ms) at concurrency 1" }),
      }),
    );
    console.log(loadLine(`c=${connections}`, "runs/s", result));
  }

  // The same agent behind a webhook (lastNode: one JSON answer, no stream): c=1 sequential overhead and c=10.
  const webhookAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const webhookOverhead: number[] = [];
  const webhookTotal: number[] = [];
  const webhookEnd = performance.now() + DURATION_S * 1000;
  while (performance.now() < webhookEnd) {
    const before = clock.read();
    const run = await chatOnce(webhookUrl, webhookAgent, bodyOf("webhook-sequential"), () => finalAnswerAt, false);
    const after = clock.read();
    if (after.calls - before.calls !== 2) throw new Error(`a webhook run made ${after.calls - before.calls} model calls`);
    webhookTotal.push(run.totalMs);
    webhookOverhead.push(run.totalMs - (after.totalMs - before.totalMs));
  }
  webhookAgent.destroy();
  answered += webhookTotal.length;
  const webhookLoad = await load(10, DURATION_S, "webhook-c10", webhookUrl);
  await settle();
  answered += webhookLoad["2xx"];
  scenarios.push(
    {
      name: "agent-webhook-own-overhead-per-run-c1",
      unit: "ms",
      ...summarize(webhookOverhead),
      p99: percentile(webhookOverhead, 0.99),
      latencyP50Ms: summarize(webhookTotal).median,
      runsPerSec: round(webhookTotal.length / DURATION_S),
      target: 10,
      note: "Webhook (lastNode) -> the same agent; client time minus the fixture's time, sequential",
    },
    loadScenario("agent-webhook-autocannon-c10", "runs/s", webhookLoad, {
      target: 90,
      anchor: "n8n 2.8.4: 18 runs/s (p50 549 ms) at concurrency 10",
    }),
  );
  console.log(
    `webhook: c=1 sequential overhead p50 ${summarize(webhookOverhead).median} ms (${webhookTotal.length} runs); c=10 ${webhookLoad.requests.average} runs/s, p50 ${webhookLoad.latency.p50} ms, errors ${webhookLoad.errors + webhookLoad.timeouts}, non2xx ${webhookLoad.non2xx}`,
  );
  clearInterval(sampler);
  const modelCalls = clock.read().calls;
  await server.stop();
  clock.stop();
  await fixture.close();

  // Every answered request is a recorded execution; failed ones are errors even though their stream answered 200.
  const database = await openDatabase({ dataDir });
  const [counts] = await queryRows<{ succeeded: number; failed: number; runs: number; turns: number }>(
    database.db,
    sql`select (select count(*) from executions where status = 'succeeded')::int as succeeded,
               (select count(*) from executions where status <> 'succeeded')::int as failed,
               (select count(*) from node_runs)::int as runs,
               (select count(*) from chat_memory_turns)::int as turns`,
  );
  await database.close();

  scenarios.push(
    { name: "idle-rss", unit: "MB", median: idleRss, min: idleRss, max: idleRss, runs: 1 },
    { name: "peak-rss-under-load", unit: "MB", median: peakRss, min: peakRss, max: peakRss, runs: 1, target: 500, anchor: "n8n 2.8.4: 730-860 MB" },
    {
      name: "executions-recorded",
      unit: "executions",
      median: counts.succeeded,
      min: counts.succeeded,
      max: counts.succeeded,
      runs: 1,
      answered,
      notSucceeded: counts.failed,
      nodeRuns: counts.runs,
      memoryTurns: counts.turns,
      modelCalls,
      modelCallsUnderAutocannon: modelCalls - callsBeforeLoad.calls,
    },
  );
  console.log(`idle RSS ${idleRss} MB, peak RSS ${peakRss} MB, answered ${answered}, executions ${counts.succeeded} succeeded / ${counts.failed} not, model calls ${modelCalls}, memory turns ${counts.turns}`);
  console.log(`wrote ${writeSuite("agent", scenarios)}`);
}

/** A failure must not leave `next start` running. */
let stopOnFailure: (() => Promise<void>) | undefined;
await main().catch(async (error: unknown) => {
  await stopOnFailure?.();
  throw error;
});
