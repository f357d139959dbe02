/**
 * The tool sub-nodes, supplied to a test consumer by the real engine: Calculator, Code, HTTP Request (against the echo
 * server, with a credential), Workflow (a stored sub-workflow) and MCP (server-everything over stdio from an allow-list);
 * and validation of an MCP node naming a stdio server that is not allowed.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createCredential } from "@/lib/db/queries/credentials";
import { createWorkflow } from "@/lib/db/queries/workflows";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { WorkflowValidationError } from "@/lib/errors";
import { mcpConnectionPool } from "@/lib/mcp";
import { clearEncryptionKeyCache } from "@/lib/secrets";
import type { JsonObject, JsonValue } from "@/lib/workflow/items";
import { defineNode, type AnyNodeDefinition } from "@/lib/workflow/node-definition";
import type { WorkflowInput } from "@/lib/workflow/schema";
import { validateWorkflow } from "@/lib/workflow/validate";
import { nodeDefinitions } from "@/nodes";
import { startEchoServer, type EchoServer } from "@/tests/fixtures/http-echo-server";
import { createTestEngine, jsonOf, workflowOf, type TestEngine } from "../helpers/engine";

/** Calls the connected tools with scripted arguments and outputs what each returned (or its error). */
const toolCaller = defineNode({
  type: "hetumind.testToolCaller",
  version: 1,
  displayName: "Tool Caller (test)",
  description: "Calls its tools with the given arguments.",
  group: "ai",
  icon: "list",
  inputs: [{ kind: "main" }, { kind: "ai_tool", name: "Tool", required: true }],
  outputs: [{ kind: "main" }],
  parameters: z.object({ calls: z.array(z.object({ tool: z.string(), args: z.record(z.string(), z.unknown()) })) }),
  sideEffects: true,
  async execute(context) {
    const tools = (await context.supplied!("ai_tool", 0)).flat();
    const results: JsonObject = {};
    for (const [index, call] of context.parameters(0).calls.entries()) {
      const tool = tools.find((candidate) => candidate.name === call.tool);
      try {
        if (!tool) throw new Error(`no tool ${call.tool}`);
        results[`${index}:${call.tool}`] = await tool.call(call.args as JsonValue, { signal: context.signal, toolCallId: `call-${index}`, idempotencyKey: `${context.idempotencyKey}:call-${index}` });
      } catch (error) {
        results[`${index}:${call.tool}`] = { error: (error as Error).message };
      }
    }
    return [[{ json: { tools: tools.map((tool) => tool.name).sort(), results } }]];
  },
});

const registry = new Map<string, AnyNodeDefinition>([...nodeDefinitions, toolCaller].map((definition) => [definition.type, definition]));
const root = path.resolve(import.meta.dirname, "../..");
let test: TestEngine;
let echo: EchoServer;
let dir: string;
const savedKey = process.env.HETUMIND_ENCRYPTION_KEY;

beforeAll(async () => {
  process.env.HETUMIND_ENCRYPTION_KEY = randomBytes(32).toString("base64");
  process.env.HETUMIND_ALLOW_PRIVATE_NETWORK = "true";
  clearEncryptionKeyCache();
  dir = mkdtempSync(path.join(tmpdir(), "hetumind-tool-nodes-"));
  const everything = path.join(root, "node_modules/@modelcontextprotocol/server-everything/dist/index.js");
  writeFileSync(path.join(dir, "mcp.json"), JSON.stringify({ servers: { everything: { command: process.execPath, args: [everything, "stdio"] } } }));
  process.env.HETUMIND_MCP_SERVERS_FILE = path.join(dir, "mcp.json");
  test = await createTestEngine({ registry });
  echo = await startEchoServer();
});

afterAll(async () => {
  await mcpConnectionPool().closeAll();
  await echo?.close();
  await test?.close();
  rmSync(dir, { recursive: true, force: true });
  delete process.env.HETUMIND_ALLOW_PRIVATE_NETWORK;
  if (savedKey === undefined) delete process.env.HETUMIND_ENCRYPTION_KEY;
  else process.env.HETUMIND_ENCRYPTION_KEY = savedKey;
  clearEncryptionKeyCache();
});

function withTools(tools: WorkflowInput["nodes"], calls: Array<{ tool: string; args: Record<string, unknown> }>): WorkflowInput {
  const base = workflowOf([{ id: "caller", name: "Caller", type: "hetumind.testToolCaller", parameters: { calls } }], [["Start", "Caller"]]);
  return {
    ...base,
    nodes: [...base.nodes, ...tools],
    connections: { ...base.connections, ...Object.fromEntries(tools.map((tool) => [tool.name, { ai_tool: [[{ node: "Caller", type: "ai_tool", index: 0 }]] }])) },
  };
}

