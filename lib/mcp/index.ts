/**
 * MCP client layer: stdio servers from the operator's allow-list, Streamable HTTP through the guarded fetch, pooled
 * connections, and the servers' tools as agent tools. See docs/ai-tools.md.
 */
export { readAllowList, requireAllowedStdioServer, allowListPath, childEnvironment, MCP_SERVERS_FILE_VARIABLE, DEFAULT_MCP_SERVERS_FILE } from "./allow-list";
export type { AllowedStdioServer, StdioServerConfig } from "./allow-list";
export { McpConnection, describeServer, DEFAULT_CALL_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS } from "./connection";
export type { McpServerConfig, McpConnectOptions, McpCallOptions } from "./connection";
export { McpError, McpServerNotAllowedError, type McpErrorCode } from "./errors";
export { McpConnectionPool, mcpConnectionPool } from "./pool";
export { mcpAgentTools, filterTools, agentToolName, toolResultValue, type McpToolsOptions } from "./tools";
