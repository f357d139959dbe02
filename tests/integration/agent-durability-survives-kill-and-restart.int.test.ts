import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/client";
import { createCredential } from "@/lib/db/queries/credentials";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { clearEncryptionKeyCache } from "@/lib/secrets";
import { startEchoServer, type EchoServer } from "../fixtures/http-echo-server";
import type { ModelFixture } from "../fixtures/model-fixture-core";
import { startOpenAiFixture } from "../fixtures/openai-fixture-server";
import { runCli, spawnCli, tempDirectory, writeJson } from "../helpers/cli";

const KEY = randomBytes(32).toString("base64");
const savedKey = process.env.HETUMIND_ENCRYPTION_KEY;
let echo: EchoServer;
let openai: ModelFixture;

beforeAll(async () => {
  echo = await startEchoServer();
  openai = await startOpenAiFixture({ apiKey: "sk-fixture" });
});
afterAll(async () => {
  await echo?.close();
  await openai?.close();
  if (savedKey === undefined) delete process.env.HETUMIND_ENCRYPTION_KEY;
  else process.env.HETUMIND_ENCRYPTION_KEY = savedKey;
  clearEncryptionKeyCache();
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("an agent across real processes", () => {
  it("SIGKILLed while a slow tool runs, finishes after restart without sending completed model calls again", async () => {
    const directory = tempDirectory();
    const env = { HETUMIND_DATA_DIR: `${directory}/data`, HETUMIND_ALLOW_PRIVATE_NETWORK: "true", HETUMIND_ENCRYPTION_KEY: KEY };
    // The credential is stored in the data directory the CLI will open (then closed: one process at a time).
    process.env.HETUMIND_ENCRYPTION_KEY = KEY;
    clearEncryptionKeyCache();
    const database = await openDatabase({ dataDir: env.HETUMIND_DATA_DIR });
    const credential = await createCredential(database.db, { workspaceId: DEFAULT_WORKSPACE_ID, name: "Fixture", type: "openAiApi", data: { apiKey: "sk-fixture", baseUrl: openai.url } });
    await database.close();

    const file = writeJson(directory, "agent.json", {
      name: "agent with a slow tool",
      nodes: [
        { id: "start", name: "Start", type: "hetumind.manualTrigger", parameters: {} },
        { id: "agent", name: "Agent", type: "hetumind.agent", parameters: { prompt: "Look it up" } },
        { id: "model", name: "Model", type: "hetumind.lmChatOpenAi", parameters: { model: "gpt-4o-mini", options: { maxRetries: 0 } }, credentials: { openAiApi: { id: credential.id } } },
        { id: "tool", name: "Lookup", type: "hetumind.toolHttpRequest", parameters: { name: "lookup", toolDescription: "Looks it up (slowly)", url: `${echo.url}/delay/2000` } },
      ],
      connections: {
        Start: { main: [[{ node: "Agent", type: "main", index: 0 }]] },
        Model: { ai_languageModel: [[{ node: "Agent", type: "ai_languageModel", index: 0 }]] },
        Lookup: { ai_tool: [[{ node: "Agent", type: "ai_tool", index: 0 }]] },
      },
    });
    openai.reset();
    echo.reset();
    openai.script({ toolCalls: [{ id: "call_slow", name: "lookup", input: {} }] }, { text: "found it" });

    const first = spawnCli(["run", file], env);
    await waitFor(() => echo.requests().some((request) => request.path.startsWith("/delay")), 60_000);
    first.child.kill("SIGKILL");
    expect((await first.done).signal).toBe("SIGKILL");
    expect(openai.calls().received).toBe(1);

    const worker = await runCli(["worker", "--until-idle"], env);
    expect(worker.stderr).not.toMatch(/unexpected error/);
    expect(worker.code).toBe(0);

    // The model call made before the kill was not sent again: one before, one after.
    expect(openai.calls().received).toBe(2);
    const last = openai.requests("chat")[1].body as { messages: Array<{ role: string; tool_call_id?: string }> };
    expect(last.messages.at(-1)).toMatchObject({ role: "tool", tool_call_id: "call_slow" });
    // The interrupted tool step ran again, with the same idempotency key.
    const slow = Object.entries(echo.idempotencyCounts()).filter(([key]) => /:Agent:0:0:1:call_slow$/.test(key));
    expect(slow).toHaveLength(1);
    expect(slow[0][1]).toBe(2);

    const listed = await runCli(["executions", "--status", "succeeded"], env);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
    // Three CLI processes, each opening the embedded database: minutes on a busy 2-core machine.
  }, 240_000);
});
