/**
 * MCP Client Tool (n8n: `@n8n/n8n-nodes-langchain.mcpClientTool`): an MCP server's tools become the agent's tools,
 * filtered by include/exclude lists. Over Streamable HTTP or HTTP+SSE (URL, auth header from a credential, through the guarded fetch)
 * or over stdio — a server id from the operator's allow-list only (HETUMIND_MCP_SERVERS_FILE); a workflow never names a
 * command. Connections are pooled per workflow (lib/mcp).
 */
import { z } from "zod";
import { HetumindError, NodeExecutionError } from "@/lib/errors";
// The MCP SDK loads only when a workflow uses this node (`supply`): the registry is imported at server start.
import { requireAllowedStdioServer } from "@/lib/mcp/allow-list";
import type { McpServerConfig } from "@/lib/mcp/connection";
import { McpError } from "@/lib/mcp/errors";
import { defineSubNode } from "@/lib/workflow/node-definition";
import { authenticationFromCredential, authenticationHeaders, CREDENTIAL_TYPE_FOR } from "../http-request/authentication";
import { toolPorts } from "../shared/tool";

const parameters = z
  .object({
    /** n8n's name and values (`sse`: the older HTTP+SSE transport), plus `stdio`. */
    serverTransport: z.enum(["httpStreamable", "sse", "stdio"]).default("httpStreamable"),
    endpointUrl: z.string().trim().optional(),
    /** An id from the operator's allow-list of stdio servers. */
    serverId: z.string().trim().optional(),
    authentication: z.enum(["none", "headerAuth", "bearerAuth"]).default("none"),
    include: z.enum(["all", "selected", "except"]).default("all"),
    includeTools: z.array(z.string()).default([]),
    excludeTools: z.array(z.string()).default([]),
    options: z.object({ timeout: z.number().int().positive().max(600_000).default(30_000) }).default({ timeout: 30_000 }),
  })
  .superRefine((value, context) => {
    if (value.serverTransport !== "stdio") {
      if (!value.endpointUrl) context.addIssue({ code: "custom", path: ["endpointUrl"], message: "the MCP server's URL is required" });
      else if (!value.endpointUrl.includes("{{") && !URL.canParse(value.endpointUrl)) {
        context.addIssue({ code: "custom", path: ["endpointUrl"], message: "not a valid URL" });
      }
      return;
    }
    if (value.authentication !== "none") context.addIssue({ code: "custom", path: ["authentication"], message: "authentication applies to HTTP servers only" });
    if (!value.serverId) {
      context.addIssue({ code: "custom", path: ["serverId"], message: "choose a server id from the operator's allow-list" });
      return;
    }
    if (value.serverId.includes("{{")) return; // checked once resolved
    try {
      requireAllowedStdioServer(value.serverId);
    } catch (error) {
      if (!(error instanceof McpError)) throw error;
      context.addIssue({ code: "custom", path: ["serverId"], message: error.message });
    }
  });

export const mcpClientTool = defineSubNode({
  type: "hetumind.mcpClientTool",
  version: 1,
  displayName: "MCP Client Tool",
  description: "Gives an AI Agent the tools of an MCP server (Streamable HTTP, or an operator-approved stdio server).",
  icon: "plug",
  aliases: ["mcp", "model context protocol"],
  ...toolPorts,
  parameters,
  credentials: [{ type: "httpHeaderAuth" }, { type: "httpBearerAuth" }],
  parameterHints: {
    serverTransport: { label: "Transport", description: "Streamable HTTP, HTTP+SSE (older servers), or stdio (servers the operator allowed)" },
    endpointUrl: { label: "URL", placeholder: "https://mcp.example.com/mcp", displayWhen: { serverTransport: ["httpStreamable", "sse"] } },
    serverId: { label: "Server", description: "An id from the operator's MCP server allow-list", displayWhen: { serverTransport: ["stdio"] } },
    authentication: { label: "Authentication", description: "A header from a credential", displayWhen: { serverTransport: ["httpStreamable", "sse"] } },
    include: { label: "Tools to include" },
    includeTools: { label: "Include these tools", displayWhen: { include: ["selected"] } },
    excludeTools: { label: "Exclude these tools", displayWhen: { include: ["except"] } },
    "options.timeout": { label: "Timeout (ms)", description: "For listing the tools and for each tool call" },
  },
  async supply(context) {
    const { parameters: p, node } = context;
    let server: McpServerConfig;
    if (p.serverTransport === "stdio") {
      server = { transport: "stdio", serverId: p.serverId ?? "" };
    } else {
      let headers: Record<string, string> = {};
      if (p.authentication !== "none") {
        const type = CREDENTIAL_TYPE_FOR[p.authentication];
        const credential = await context.getCredential(type);
        if (!credential) {
          throw new NodeExecutionError(`Node "${node.name}" needs a "${type}" credential for ${p.authentication}`, { node: node.name, parameter: "authentication" }, { code: "credential_not_found" });
        }
        const result = authenticationFromCredential(p.authentication, credential);
        if (!result.ok) throw new NodeExecutionError(`Node "${node.name}": ${result.message}`, { node: node.name, parameter: result.parameter }, { code: "credential_invalid" });
        headers = authenticationHeaders(result.authentication);
      }
      server = { transport: p.serverTransport === "sse" ? "sse" : "http", url: p.endpointUrl ?? "", headers };
    }
    const timeoutMs = Math.max(1, Math.min(p.options.timeout, context.timeRemaining()));
    const { mcpAgentTools } = await import("@/lib/mcp/tools");
    try {
      return await mcpAgentTools({
        workflowId: context.workflow.id ?? `file:${context.workflow.name}`,
        server,
        include: p.include === "selected" ? p.includeTools : [],
        exclude: p.include === "except" ? p.excludeTools : [],
        timeoutMs,
        signal: context.signal,
      });
    } catch (error) {
      if (!HetumindError.isInstance(error)) throw error;
      // Name the node and the field (a refused URL, a server no longer allowed, a server that would not start).
      throw new NodeExecutionError(
        `Node "${node.name}": ${error.message}`,
        { ...error.fields, node: node.name, parameter: p.serverTransport === "stdio" ? "serverId" : "endpointUrl" },
        { cause: error, code: error.code },
      );
    }
  },
});