describe("tool sub-nodes", () => {
  it("supply working Calculator, Code, HTTP Request and Workflow tools", async () => {
    const credentialId = (await createCredential(test.database.db, { workspaceId: DEFAULT_WORKSPACE_ID, name: "API", type: "httpBearerAuth", data: { token: "tok-9" } })).id;
    const child = await createWorkflow(test.database.db, {
      workspaceId: DEFAULT_WORKSPACE_ID,
      name: "double",
      definition: workflowOf(
        [{ name: "Double", type: "hetumind.set", parameters: { include: "none", assignments: { assignments: [{ name: "doubled", value: "={{ $json.n * 2 }}", type: "number" }] } } }],
        [["Start", "Double"]],
      ) as Record<string, unknown>,
    });
    const outcome = await test.run(
      withTools(
        [
          { id: "calc", name: "Calculator", type: "hetumind.toolCalculator", parameters: {} },
          { id: "code", name: "Shout", type: "hetumind.toolCode", parameters: { description: "Upper-cases", jsCode: "return query.toUpperCase()" } },
          {
            id: "code2",
            name: "Greet",
            type: "hetumind.toolCode",
            parameters: { description: "Greets", jsCode: "return `${args.greeting}, ${query.who.name}`", specifyInputSchema: true, jsonSchemaExample: '{"greeting":"Hi","who":{"name":"Ada"}}' },
          },
          {
            id: "http",
            name: "Get order",
            type: "hetumind.toolHttpRequest",
            parameters: {
              toolDescription: "Fetches an order",
              url: `${echo.url}/orders/{orderId}`,
              authentication: "bearerAuth",
              placeholderDefinitions: { values: [{ name: "orderId", type: "integer", description: "The order number" }] },
            },
            credentials: { httpBearerAuth: { id: credentialId } },
          },
          {
            id: "wf",
            name: "Doubler",
            type: "hetumind.toolWorkflow",
            parameters: { description: "Doubles n", workflowId: child.id, specifyInputSchema: true, schemaType: "manual", inputSchema: '{"properties":{"n":{"type":"number"}},"required":["n"]}' },
          },
        ],
        [
          { tool: "calculator", args: { expression: "6 * 7" } },
          { tool: "Shout", args: { query: "hey" } },
          { tool: "Get_order", args: { orderId: 42 } },
          { tool: "Get_order", args: { orderId: "forty-two" } },
          { tool: "Doubler", args: { n: 21 } },
          { tool: "Greet", args: { greeting: "Hello", who: { name: "Grace" } } },
          { tool: "Greet", args: { greeting: "Hello" } },
        ],
      ),
    );
    const [output] = jsonOf(outcome) as Array<{ tools: string[]; results: Record<string, unknown> }>;
    expect(output!.tools).toEqual(["Doubler", "Get_order", "Greet", "Shout", "calculator"]);
    expect(output!.results["0:calculator"]).toBe(42);
    expect(output!.results["1:Shout"]).toBe("HEY");
    expect(output!.results["2:Get_order"]).toMatchObject({ method: "GET", path: "/orders/42", headers: { authorization: "Bearer tok-9" } });
    expect((output!.results["2:Get_order"] as { headers: Record<string, string> }).headers["idempotency-key"]).toMatch(/:Caller:1:call-2$/);
    expect(output!.results["3:Get_order"]).toEqual({ error: 'The arguments do not match the input schema of tool "Get_order": /orderId: must be integer' });
    expect(output!.results["4:Doubler"]).toEqual({ doubled: 42 });
    expect(output!.results["5:Greet"]).toBe("Hello, Grace");
    expect(output!.results["6:Greet"]).toEqual({ error: "The arguments do not match the input schema of tool \"Greet\": (root): must have required property 'who'" });
  });

  it("supply an MCP server's tools, filtered, from the stdio allow-list", async () => {
    const outcome = await test.run(
      withTools(
        [{ id: "mcp", name: "Everything", type: "hetumind.mcpClientTool", parameters: { serverTransport: "stdio", serverId: "everything", include: "selected", includeTools: ["echo", "get-sum"] } }],
        [
          { tool: "echo", args: { message: "via node" } },
          { tool: "get-sum", args: { a: 1, b: 2 } },
        ],
      ),
    );
    const [output] = jsonOf(outcome) as Array<{ tools: string[]; results: Record<string, unknown> }>;
    expect(output!.tools).toEqual(["echo", "get-sum"]);
    expect(output!.results["0:echo"]).toBe("Echo: via node");
    expect(String(output!.results["1:get-sum"])).toMatch(/3/);
  });

  it("reject at validation an MCP node naming a stdio server that is not on the allow-list, and broken tool parameters", async () => {
    const workflow = withTools(
      [
        { id: "mcp", name: "Shell", type: "hetumind.mcpClientTool", parameters: { serverTransport: "stdio", serverId: "bash" } },
        { id: "http", name: "Bad HTTP", type: "hetumind.toolHttpRequest", parameters: { toolDescription: "x", url: "https://example.com/{id}" } },
        { id: "code", name: "Bad Code", type: "hetumind.toolCode", parameters: { description: "x", jsCode: "return 1", specifyInputSchema: true, schemaType: "manual", inputSchema: '{"type":"array"}' } },
        { id: "code2", name: "No Example", type: "hetumind.toolCode", parameters: { description: "x", jsCode: "return 1", specifyInputSchema: true } },
      ],
      [],
    );
    const result = validateWorkflow(workflow, registry);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        {
          node: "Shell",
          path: "nodes[2].parameters.serverId",
          message: 'MCP stdio server "bash" is not on the operator\'s allow-list (allowed: "everything")',
          code: "parameter",
        },
        expect.objectContaining({ node: "Bad HTTP", path: "nodes[3].parameters.placeholderDefinitions", message: "placeholder {id} is used but not declared" }),
        expect.objectContaining({ node: "Bad Code", path: "nodes[4].parameters.inputSchema", message: 'the input schema must describe an object (type "object")' }),
        expect.objectContaining({ node: "No Example", path: "nodes[5].parameters.jsonSchemaExample", message: "give a JSON example of the arguments, or turn specifyInputSchema off" }),
      ]),
    );
    await expect(test.engine.start({ workflow })).rejects.toThrow(WorkflowValidationError);
  });
});
