/** lib/n8n per node: older versions and options of the mapped n8n types, and what is refused (kept disabled) with its reason. */
import { describe, expect, it } from "vitest";
import { convertN8nWorkflow } from "@/lib/n8n/import";
import { nodeRegistry } from "@/nodes";

type N8nNode = { type: string; typeVersion: number; parameters: Record<string, unknown>; credentials?: Record<string, { id: string; name: string }>; webhookId?: string };

function mapOne(node: N8nNode) {
  const document = {
    name: "one",
    nodes: [
      { id: "t", name: "Trigger", type: "n8n-nodes-base.manualTrigger", typeVersion: 1, position: [0, 0], parameters: {} },
      { id: "n", name: "Node", position: [200, 0], ...node },
    ],
    connections: {},
  };
  const { workflow, report } = convertN8nWorkflow(document, nodeRegistry);
  const mapped = workflow.nodes[1]!;
  return { node: mapped, report, unsupported: report.unsupported[0]?.reason, warnings: report.warnings.map((warning) => warning.message) };
}

const base = (name: string) => `n8n-nodes-base.${name}`;
const ai = (name: string) => `@n8n/n8n-nodes-langchain.${name}`;

describe("triggers", () => {
  it.each([
    [{ field: "minutes", minutesInterval: 15 }, { mode: "interval", every: 15, unit: "minutes" }],
    [{ field: "hours", hoursInterval: 2, triggerAtMinute: 10 }, { mode: "interval", every: 2, unit: "hours", atMinute: 10 }],
    [{}, { mode: "interval", every: 1, unit: "days", atHour: 0, atMinute: 0 }],
    [{ field: "weeks", triggerAtDay: [1, 5], triggerAtHour: 9 }, { mode: "cron", expression: "0 9 * * 1,5" }],
    [{ field: "months", monthsInterval: 3, triggerAtDayOfMonth: 15, triggerAtHour: 6, triggerAtMinute: 30 }, { mode: "cron", expression: "30 6 15 */3 *" }],
    [{ field: "seconds", secondsInterval: 20 }, { mode: "cron", expression: "*/20 * * * * *" }],
    [{ field: "cronExpression", expression: "0 */4 * * *" }, { mode: "cron", expression: "0 */4 * * *" }],
  ])("Schedule Trigger interval %j -> %j", (interval, rule) => {
    const { node } = mapOne({ type: base("scheduleTrigger"), typeVersion: 1.2, parameters: { rule: { interval: [interval] } } });
    expect(node).toMatchObject({ type: "hetumind.scheduleTrigger", parameters: { rule } });
  });

  it("a Webhook without a path listens on its webhookId; jwt auth is refused; a redirect answer becomes a Location header", () => {
    expect(mapOne({ type: base("webhook"), typeVersion: 2, webhookId: "1f2e3d4c-aaaa-4bbb-8ccc-123456789abc", parameters: { path: "" } }).node.parameters).toMatchObject({ path: "1f2e3d4c-aaaa-4bbb-8ccc-123456789abc" });
    expect(mapOne({ type: base("webhook"), typeVersion: 2, parameters: { path: "x", authentication: "jwtAuth" } }).unsupported).toContain('webhook authentication "jwtAuth" is not supported');
    expect(mapOne({ type: base("respondToWebhook"), typeVersion: 1.1, parameters: { respondWith: "redirect", redirectURL: "https://example.com/thanks", options: {} } }).node.parameters).toEqual({
      respondWith: "noData",
      responseCode: 307,
      responseHeaders: [{ name: "Location", value: "https://example.com/thanks" }],
    });
  });

  it("a Chat Trigger with basic auth gets a random password to set; n8n user auth is workspace-only", () => {
    const { node, report } = mapOne({ type: ai("chatTrigger"), typeVersion: 1.1, parameters: { public: true, authentication: "basicAuth" }, credentials: { httpBasicAuth: { id: "b1", name: "Chat users" } } });
    expect(node.parameters).toMatchObject({ public: true, authentication: "basicAuth", basicAuth: { user: "change-me", password: expect.stringMatching(/^[0-9a-f]{48}$/) } });
    expect(report.credentials).toMatchObject([{ status: "dropped", reason: expect.stringContaining("set parameters.basicAuth") }]);
    expect(mapOne({ type: ai("chatTrigger"), typeVersion: 1.1, parameters: { public: true, authentication: "n8nUserAuth" } }).node.parameters).toEqual({ public: false });
  });
});

