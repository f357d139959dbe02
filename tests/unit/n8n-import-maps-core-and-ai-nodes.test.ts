/**
 * lib/n8n on exports written in n8n's own format (tests/fixtures/n8n): every mapped n8n type lands on our equivalent
 * with its parameters, expressions lose n8n's `=` marker, an unknown node is kept disabled and reported, credentials
 * become placeholders (or are linked by type and name, or dropped with a reason), pinData is kept, and the result
 * passes the same validation as any workflow.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { WorkflowValidationError } from "@/lib/errors";
import { convertN8nWorkflow, isN8nWorkflow, n8nMappers, prepareImport } from "@/lib/n8n/import";
import type { WorkflowInput } from "@/lib/workflow/schema";
import { validateWorkflow } from "@/lib/workflow/validate";
import { nodeRegistry } from "@/nodes";

const FIXTURES = path.resolve(__dirname, "../fixtures/n8n");
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(FIXTURES, name), "utf8")) as Record<string, unknown>;
const nodeOf = (workflow: WorkflowInput, name: string) => {
  const node = workflow.nodes.find((entry) => entry.name === name);
  if (!node) throw new Error(`no node "${name}"`);
  return node;
};
const typesOf = (workflow: WorkflowInput) => Object.fromEntries(workflow.nodes.map((node) => [node.name, node.disabled ? `${node.type} (disabled)` : node.type]));

describe("detecting an n8n export", () => {
  it("is n8n's when a node type carries an n8n prefix; our own JSON is not and imports as it is", () => {
    expect(isN8nWorkflow(fixture("webhook-set-if-respond.json"))).toBe(true);
    expect(isN8nWorkflow({ nodes: [{ type: "@n8n/n8n-nodes-langchain.agent" }] })).toBe(true);
    const ours = { name: "ours", nodes: [{ id: "a", name: "Start", type: "hetumind.manualTrigger", parameters: {} }], connections: {} };
    expect(isN8nWorkflow(ours)).toBe(false);
    expect(isN8nWorkflow(null)).toBe(false);
    const prepared = prepareImport(ours, nodeRegistry);
    expect(prepared.workflow).toBe(ours);
    expect(prepared.report).toEqual({ format: "hetumind", mapped: [], unsupported: [], credentials: [], warnings: [] });
  });

  it("refuses a document that is not a workflow export, naming the paths", () => {
    expect(() => convertN8nWorkflow({ nodes: [{ type: "n8n-nodes-base.set" }] }, nodeRegistry)).toThrow(WorkflowValidationError);
  });
});

describe("core nodes (webhook-set-if-respond.json, core-nodes.json)", () => {
  it("maps webhook -> set v3.4 -> if v2.2 -> respond v1.1 with their parameters and expressions", () => {
    const { workflow, report } = convertN8nWorkflow(fixture("webhook-set-if-respond.json"), nodeRegistry);
    expect(validateWorkflow(workflow, nodeRegistry)).toMatchObject({ ok: true });
    expect(report.unsupported).toEqual([]);
    expect(report.mapped.map((entry) => [entry.from, entry.to])).toEqual([
      ["n8n-nodes-base.webhook@2", "hetumind.webhook"],
      ["n8n-nodes-base.set@3.4", "hetumind.set"],
      ["n8n-nodes-base.if@2.2", "hetumind.if"],
      ["n8n-nodes-base.respondToWebhook@1.1", "hetumind.respondToWebhook"],
      ["n8n-nodes-base.respondToWebhook@1.1", "hetumind.respondToWebhook"],
    ]);
    expect(nodeOf(workflow, "Webhook").parameters).toEqual({ path: "n8n-import/orders", httpMethod: "POST", responseMode: "responseNode" });
    expect(nodeOf(workflow, "Edit Fields").parameters).toEqual({
      assignments: {
        assignments: [
          { id: "a1", name: "orderId", value: "{{ $json.body.id }}", type: "string" },
          { id: "a2", name: "total", value: "{{ $json.body.quantity * $json.body.price }}", type: "number" },
          { id: "a3", name: "customer", value: "Customer {{ $json.body.customer.name }}", type: "string" },
        ],
      },
      // v3.3+: without includeOtherFields only the assignments are kept.
      include: "none",
    });
    expect(nodeOf(workflow, "Big order?").parameters).toEqual({
      conditions: { combinator: "and", conditions: [{ id: "c1", leftValue: "{{ $json.total }}", rightValue: 100, operator: { type: "number", operation: "gt" } }], options: { caseSensitive: true } },
    });
    expect(nodeOf(workflow, "Respond big").parameters).toEqual({
      respondWith: "json",
      responseBody: '{{ { "orderId": $json.orderId, "route": "sales", "customer": $json.customer } }}',
      responseCode: 201,
      responseHeaders: [{ name: "X-Route", value: "sales" }],
    });
    expect(workflow.connections).toEqual((fixture("webhook-set-if-respond.json") as { connections: unknown }).connections);
    expect(workflow.pinData).toEqual((fixture("webhook-set-if-respond.json") as { pinData: unknown }).pinData);
    expect(report.warnings).toEqual([{ path: "pinData", message: expect.stringContaining('pinned data of "Webhook" is kept') }]);
    // Node ids, names and positions are n8n's.
    expect(nodeOf(workflow, "Webhook")).toMatchObject({ id: "7c0b6a1e-2f4e-4d55-9a51-0a4b8f3e9a01", position: [0, 0] });
  });

  it("maps every core node type, keeps an unknown node and Python code disabled with the reason, and validates", () => {
    const { workflow, report } = convertN8nWorkflow(fixture("core-nodes.json"), nodeRegistry);
    const validation = validateWorkflow(workflow, nodeRegistry);
    expect(validation.ok ? [] : validation.problems).toEqual([]);
    expect(typesOf(workflow)).toEqual({
      "When clicking ‘Execute workflow’": "hetumind.manualTrigger",
      Orders: "hetumind.code",
      "Split Out": "hetumind.splitOut",
      "In stock": "hetumind.filter",
      "Loop Over Items": "hetumind.splitInBatches",
      "Add total": "hetumind.set",
      Region: "hetumind.switch",
      EU: "hetumind.noOp",
      US: "hetumind.noOp",
      Merge: "hetumind.merge",
      Aggregate: "hetumind.aggregate",
      "Notify Slack": "hetumind.noOp (disabled)",
      Done: "hetumind.noOp",
      "Wait a minute": "hetumind.wait",
      "Report unknown region": "hetumind.httpRequest",
      Stop: "hetumind.stopAndError",
      "Every morning": "hetumind.scheduleTrigger",
      "On error": "hetumind.errorTrigger",
      "Run cleanup": "hetumind.executeWorkflow",
      "Python cleanup": "hetumind.noOp (disabled)",
      Defaults: "hetumind.set",
      "Legacy check": "hetumind.if",
      "Join by id": "hetumind.merge",
      "Old merge": "hetumind.merge",
      "Fail the run": "hetumind.stopAndError (disabled)",
    });
    expect(report.unsupported).toEqual([
      { node: "Notify Slack", type: "n8n-nodes-base.slack", typeVersion: 2.3, reason: "no equivalent node type in Hetumind" },
      { node: "Python cleanup", type: "n8n-nodes-base.code", typeVersion: 2, reason: expect.stringContaining("pythonNative code is not supported") },
    ]);
    // The placeholder keeps n8n's type, version, parameters and credentials, and says why in its notes.
    expect(nodeOf(workflow, "Notify Slack")).toMatchObject({
      disabled: true,
      parameters: { n8n: { type: "n8n-nodes-base.slack", typeVersion: 2.3, parameters: { select: "channel", text: "=Totals: {{ $json.total.join(', ') }}" }, credentials: { slackApi: { id: "kZ3pQ9rT1uV5wX7y" } } } },
      notes: expect.stringContaining("Imported from n8n (n8n-nodes-base.slack v2.3) and disabled: no equivalent node type"),
    });
    expect(nodeOf(workflow, "Python cleanup").parameters).toMatchObject({ n8n: { parameters: { language: "pythonNative", pythonCode: expect.stringContaining("_items") } } });

    expect(nodeOf(workflow, "Orders").parameters).toEqual({ jsCode: expect.stringContaining("region: 'us'") });
    expect(nodeOf(workflow, "Add total").parameters).toEqual({ assignments: { assignments: [{ id: "t1", name: "total", value: "{{ $json.qty * $json.price }}", type: "number" }] }, include: "all" });
    expect(nodeOf(workflow, "Loop Over Items").parameters).toEqual({ batchSize: 1 });
    expect(nodeOf(workflow, "Region").parameters).toMatchObject({
      rules: { values: [{ outputKey: "EU", conditions: { conditions: [{ leftValue: "{{ $json.region }}", rightValue: "eu" }] } }, { outputKey: "US" }] },
      options: { fallbackOutput: "extra", allMatchingOutputs: false },
    });
    expect(nodeOf(workflow, "Merge").parameters).toEqual({ mode: "append" });
    expect(nodeOf(workflow, "Join by id").parameters).toEqual({ mode: "combineByFields", field1: "id", field2: "id", joinMode: "enrichInput1" });
    expect(nodeOf(workflow, "Old merge").parameters).toEqual({ mode: "chooseBranch", useDataOfInput: 2 });
    expect(nodeOf(workflow, "Aggregate").parameters).toEqual({ aggregate: "aggregateIndividualFields", fieldsToAggregate: { fieldToAggregate: [{ fieldToAggregate: "id" }, { fieldToAggregate: "total" }] } });
    expect(nodeOf(workflow, "Wait a minute").parameters).toEqual({ resume: "timeInterval", amount: 1, unit: "minutes" });
    expect(nodeOf(workflow, "Stop").parameters).toEqual({ errorMessage: "Unknown region {{ $json.region }}" });
    expect(nodeOf(workflow, "Every morning").parameters).toEqual({ rule: { mode: "interval", every: 1, unit: "days", atHour: 7, atMinute: 30 } });
    expect(nodeOf(workflow, "Run cleanup").parameters).toEqual({ source: "database", workflowId: "pQ7rS8tU9vW0xY1z" });
    expect(nodeOf(workflow, "Defaults").parameters).toEqual({ assignments: { assignments: [{ name: "status", value: "new", type: "string" }, { name: "priority", value: 3, type: "number" }] }, include: "none" });
    expect(nodeOf(workflow, "Legacy check").parameters).toEqual({
      conditions: {
        combinator: "and",
        conditions: [
          { leftValue: "{{ $json.status }}", rightValue: "new", operator: { type: "string", operation: "equals" } },
          { leftValue: "{{ $json.priority }}", rightValue: 2, operator: { type: "number", operation: "gte" } },
        ],
      },
    });
    // HTTP Request v4.2: generic header auth -> our headerAuth with the credential as a placeholder; n8n's nested options flattened.
    const http = nodeOf(workflow, "Report unknown region");
    expect(http).toMatchObject({ retryOnFail: true, maxTries: 3, waitBetweenTries: 2000, credentials: { httpHeaderAuth: { id: "placeholder:Hh1Aa2Bb3Cc4Dd5E", name: "Ops API key" } } });
    expect(http.parameters).toEqual({
      method: "POST",
      url: "https://ops.example.com/api/unknown-region",
      authentication: "headerAuth",
      sendQuery: true,
      queryParameters: { parameters: [{ name: "source", value: "n8n" }] },
      sendHeaders: true,
      headerParameters: { parameters: [{ name: "X-Order", value: "{{ $json.id }}" }] },
      sendBody: true,
      contentType: "json",
      specifyBody: "json",
      jsonBody: "{{ JSON.stringify({ id: $json.id, region: $json.region }) }}",
      options: { timeout: 10000, response: { fullResponse: true, responseFormat: "json" }, redirect: { followRedirects: false } },
    });
    expect(report.credentials).toEqual([
      { node: "Notify Slack", n8nType: "slackApi", n8nId: "kZ3pQ9rT1uV5wX7y", n8nName: "Slack account", status: "dropped", reason: "the node was not imported (see unsupported)" },
      {
        node: "Report unknown region",
        n8nType: "httpHeaderAuth",
        n8nId: "Hh1Aa2Bb3Cc4Dd5E",
        n8nName: "Ops API key",
        expectedType: "httpHeaderAuth",
        status: "placeholder",
        credentialId: "placeholder:Hh1Aa2Bb3Cc4Dd5E",
        reason: expect.stringContaining('create a "httpHeaderAuth" credential'),
      },
    ]);
    expect(workflow.settings).toEqual({ timezone: "Europe/Berlin", executionTimeout: 300, errorWorkflow: "eRr0rWf1", saveExecution: "errors" });
    expect(report.warnings.map((warning) => `${warning.node ?? ""} ${warning.path ?? ""}`.trim())).toEqual([
      "Run cleanup parameters.workflowId",
      "Fail the run parameters.errorObject",
      "settings.errorWorkflow",
      "pinData",
    ]);
    expect(report.warnings[1].message).toContain("$env");
  });
});

describe("AI nodes (ai-nodes.json)", () => {
  it("maps the agent, chain, models, memories, tools and output parser with their parameters and sub-connections", () => {
    const { workflow, report } = convertN8nWorkflow(fixture("ai-nodes.json"), nodeRegistry);
    const validation = validateWorkflow(workflow, nodeRegistry);
    expect(validation.ok ? [] : validation.problems).toEqual([]);
    expect(typesOf(workflow)).toEqual({
      "When chat message received": "hetumind.chatTrigger",
      "Support Agent": "hetumind.agent",
      "OpenAI Chat Model": "hetumind.lmChatOpenAi",
      "Postgres Chat Memory": "hetumind.memoryPostgresChat",
      "Order API": "hetumind.toolHttpRequest",
      "Shipping cost": "hetumind.toolCode",
      Refund: "hetumind.toolWorkflow",
      "Docs MCP": "hetumind.mcpClientTool",
      Calculator: "hetumind.toolCalculator",
      "Answer questions with a vector store": "hetumind.noOp (disabled)",
      Webhook: "hetumind.webhook",
      "Classify ticket": "hetumind.chainLlm",
      "Anthropic Chat Model": "hetumind.lmChatAnthropic",
      "Structured Output Parser": "hetumind.outputParserStructured",
      "Respond to Webhook": "hetumind.respondToWebhook",
      "Triage Agent": "hetumind.agent",
      "Ollama Chat Model": "hetumind.lmChatOpenAiCompatible",
      "Simple Memory": "hetumind.memoryBufferWindow",
      "When Executed by Another Workflow": "hetumind.manualTrigger",
      "OpenRouter Chat Model": "hetumind.lmChatOpenAiCompatible",
      "DeepSeek Chat Model": "hetumind.lmChatOpenAiCompatible",
      "Search orders": "hetumind.toolHttpRequest",
    });
    // n8n's HTTP Request Tool: each {{ $fromAI(...) }} becomes a declared placeholder.
    expect(nodeOf(workflow, "Search orders").parameters).toEqual({
      toolDescription: "Searches the shop's orders of a customer",
      method: "GET",
      url: "https://api.example.com/customers/{customerId}/orders",
      authentication: "none",
      sendQuery: true,
      queryParameters: { parameters: [{ name: "status", value: "{status}" }, { name: "limit", value: "10" }] },
      options: { timeout: 15000 },
      placeholderDefinitions: {
        values: [
          { name: "customerId", description: "The customer id, e.g. C-42", type: "string", required: true },
          { name: "status", description: "open or closed", type: "string", required: true },
        ],
      },
    });
    expect(report.unsupported).toEqual([{ node: "Answer questions with a vector store", type: "@n8n/n8n-nodes-langchain.toolVectorStore", typeVersion: 1, reason: "no equivalent node type in Hetumind" }]);
    expect(nodeOf(workflow, "When chat message received").parameters).toEqual({ public: true, initialMessages: "Hi! How can I help with your order?", options: { allowedOrigins: "https://shop.example.com", title: "Support" } });
    // promptType "auto" is the chat input: our empty prompt.
    expect(nodeOf(workflow, "Support Agent").parameters).toEqual({ systemMessage: "You are the support agent of Example Shop. Today is {{ $now.toISO() }}.", maxSteps: 6, returnIntermediateSteps: true });
    expect(nodeOf(workflow, "Triage Agent").parameters).toEqual({ prompt: "{{ $json.output.category }}: {{ $('Webhook').item.json.body.message }}", systemMessage: "Route the ticket." });
    expect(nodeOf(workflow, "OpenAI Chat Model").parameters).toEqual({ model: "gpt-4o-mini", options: { temperature: 0.2, timeout: 30000 } });
    expect(nodeOf(workflow, "Anthropic Chat Model").parameters).toEqual({ model: "claude-3-5-haiku-20241022", options: { temperature: 0, maxTokens: 512 } });
    expect(nodeOf(workflow, "Ollama Chat Model").parameters).toEqual({ model: "llama3.1:8b", options: { temperature: 0.3 } });
    expect(nodeOf(workflow, "Postgres Chat Memory").parameters).toEqual({ sessionIdType: "fromInput", contextWindowLength: 10 });
    expect(nodeOf(workflow, "Simple Memory").parameters).toEqual({ sessionIdType: "customKey", sessionKey: "{{ $('Webhook').item.json.body.ticketId }}", contextWindowLength: 4 });
    expect(nodeOf(workflow, "Classify ticket").parameters).toEqual({ prompt: "Ticket: {{ $json.body.message }}", systemMessage: "Classify support tickets by category and urgency." });
    expect(nodeOf(workflow, "Structured Output Parser").parameters).toEqual({ jsonSchemaExample: '{\n  "category": "billing",\n  "urgent": true\n}' });
    expect(nodeOf(workflow, "Order API").parameters).toEqual({
      toolDescription: "Looks up an order by its number and returns its status",
      method: "GET",
      url: "https://api.example.com/orders/{orderNumber}",
      authentication: "bearerAuth",
      sendQuery: true,
      queryParameters: { parameters: [{ name: "fields", value: "status,eta" }, { name: "lang", value: "{lang}" }] },
      placeholderDefinitions: {
        values: [
          { name: "lang", type: "string", required: false },
          { name: "orderNumber", description: "The order number, e.g. 10023", type: "string" },
        ],
      },
    });
    expect(nodeOf(workflow, "Shipping cost").parameters).toMatchObject({ name: "shipping_cost", specifyInputSchema: true, schemaType: "fromJson", jsonSchemaExample: '{\n  "weight": 2.5\n}' });
    expect(nodeOf(workflow, "Refund").parameters).toEqual({
      name: "refund",
      description: "Starts a refund for an order",
      source: "database",
      workflowId: "ReFuNdWf00000001",
      specifyInputSchema: true,
      schemaType: "manual",
      inputSchema: JSON.stringify({ type: "object", properties: { orderNumber: { type: "string" }, amount: { type: "number" } }, required: ["orderNumber", "amount"] }),
    });
    expect(nodeOf(workflow, "Docs MCP").parameters).toEqual({
      serverTransport: "httpStreamable",
      endpointUrl: "https://mcp.example.com/mcp",
      authentication: "bearerAuth",
      include: "selected",
      includeTools: ["search_docs", "get_page"],
      options: { timeout: 20000 },
    });
    // The webhook's header auth was an n8n credential: ours is written in the node, with a random value until set.
    expect(nodeOf(workflow, "Webhook").parameters).toMatchObject({ authentication: "headerAuth", headerAuth: { name: "Authorization", value: expect.stringMatching(/^[0-9a-f]{48}$/) } });

    // Sub-connections are kept, except the one from the node that was not imported.
    expect(workflow.connections?.["Postgres Chat Memory"]).toEqual({ ai_memory: [[{ node: "Support Agent", type: "ai_memory", index: 0 }]] });
    expect(workflow.connections?.["Structured Output Parser"]).toEqual({ ai_outputParser: [[{ node: "Classify ticket", type: "ai_outputParser", index: 0 }]] });
    expect(workflow.connections?.["Answer questions with a vector store"]).toBeUndefined();
    expect(report.warnings).toContainEqual({ path: 'connections["Answer questions with a vector store"].ai_tool[0]', message: expect.stringContaining("connection dropped") });

    expect(report.credentials.map((entry) => [entry.node, entry.n8nType, entry.status, entry.expectedType ?? null])).toEqual([
      ["OpenAI Chat Model", "openAiApi", "placeholder", "openAiApi"],
      ["Postgres Chat Memory", "postgres", "dropped", null],
      ["Order API", "httpBearerAuth", "placeholder", "httpBearerAuth"],
      ["Docs MCP", "httpBearerAuth", "placeholder", "httpBearerAuth"],
      ["Webhook", "httpHeaderAuth", "dropped", null],
      ["Anthropic Chat Model", "anthropicApi", "placeholder", "anthropicApi"],
      ["Ollama Chat Model", "ollamaApi", "placeholder", "openAiCompatibleApi"],
      ["OpenRouter Chat Model", "openRouterApi", "placeholder", "openAiCompatibleApi"],
      ["DeepSeek Chat Model", "deepSeekApi", "placeholder", "openAiCompatibleApi"],
    ]);
    expect(nodeOf(workflow, "OpenRouter Chat Model").parameters).toEqual({ model: "openai/gpt-4o-mini", options: { temperature: 0.5 } });
    expect(report.warnings).toContainEqual({ node: "When Executed by Another Workflow", path: "parameters.inputSource", message: expect.stringContaining("not enforced") });
    expect(nodeOf(workflow, "Ollama Chat Model").credentials).toEqual({ openAiCompatibleApi: { id: "placeholder:OlLaMa0000000001", name: "Ollama account" } });
    // $fromAI in the Workflow tool's inputs became its declared schema: no warning about it is left.
    expect(report.warnings.filter((warning) => warning.message.includes("$fromAI"))).toEqual([]);
  });

  it("links a referenced credential to the workspace's credential of the same type and name", () => {
    const { workflow, report } = convertN8nWorkflow(fixture("ai-nodes.json"), nodeRegistry, [
      { id: "cred-openai", name: "OpenAI account", type: "openAiApi" },
      { id: "cred-other", name: "Shop API token", type: "httpHeaderAuth" },
    ]);
    expect(nodeOf(workflow, "OpenAI Chat Model").credentials).toEqual({ openAiApi: { id: "cred-openai", name: "OpenAI account" } });
    expect(report.credentials.find((entry) => entry.node === "OpenAI Chat Model")).toMatchObject({ status: "linked", credentialId: "cred-openai" });
    // Same name, another type: not linked.
    expect(report.credentials.find((entry) => entry.node === "Order API")).toMatchObject({ status: "placeholder" });
  });
});

describe("coverage", () => {
  it("the fixtures exercise every n8n node type the mapper knows", () => {
    const used = new Set(["webhook-set-if-respond.json", "core-nodes.json", "ai-nodes.json"].flatMap((name) => (fixture(name).nodes as Array<{ type: string }>).map((node) => node.type)));
    expect(Object.keys(n8nMappers).filter((type) => !used.has(type))).toEqual([]);
  });

  it("every type the mapper produces is registered", () => {
    const { workflow: core } = convertN8nWorkflow(fixture("core-nodes.json"), nodeRegistry);
    const { workflow: ai } = convertN8nWorkflow(fixture("ai-nodes.json"), nodeRegistry);
    for (const node of [...core.nodes, ...ai.nodes]) expect(nodeRegistry.has(node.type)).toBe(true);
  });
});
