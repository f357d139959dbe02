/**
 * One connection to an MCP server (stdio from the allow-list, or Streamable HTTP through the guarded fetch), with the
 * timeouts that keep an agent from hanging: connecting and every request are bounded, and a server that dies fails the
 * calls in flight at once (the SDK rejects pending requests when the transport closes).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ErrorCode, McpError as SdkMcpError, type CallToolResult, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { HetumindError } from "@/lib/errors";
import { describeUrl } from "@/lib/net/network-policy";
import { childEnvironment, requireAllowedStdioServer } from "./allow-list";
import { McpError } from "./errors";
import { createMcpFetch } from "./guarded-fetch-adapter";
import { IsolatedStdioTransport } from "./stdio-transport";

export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

export type McpServerConfig =
  | { transport: "stdio"; /** An id from the operator's allow-list. */ serverId: string }
  | {
      /** `http`: Streamable HTTP; `sse`: the older HTTP+SSE transport (a GET event stream, POSTs to the endpoint it names). */
      transport: "http" | "sse";
      url: string;
      /** Sent with every request (e.g. `Authorization` from a credential). */
      headers?: Record<string, string>;
      /** Extra hosts the guarded fetch may reach (see docs/net-and-http.md). */
      allowHosts?: readonly string[];
    };

export interface McpConnectOptions {
  connectTimeoutMs?: number;
  environment?: NodeJS.ProcessEnv;
  /** Trusted CAs for https servers (tests, internal CAs). */
  ca?: string | Buffer;
}

export interface McpCallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** A readable name for messages; never includes headers, user info or a query string. */
export function describeServer(config: McpServerConfig): string {
  if (config.transport === "stdio") return `MCP server "${config.serverId}" (stdio)`;
  let where = config.url;
  try {
    where = describeUrl(new URL(config.url));
  } catch {
    where = config.url.slice(0, 100);
  }
  return `MCP server ${where}`;
}

const CLIENT_INFO = { name: "hetumind", version: "1.0.0" };

function isSdkError(error: unknown, code: ErrorCode): boolean {
  return error instanceof SdkMcpError && error.code === code;
}

export class McpConnection {
  private closedByTransport = false;
  private toolsCache: Promise<Tool[]> | undefined;
  private inFlight = 0;
  private lastActivity = Date.now();

  private constructor(
    readonly config: McpServerConfig,
    private readonly client: Client,
    private readonly transport: Transport,
  ) {
    client.onclose = () => {
      this.closedByTransport = true;
    };
  }

  static async open(config: McpServerConfig, options: McpConnectOptions = {}): Promise<McpConnection> {
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    let transport: Transport;
    let connectFailure: unknown;
    if (config.transport === "stdio") {
      const server = requireAllowedStdioServer(config.serverId, options.environment);
      transport = new IsolatedStdioTransport({
        command: server.command,
        args: server.args,
        env: childEnvironment(server, options.environment),
        cwd: server.cwd,
      });
    } else {
      let url: URL;
      try {
        url = new URL(config.url);
      } catch (error) {
        throw new McpError("mcp_connection_failed", `Invalid MCP server URL: ${config.url.slice(0, 200)}`, {}, { cause: error });
      }
      const mcpFetch = createMcpFetch({ timeoutMs: Math.max(connectTimeoutMs, DEFAULT_CALL_TIMEOUT_MS) + 5_000, allowHosts: config.allowHosts, ca: options.ca });
      const transportOptions = {
        // The SSE transport's EventSource turns a failed fetch into an error event with only a message: keep the
        // original (a NetworkPolicyError...) to report it as it is.
        fetch: async (input: string | URL, init?: RequestInit) => {
          try {
            return await mcpFetch(input, init);
          } catch (error) {
            connectFailure ??= error;
            throw error;
          }
        },
        requestInit: { headers: { ...(config.headers ?? {}) } },
      };
      transport = config.transport === "sse" ? new SSEClientTransport(url, transportOptions) : new StreamableHTTPClientTransport(url, transportOptions);
    }
    const client = new Client(CLIENT_INFO, { capabilities: {} });
    const connection = new McpConnection(config, client, transport);
    try {
      await client.connect(transport, { timeout: connectTimeoutMs });
    } catch (error) {
      await transport.close().catch(() => undefined);
      throw connection.wrap(HetumindError.isInstance(connectFailure) ? connectFailure : error, "connect", connectTimeoutMs);
    }
    connectFailure = undefined;
    return connection;
  }

