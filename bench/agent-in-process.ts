/**
 * The agent bench's chat scenario in one process, without Next.js: `handleChatMessage` (the route's handler) on a
 * persisted PGlite data directory, the OpenAI fixture in the same process. For profiling what an agent run costs
 * (`node --cpu-prof --import tsx bench/agent-in-process.ts`; BENCH_TRACE_QUERIES=1 lists the SQL statements by time);
 * the figures that count come from `npm run bench -- agent` under `next start`.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "@/lib/db/client";
import { createCredential } from "@/lib/db/queries/credentials";
import { createWorkflow } from "@/lib/db/queries/workflows";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { Engine } from "@/lib/engine/engine";
import { activateWorkflow } from "@/lib/triggers/activation";
import { handleChatMessage } from "@/lib/triggers/chat";
import { nodeRegistry } from "@/nodes";
import type { RecordedRequest, ScriptedReply } from "../tests/fixtures/model-fixture-core";
import { startOpenAiFixture } from "../tests/fixtures/openai-fixture-server";
import { closedLoop } from "./harness";
import { traceQueries } from "./trace-queries";
import { agentWorkflow, FINAL_TEXT } from "./workflows/agent-workflows";

process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
const requests = Number(process.env.BENCH_REQUESTS ?? 500);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 1);
const dataDir = process.env.BENCH_DATA_DIR ?? path.join(mkdtempSync(path.join(os.tmpdir(), "hetumind-bench-agent-")), "data");
process.env.HETUMIND_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");

const respond = (request: RecordedRequest): ScriptedReply => {
  const messages = (request.body as { messages?: Array<{ role?: string }> } | null)?.messages ?? [];
  return messages.at(-1)?.role === "tool" ? { text: FINAL_TEXT } : { toolCalls: [{ name: "Shout", input: { query: "hello" } }] };
};
const fixture = await startOpenAiFixture({ apiKey: "sk-bench", respond });
// Query tracing wraps the PGlite instance: in this thread then.
const database = await openDatabase({ dataDir, thread: !process.env.BENCH_TRACE_QUERIES && process.env.BENCH_THREAD !== "off" });
const queries = process.env.BENCH_TRACE_QUERIES ? traceQueries(database) : undefined;
const engine = new Engine({ database, registry: nodeRegistry });
const credential = await createCredential(database.db, { workspaceId: DEFAULT_WORKSPACE_ID, name: "Fixture", type: "openAiCompatibleApi", data: { baseUrl: fixture.url, apiKey: "sk-bench" } });
const row = await createWorkflow(database.db, { workspaceId: DEFAULT_WORKSPACE_ID, name: "agent bench", definition: agentWorkflow(credential.id) });
await activateWorkflow(database.db, DEFAULT_WORKSPACE_ID, row.id);
const runtime = { engine, database };

async function once(session: string): Promise<number> {
  const started = performance.now();
  const response = await handleChatMessage(
    new Request(`http://127.0.0.1/api/chat/${row.id}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sessionId: session, chatInput: "hello" }) }),
    row.id,
    { runtime },
  );
  const text = await response.text();
  if (response.status !== 200 || !text.includes(`"delta":"HELLO"`)) throw new Error(`status ${response.status}: ${text}`);
  return performance.now() - started;
}

for (let index = 0; index < 50; index++) await once(`warm-${index % 5}`);
queries?.reset();
console.log(JSON.stringify(await closedLoop(requests, concurrency, (worker) => once(`session-${worker}`))));
await new Promise((resolve) => setTimeout(resolve, 500));
queries?.print(requests);
await database.close();
await fixture.close();
