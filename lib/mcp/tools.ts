/**
 * An MCP server's tools as `AgentTool`s: listed once per connection, filtered by include/exclude lists, each call going
 * through the pool (so a crashed server is restarted for the next call) with a timeout.
 */
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import type { AgentTool, AgentToolCallContext } from "@/lib/ai/agent-tool";
import { isJsonObject, type JsonObject, type JsonValue } from "@/lib/workflow/items";
import { DEFAULT_CALL_TIMEOUT_MS, describeServer, type McpServerConfig } from "./connection";
import { McpError } from "./errors";
import { mcpConnectionPool, type McpConnectionPool } from "./pool";

export interface McpToolsOptions {
  workflowId: string;
  server: McpServerConfig;
  /** Only these tool names (empty or absent: all). */
  include?: readonly string[];
  /** Never these tool names. */
  exclude?: readonly string[];
  /** Per call (and for listing). Default 30 s. */
  timeoutMs?: number;
  pool?: McpConnectionPool;
  signal?: AbortSignal;
}

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** MCP tool names may hold characters models refuse (`.`, `/`, spaces); those become `_`, cut to 64. */
export function agentToolName(mcpName: string): string {
  if (TOOL_NAME.test(mcpName)) return mcpName;
  return mcpName.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64) || "tool";
}

export function filterTools(tools: readonly Tool[], include: readonly string[] = [], exclude: readonly string[] = []): Tool[] {
  const included = new Set(include);
  const excluded = new Set(exclude);
  return tools.filter((tool) => (included.size === 0 || included.has(tool.name)) && !excluded.has(tool.name));
}

function textOf(result: CallToolResult): string {
  return result.content
    .map((part) => (part.type === "text" ? part.text : `[${part.type}]`))
    .join("\n")
    .trim();
}

/**
 * What the model gets back: `structuredContent` when the server gave it; a single text part as a string; otherwise the
 * content parts as JSON (text, images and audio with their base64 data, resources).
 */
export function toolResultValue(result: CallToolResult): JsonValue {
  if (result.structuredContent && isJsonObject(result.structuredContent as JsonValue)) return result.structuredContent as JsonObject;
  const parts = result.content;
  if (parts.length === 1 && parts[0]?.type === "text") return parts[0].text;
  return JSON.parse(JSON.stringify(parts)) as JsonValue;
}

function toAgentTool(tool: Tool, options: McpToolsOptions, pool: McpConnectionPool): AgentTool {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const server = describeServer(options.server);
  return {
    name: agentToolName(tool.name),
    description: tool.description ?? tool.title ?? tool.name,
    inputSchema: JSON.parse(JSON.stringify(tool.inputSchema)) as JsonObject,
    async call(args: JsonValue, context: AgentToolCallContext): Promise<JsonValue> {
      const connection = await pool.get(options.workflowId, options.server);
      const result = await connection.callTool(tool.name, isJsonObject(args) ? args : {}, { signal: context.signal, timeoutMs });
      if (result.isError) {
        throw new McpError("mcp_tool_failed", `${server} tool "${tool.name}" returned an error: ${textOf(result) || "(no message)"}`, {
          server,
          tool: tool.name,
        });
      }
      return toolResultValue(result);
    },
  };
}

/** Connects (or reuses the pooled connection), lists the tools, and returns the filtered ones as agent tools. */
export async function mcpAgentTools(options: McpToolsOptions): Promise<AgentTool[]> {
  const pool = options.pool ?? mcpConnectionPool();
  const connection = await pool.get(options.workflowId, options.server);
  const tools = await connection.listTools({ timeoutMs: options.timeoutMs, signal: options.signal });
  const unknown = (options.include ?? []).filter((name) => !tools.some((tool) => tool.name === name));
  if (unknown.length > 0) {
    throw new McpError(
      "mcp_tool_unknown",
      `${describeServer(options.server)} has no tool ${unknown.map((name) => `"${name}"`).join(", ")} (it has ${tools.map((tool) => `"${tool.name}"`).join(", ")})`,
      { server: describeServer(options.server), tools: unknown },
    );
  }
  return filterTools(tools, options.include, options.exclude).map((tool) => toAgentTool(tool, options, pool));
}