describe("flow and data nodes", () => {
  it("Set v2 values and keepOnlySet; Set v3.2 fields; JSON mode with expressions is refused", () => {
    expect(mapOne({ type: base("set"), typeVersion: 2, parameters: { keepOnlySet: true, values: { string: [{ name: "a", value: "={{ $json.x }}" }], number: [{ name: "n", value: 3 }] } } }).node.parameters).toEqual({
      assignments: { assignments: [{ name: "a", value: "{{ $json.x }}", type: "string" }, { name: "n", value: 3, type: "number" }] },
      include: "none",
    });
    expect(mapOne({ type: base("set"), typeVersion: 3.2, parameters: { fields: { values: [{ name: "ok", type: "booleanValue", booleanValue: true }] } } }).node.parameters).toEqual({
      assignments: { assignments: [{ name: "ok", value: true, type: "boolean" }] },
      include: "all",
    });
    expect(mapOne({ type: base("set"), typeVersion: 3.4, parameters: { mode: "raw", jsonOutput: '={ "a": {{ $json.a }} }' } }).unsupported).toContain("JSON mode with expressions");
  });

  it("Merge v2 by position and v1 by key; more than two inputs and all combinations are refused", () => {
    expect(mapOne({ type: base("merge"), typeVersion: 2.1, parameters: { mode: "combine", combinationMode: "mergeByPosition", options: { includeUnpaired: true } } }).node.parameters).toEqual({ mode: "combineByPosition", includeUnpaired: true });
    expect(mapOne({ type: base("merge"), typeVersion: 1, parameters: { mode: "mergeByKey", propertyName1: "id", propertyName2: "userId" } }).node.parameters).toEqual({ mode: "combineByFields", field1: "id", field2: "userId", joinMode: "enrichInput1" });
    expect(mapOne({ type: base("merge"), typeVersion: 3, parameters: { numberInputs: 3 } }).unsupported).toContain("more than two inputs");
    expect(mapOne({ type: base("merge"), typeVersion: 3, parameters: { mode: "combine", combineBy: "combineAll" } }).unsupported).toContain("all combinations");
  });

  it("refuses what it cannot run the same way, with the reason", () => {
    expect(mapOne({ type: base("switch"), typeVersion: 3.2, parameters: { mode: "expression", output: "={{ 1 }}" } }).unsupported).toContain('"expression" mode');
    expect(mapOne({ type: base("switch"), typeVersion: 2, parameters: {} }).unsupported).toContain("Switch v1/v2");
    expect(mapOne({ type: base("splitInBatches"), typeVersion: 2, parameters: {} }).unsupported).toContain("Loop Over Items");
    expect(mapOne({ type: base("wait"), typeVersion: 1.1, parameters: { resume: "webhook" } }).unsupported).toContain('resuming on "webhook"');
    expect(mapOne({ type: base("httpRequest"), typeVersion: 3, parameters: { url: "https://example.com" } }).unsupported).toContain("HTTP Request v1-v3");
    expect(mapOne({ type: base("httpRequest"), typeVersion: 4.2, parameters: { url: "https://example.com", sendBody: true, contentType: "multipart-form-data" } }).unsupported).toContain("multipart-form-data body");
    expect(mapOne({ type: base("if"), typeVersion: 2.2, parameters: { conditions: { conditions: [{ leftValue: "={{ $json.a }}", rightValue: 2, operator: { type: "array", operation: "lengthGte" } }] } } }).unsupported).toContain(
      '"lengthGte" is not an operation of type array',
    );
  });

  it("a Wait for a date, an HTTP Request with a predefined credential (sent without auth, reported), a Code node using require()", () => {
    expect(mapOne({ type: base("wait"), typeVersion: 1.1, parameters: { resume: "specificTime", dateTime: "2026-12-24T18:00:00Z" } }).node.parameters).toEqual({ resume: "specificTime", dateTime: "2026-12-24T18:00:00Z" });
    const http = mapOne({ type: base("httpRequest"), typeVersion: 4.2, parameters: { url: "https://slack.com/api/chat.postMessage", authentication: "predefinedCredentialType", nodeCredentialType: "slackApi" }, credentials: { slackApi: { id: "s", name: "Slack" } } });
    expect(http.node.parameters).toEqual({ method: "GET", url: "https://slack.com/api/chat.postMessage", authentication: "none" });
    expect(http.node.credentials).toBeUndefined();
    expect(http.report.credentials).toMatchObject([{ n8nType: "slackApi", status: "dropped" }]);
    expect(http.warnings[0]).toContain('predefined "slackApi" credential is not supported');
    expect(mapOne({ type: base("code"), typeVersion: 2, parameters: { jsCode: "const _ = require('lodash');\nreturn $input.all();" } }).warnings).toEqual(["the code uses require() (no modules in the sandbox), which the sandbox does not provide"]);
  });

  it("reports expressions that use what ours do not have, and keeps the ones that work silent", () => {
    const { warnings, node } = mapOne({
      type: base("set"),
      typeVersion: 3.4,
      parameters: {
        assignments: {
          assignments: [
            { name: "a", value: "={{ $vars.region }}", type: "string" },
            { name: "b", value: "={{ DateTime.now().toISO() }}", type: "string" },
            { name: "c", value: "={{ $json.email.extractDomain() }}", type: "string" },
            { name: "d", value: "={{ $('Orders').first().json.id }} {{ $input.last().json.x }} {{ $now.toISO() }}", type: "string" },
          ],
        },
      },
    });
    expect(warnings).toEqual([
      expect.stringContaining("uses $vars"),
      expect.stringContaining("uses Luxon (DateTime/Duration)"),
      expect.stringContaining("uses n8n's data transformation functions"),
    ]);
    expect((node.parameters as { assignments: { assignments: Array<{ value: string }> } }).assignments.assignments[3].value).toBe("{{ $('Orders').first().json.id }} {{ $input.last().json.x }} {{ $now.toISO() }}");
  });
});

