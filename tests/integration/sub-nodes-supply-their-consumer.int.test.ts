import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { AgentTool } from "@/lib/ai/agent-tool";
import { createCredential } from "@/lib/db/queries/credentials";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { WorkflowValidationError } from "@/lib/errors";
import { clearEncryptionKeyCache } from "@/lib/secrets";
import { defineNode, defineSubNode, type AnyNodeDefinition } from "@/lib/workflow/node-definition";
import type { WorkflowInput } from "@/lib/workflow/schema";
import { nodeDefinitions } from "@/nodes";
import { createTestEngine, jsonOf, type TestEngine } from "../helpers/engine";

let supplyCalls = 0;

/** A tool sub-node whose description is an expression over the consumer's item and whose secret comes from a credential. */
const echoTool = defineSubNode({
  type: "hetumind.testEchoTool",
  version: 1,
  displayName: "Echo Tool (test)",
  description: "Supplies a tool that echoes its arguments.",
  group: "ai",
  icon: "wrench",
  inputs: [],
  outputs: [{ kind: "ai_tool", name: "Tool" }],
  parameters: z.object({ name: z.string(), description: z.string() }),
  sideEffects: false,
  credentials: [{ type: "httpBearerAuth" }],
  async supply(context) {
    supplyCalls += 1;
    const credential = await context.getCredential("httpBearerAuth");
    const tool: AgentTool = {
      name: context.parameters.name,
      description: `${context.parameters.description} (token ${credential?.token ?? "none"}, for ${context.consumer.name} item ${context.consumer.itemIndex})`,
      inputSchema: { type: "object" },
      call: async (args) => args,
    };
    return tool;
  },
});

/** A sub-node that supplies something that is not a tool. */
const brokenTool = defineSubNode({
  type: "hetumind.testBrokenTool",
  version: 1,
  displayName: "Broken Tool (test)",
  description: "Supplies a string where a tool is expected.",
  group: "ai",
  icon: "wrench",
  inputs: [],
  outputs: [{ kind: "ai_tool" }],
  parameters: z.object({}),
  sideEffects: false,
  supply: () => "not a tool",
});

/** A consumer that lists the tools connected to it, per item. */
const toolLister = defineNode({
  type: "hetumind.testToolLister",
  version: 1,
  displayName: "Tool Lister (test)",
  description: "Outputs the descriptions of the tools connected to it, per item.",
  group: "ai",
  icon: "list",
  inputs: [{ kind: "main" }, { kind: "ai_tool", name: "Tool", required: true }],
  outputs: [{ kind: "main" }],
  parameters: z.object({}),
  sideEffects: false,
  async execute(context) {
    const output = [];
    for (let index = 0; index < context.items.length; index++) {
      const supplied = (await context.supplied!("ai_tool", index)).flat();
      output.push({ json: { tools: supplied.map((tool) => tool.description), echoed: (await supplied[0]?.call({ index }, { signal: context.signal, toolCallId: "t", idempotencyKey: "k" })) ?? null } });
    }
    return [output];
  },
});

const registry = new Map<string, AnyNodeDefinition>([...nodeDefinitions, echoTool, brokenTool, toolLister].map((definition) => [definition.type, definition]));
let test: TestEngine;
let credentialId: string;
const savedKey = process.env.HETUMIND_ENCRYPTION_KEY;

beforeAll(async () => {
  process.env.HETUMIND_ENCRYPTION_KEY = randomBytes(32).toString("base64");
  clearEncryptionKeyCache();
  test = await createTestEngine({ registry });
  credentialId = (await createCredential(test.database.db, { workspaceId: DEFAULT_WORKSPACE_ID, name: "T", type: "httpBearerAuth", data: { token: "tok-1" } })).id;
});
afterAll(async () => {
  await test?.close();
  if (savedKey === undefined) delete process.env.HETUMIND_ENCRYPTION_KEY;
  else process.env.HETUMIND_ENCRYPTION_KEY = savedKey;
  clearEncryptionKeyCache();
});

function workflow(tools: WorkflowInput["nodes"]): WorkflowInput {
  return {
    name: "sub-nodes",
    nodes: [
      { id: "s", name: "Start", type: "hetumind.manualTrigger", parameters: {} },
      { id: "l", name: "Lister", type: "hetumind.testToolLister", parameters: {} },
      ...tools,
    ],
    connections: {
      Start: { main: [[{ node: "Lister", type: "main", index: 0 }]] },
      ...Object.fromEntries(tools.map((tool) => [tool.name, { ai_tool: [[{ node: "Lister", type: "ai_tool", index: 0 }]] }])),
    },
  };
}

describe("sub-nodes", () => {
  it("supply their consumer with parameters resolved against the consumer's item and credentials from the workspace, and never run as steps", async () => {
    supplyCalls = 0;
    const outcome = await test.engine.startAndRun({
      workflow: workflow([
        { id: "a", name: "Echo", type: "hetumind.testEchoTool", parameters: { name: "echo", description: "echo for {{ $json.who }}" }, credentials: { httpBearerAuth: { id: credentialId } } },
        { id: "b", name: "Off", type: "hetumind.testEchoTool", parameters: { name: "off", description: "disabled" }, disabled: true },
      ]),
      input: [{ who: "ada" }, { who: "bob" }],
    });
    expect(jsonOf(outcome)).toEqual([
      { tools: ["echo for ada (token tok-1, for Lister item 0)"], echoed: { index: 0 } },
      { tools: ["echo for bob (token tok-1, for Lister item 1)"], echoed: { index: 1 } },
    ]);
    expect(supplyCalls).toBe(2);
    const runs = await test.nodeRuns(outcome.executionId);
    expect(runs.map((run) => run.nodeName).sort()).toEqual(["Lister", "Start"]);
  });

  it("are checked against their kind's contract when supplied", async () => {
    const outcome = await test.engine.startAndRun({ workflow: workflow([{ id: "b", name: "Broken", type: "hetumind.testBrokenTool", parameters: {} }]) });
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.error.message).toContain('Node "Broken" (hetumind.testBrokenTool) did not supply a valid ai_tool to "Lister"');
  });

  it("count toward a required sub-connection only when enabled", async () => {
    const invalid = workflow([{ id: "b", name: "Off", type: "hetumind.testEchoTool", parameters: { name: "off", description: "x" }, disabled: true }]);
    await expect(test.engine.start({ workflow: invalid })).rejects.toThrow(WorkflowValidationError);
    await expect(test.engine.start({ workflow: invalid })).rejects.toThrow(/"Lister" needs a Tool \(ai_tool\) connected/);
  });
});
