import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoServer, type EchoServer } from "../fixtures/http-echo-server";
import { runCli, spawnCli, tempDirectory, writeJson } from "../helpers/cli";

let echo: EchoServer;
beforeAll(async () => {
  echo = await startEchoServer();
});
afterAll(async () => {
  await echo?.close();
});

function httpNode(name: string, path: string) {
  return { id: name, name, type: "hetumind.httpRequest", parameters: { method: "GET", url: `${echo.url}${path}` } };
}

function chain(names: string[]) {
  const connections: Record<string, { main: Array<Array<{ node: string; type: "main"; index: number }>> }> = {};
  for (let index = 0; index < names.length - 1; index++) connections[names[index]] = { main: [[{ node: names[index + 1], type: "main", index: 0 }]] };
  return connections;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("durable executions across real processes", () => {
  it("resumes a SIGKILLed run from its last checkpoint without calling finished nodes again", async () => {
    const directory = tempDirectory();
    const env = { HETUMIND_DATA_DIR: `${directory}/data`, HETUMIND_ALLOW_PRIVATE_NETWORK: "true" };
    const names = ["Start", "Call 1", "Call 2", "Slow", "Call 4", "Call 5"];
    const file = writeJson(directory, "slow.json", {
      name: "slow middle",
      nodes: [
        { id: "start", name: "Start", type: "hetumind.manualTrigger", parameters: {} },
        httpNode("Call 1", "/one"),
        httpNode("Call 2", "/two"),
        httpNode("Slow", "/delay/1500"),
        httpNode("Call 4", "/four"),
        httpNode("Call 5", "/five"),
      ],
      connections: chain(names),
    });
    echo.reset();
    const first = spawnCli(["run", file], env);
    await waitFor(() => echo.requests().some((request) => request.path.startsWith("/delay")), 60_000);
    first.child.kill("SIGKILL");
    const killed = await first.done;
    expect(killed.signal).toBe("SIGKILL");
    expect(echo.requests().map((request) => request.path)).toEqual(["/one", "/two", "/delay/1500"]);

    const worker = await runCli(["worker", "--until-idle"], env);
    expect(worker.stderr).not.toMatch(/unexpected error/);
    expect(worker.code).toBe(0);

    const counts = echo.idempotencyCounts();
    const callsOf = (node: string) => Object.entries(counts).filter(([key]) => key.includes(`:${node}:`)).reduce((sum, [, count]) => sum + count, 0);
    expect(callsOf("Call 1")).toBe(1);
    expect(callsOf("Call 2")).toBe(1);
    expect(callsOf("Slow")).toBe(2);
    expect(callsOf("Call 4")).toBe(1);
    expect(callsOf("Call 5")).toBe(1);
    // The replayed call carried the same key as the interrupted one, so a server could deduplicate it.
    expect(Object.entries(counts).find(([key]) => key.includes(":Slow:"))?.[1]).toBe(2);

    const listed = await runCli(["executions", "--status", "succeeded"], env);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
    // Four CLI processes, each opening the embedded database: minutes on a busy 2-core machine.
  }, 240_000);

  it("keeps a Human Approval pause across processes and resumes it with `hetumind resume`", async () => {
    const directory = tempDirectory();
    const env = { HETUMIND_DATA_DIR: `${directory}/data` };
    const file = writeJson(directory, "approval.json", {
      name: "needs approval",
      nodes: [
        { id: "start", name: "Start", type: "hetumind.manualTrigger", parameters: {} },
        { id: "approve", name: "Approve", type: "hetumind.humanApproval", parameters: { message: "Send {{ $json.amount }} EUR?" } },
        { id: "sent", name: "Sent", type: "hetumind.set", parameters: { assignments: { assignments: [{ name: "sent", value: true, type: "boolean" }] } } },
        { id: "refused", name: "Refused", type: "hetumind.set", parameters: { assignments: { assignments: [{ name: "sent", value: false, type: "boolean" }] } } },
      ],
      connections: {
        Start: { main: [[{ node: "Approve", type: "main", index: 0 }]] },
        Approve: { main: [[{ node: "Sent", type: "main", index: 0 }], [{ node: "Refused", type: "main", index: 0 }]] },
      },
    });
    const started = await runCli(["run", file, "--input", '{"amount": 120}'], env);
    expect(started.code).toBe(0);
    const waiting = JSON.parse(started.stdout) as { executionId: string; status: string; pause: { message: string } };
    expect(waiting).toMatchObject({ status: "waiting", pause: { kind: "approval", message: "Send 120 EUR?", data: [{ amount: 120 }] } });

    const listed = await runCli(["executions", "--status", "waiting"], env);
    expect((JSON.parse(listed.stdout) as Array<{ id: string }>).map((row) => row.id)).toEqual([waiting.executionId]);

    const resumed = await runCli(["resume", waiting.executionId, "--data", '{"amount": 100}'], env);
    expect(resumed.stderr).toBe("");
    expect(JSON.parse(resumed.stdout)).toEqual([{ amount: 100, sent: true }]);

    const again = await runCli(["resume", waiting.executionId, "--approve"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is succeeded, not waiting for a decision: nothing was changed/);
  }, 240_000);
});
