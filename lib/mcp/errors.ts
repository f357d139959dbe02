/**
 * Errors of the MCP client layer. All are `HetumindError`s with a code; tool calls turn them into tool results for the model.
 */
import { HetumindError, type ErrorFields } from "@/lib/errors";

export type McpErrorCode =
  /** A stdio server id that is not on the operator's allow-list. */
  | "mcp_server_not_allowed"
  /** The allow-list file exists but is not valid JSON or does not match the format. */
  | "mcp_config_invalid"
  /** Could not start, reach or initialise the server. */
  | "mcp_connection_failed"
  /** The server did not answer within the timeout. */
  | "mcp_timeout"
  /** The server answered a tool call with an error, or the connection broke during the call. */
  | "mcp_tool_failed"
  /** The tool asked for is not among the server's (filtered) tools. */
  | "mcp_tool_unknown";

export class McpError extends HetumindError {
  declare readonly code: McpErrorCode;
  constructor(code: McpErrorCode, message: string, fields: ErrorFields = {}, options?: { cause?: unknown }) {
    super(code, message, fields, options);
  }
}

/** Raised at validation time and at run time when a workflow names a stdio server the operator did not allow. */
export class McpServerNotAllowedError extends McpError {
  constructor(serverId: string, allowed: readonly string[], fields: ErrorFields = {}) {
    super(
      "mcp_server_not_allowed",
      `MCP stdio server "${serverId}" is not on the operator's allow-list` +
        (allowed.length > 0 ? ` (allowed: ${allowed.map((id) => `"${id}"`).join(", ")})` : " (the allow-list is empty)"),
      { ...fields, serverId, allowed: [...allowed] },
    );
  }
}