  /** False once the server went away (process exited, connection closed); the pool then opens a new connection. */
  get alive(): boolean {
    return !this.closedByTransport;
  }

  /** True when no request is in flight and none was made for `idleMs`. */
  idleFor(idleMs: number, now = Date.now()): boolean {
    return this.inFlight === 0 && now - this.lastActivity >= idleMs;
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    this.lastActivity = Date.now();
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      this.lastActivity = Date.now();
    }
  }

  /** The stdio child's pid (undefined for HTTP). */
  get pid(): number | undefined {
    return this.transport instanceof IsolatedStdioTransport ? this.transport.pid : undefined;
  }

  /** All the server's tools (every page), fetched once per connection. */
  listTools(options: McpCallOptions = {}): Promise<Tool[]> {
    this.toolsCache ??= this.track(() => this.fetchTools(options)).catch((error: unknown) => {
      this.toolsCache = undefined;
      throw error;
    });
    return this.toolsCache;
  }

  private async fetchTools(options: McpCallOptions): Promise<Tool[]> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    const tools: Tool[] = [];
    let cursor: string | undefined;
    try {
      do {
        const page = await this.client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs, signal: options.signal });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
    } catch (error) {
      throw this.wrap(error, "list tools", timeoutMs);
    }
    return tools;
  }

  async callTool(name: string, args: Record<string, unknown>, options: McpCallOptions = {}): Promise<CallToolResult> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    try {
      const result = await this.track(() =>
        this.client.callTool({ name, arguments: args }, undefined, {
          timeout: timeoutMs,
          signal: options.signal,
        }),
      );
      return result as CallToolResult;
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw this.wrap(error, `call tool "${name}"`, timeoutMs, name);
    }
  }

  async close(): Promise<void> {
    this.closedByTransport = true;
    // Streamable HTTP: tell the server the session is over (DELETE), as the spec asks; a server may not support it.
    if (this.transport instanceof StreamableHTTPClientTransport) await this.transport.terminateSession().catch(() => undefined);
    await this.client.close().catch(() => undefined);
  }

  /** Synchronous kill for process exit (stdio only; HTTP sessions simply end with the process). */
  killNow(): void {
    this.closedByTransport = true;
    if (this.transport instanceof IsolatedStdioTransport) this.transport.killNow();
  }

  private wrap(error: unknown, action: string, timeoutMs: number, tool?: string): HetumindError {
    const server = describeServer(this.config);
    const fields = { server, ...(tool ? { tool } : {}) };
    if (HetumindError.isInstance(error)) {
      // NetworkPolicyError, HttpTimeoutError...: keep the class and code, add where it happened.
      Object.assign(error.fields, fields);
      return error;
    }
    if (isSdkError(error, ErrorCode.RequestTimeout)) {
      return new McpError("mcp_timeout", `${server} did not answer within ${timeoutMs} ms (${action})`, { ...fields, timeoutMs }, { cause: error });
    }
    const exited = this.transport instanceof IsolatedStdioTransport ? this.transport.exitStatus : undefined;
    if (exited || isSdkError(error, ErrorCode.ConnectionClosed) || !this.alive) {
      this.closedByTransport = true;
      const how = exited ? ` (exit code ${exited.code ?? "none"}${exited.signal ? `, signal ${exited.signal}` : ""})` : "";
      const stderr = this.transport instanceof IsolatedStdioTransport ? this.transport.stderrTail.trim().split("\n").slice(-3).join(" | ") : "";
      return new McpError(
        action === "connect" ? "mcp_connection_failed" : "mcp_tool_failed",
        `${server} closed the connection${how} while trying to ${action}${stderr ? `; its last output: ${stderr.slice(-500)}` : ""}`,
        fields,
        { cause: error },
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    // A broken HTTP exchange (not a JSON-RPC error answer): open a new session next time.
    if (this.config.transport !== "stdio" && !(error instanceof SdkMcpError)) this.closedByTransport = true;
    return new McpError(action === "connect" ? "mcp_connection_failed" : "mcp_tool_failed", `${server} failed to ${action}: ${message}`, fields, {
      cause: error,
    });
  }
}