describe("AI nodes", () => {
  it("an older agent kind becomes the tools agent; the SQL agent is refused", () => {
    const conversational = mapOne({ type: ai("agent"), typeVersion: 1.6, parameters: { agent: "conversationalAgent", promptType: "define", text: "={{ $json.question }}" } });
    expect(conversational.node).toMatchObject({ type: "hetumind.agent", parameters: { prompt: "{{ $json.question }}" } });
    expect(conversational.warnings).toEqual([expect.stringContaining('"conversationalAgent" becomes our tools agent')]);
    expect(mapOne({ type: ai("agent"), typeVersion: 1.6, parameters: { agent: "sqlAgent" } }).unsupported).toBe("the SQL agent is not supported");
  });

  it("Structured Output Parser v1.1's jsonSchema, MCP v1's SSE endpoint, an HTTP tool's body pairs filled by the model", () => {
    expect(mapOne({ type: ai("outputParserStructured"), typeVersion: 1.1, parameters: { jsonSchema: '{ "type": "object", "properties": { "a": { "type": "string" } } }' } }).node.parameters).toEqual({
      schemaType: "manual",
      inputSchema: '{ "type": "object", "properties": { "a": { "type": "string" } } }',
    });
    expect(mapOne({ type: ai("mcpClientTool"), typeVersion: 1, parameters: { sseEndpoint: "https://mcp.example.com/sse" } }).node.parameters).toEqual({ serverTransport: "sse", endpointUrl: "https://mcp.example.com/sse", authentication: "none" });
    const tool = mapOne({
      type: ai("toolHttpRequest"),
      typeVersion: 1.1,
      parameters: {
        toolDescription: "Creates a ticket",
        method: "POST",
        url: "https://api.example.com/tickets",
        sendBody: true,
        parametersBody: { values: [{ name: "title" }, { name: "source", valueProvider: "fieldValue", value: "agent" }] },
        placeholderDefinitions: { values: [{ name: "title", description: "A short title", type: "string" }] },
      },
    });
    expect(tool.node.parameters).toMatchObject({
      sendBody: true,
      contentType: "json",
      jsonBody: '{"title":"{title}","source":"agent"}',
      placeholderDefinitions: { values: [{ name: "title", description: "A short title", type: "string", required: true }] },
    });
    expect(mapOne({ type: ai("toolCode"), typeVersion: 1.1, parameters: { description: "x", language: "python", pythonCode: "return 1" } }).unsupported).toContain("python code tool is not supported");
  });
});
