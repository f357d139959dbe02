/**
 * MCP connections pooled per (workflow, server config): the tools of one workflow's MCP nodes share a connection,
 * another workflow never does. A connection that died (crashed child, broken HTTP session) is replaced on next use.
 * Everything is closed by `closeWorkflow` (the process's pool calls it when the workflow is deactivated or deleted), `closeAll`, after `idleMs` without a request (default 5 minutes: a workflow
 * that is no longer run does not keep a process), or — synchronously, killing stdio children — at process exit.
 */
import { createHash } from "node:crypto";
import { onWorkflowRetired } from "../db/changes";
import { McpConnection, type McpConnectOptions, type McpServerConfig } from "./connection";

interface Entry {
  workflowId: string;
  opening: Promise<McpConnection>;
  connection?: McpConnection;
}

function configKey(workflowId: string, config: McpServerConfig): string {
  // Hashed: the config may hold an auth header; the key is kept in memory and could appear in a heap dump or a log.
  const canonical =
    config.transport === "stdio"
      ? ["stdio", config.serverId]
      : [config.transport, config.url, Object.entries(config.headers ?? {}).sort(), [...(config.allowHosts ?? [])].sort()];
  return `${workflowId}\u0000${createHash("sha256").update(JSON.stringify(canonical)).digest("hex")}`;
}

export const DEFAULT_IDLE_MS = 5 * 60_000;

export interface McpPoolOptions extends McpConnectOptions {
  /** Close a connection after this long without a request. Default 5 minutes. */
  idleMs?: number;
}

export class McpConnectionPool {
  private readonly entries = new Map<string, Entry>();
  private exitHook: (() => void) | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly idleMs: number;

  constructor(private readonly options: McpPoolOptions = {}) {
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  }

  /** The workflow's connection to `config`, opened on first use and reopened when it died. */
  async get(workflowId: string, config: McpServerConfig): Promise<McpConnection> {
    const key = configKey(workflowId, config);
    const existing = this.entries.get(key);
    if (existing && (!existing.connection || existing.connection.alive)) return existing.opening;
    if (existing?.connection) void existing.connection.close();
    this.installExitHook();
    this.startSweeper();
    const entry: Entry = { workflowId, opening: McpConnection.open(config, this.options) };
    this.entries.set(key, entry);
    try {
      entry.connection = await entry.opening;
      return entry.connection;
    } catch (error) {
      if (this.entries.get(key) === entry) this.entries.delete(key);
      throw error;
    }
  }

  /** How many connections are open or opening (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  /** Closes the connections of one workflow (deactivated, deleted, or its execution finished for good). */
  async closeWorkflow(workflowId: string): Promise<void> {
    await this.closeWhere((entry) => entry.workflowId === workflowId);
  }

  async closeAll(): Promise<void> {
    await this.closeWhere(() => true);
  }

  private async closeWhere(matches: (entry: Entry) => boolean): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [key, entry] of this.entries) {
      if (!matches(entry)) continue;
      this.entries.delete(key);
      closing.push(entry.opening.then((connection) => connection.close()).catch(() => undefined));
    }
    await Promise.all(closing);
  }

  /** Closes connections idle for `idleMs`; the timer does not keep the process alive and stops when the pool is empty. */
  private startSweeper(): void {
    if (this.sweeper || !Number.isFinite(this.idleMs)) return;
    this.sweeper = setInterval(() => {
      const now = Date.now();
      void this.closeWhere((entry) => entry.connection !== undefined && entry.connection.idleFor(this.idleMs, now));
      if (this.entries.size === 0) this.stopSweeper();
    }, Math.max(50, Math.min(this.idleMs / 2, 30_000)));
    this.sweeper.unref();
  }

  private stopSweeper(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private installExitHook(): void {
    if (this.exitHook) return;
    this.exitHook = () => {
      for (const entry of this.entries.values()) entry.connection?.killNow();
    };
    process.once("exit", this.exitHook);
  }

  /** Removes the exit hook (for pools made in tests). */
  dispose(): void {
    if (this.exitHook) process.removeListener("exit", this.exitHook);
    this.exitHook = undefined;
    this.stopSweeper();
  }
}

const GLOBAL_KEY = Symbol.for("hetumind.mcp.pool");

/**
 * The process's pool (kept on globalThis so Next.js module reloads share it). A workflow's connections close when it is
 * deactivated or deleted (lib/db/changes.ts).
 */
export function mcpConnectionPool(): McpConnectionPool {
  const holder = globalThis as unknown as Record<symbol, McpConnectionPool | undefined>;
  if (!holder[GLOBAL_KEY]) {
    const pool = new McpConnectionPool();
    onWorkflowRetired((workflowId) => void pool.closeWorkflow(workflowId));
    holder[GLOBAL_KEY] = pool;
  }
  return holder[GLOBAL_KEY];
}
