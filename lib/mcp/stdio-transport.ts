/**
 * A stdio MCP client transport that spawns an allow-listed server with exactly the environment it was given.
 * (The SDK's `StdioClientTransport` always adds HOME, USER, SHELL... from the host; an operator's server gets only what
 * the operator wrote, plus PATH.) The child's stderr is kept (last 4 KB) to explain a crash.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

const STDERR_TAIL_BYTES = 4096;
const CLOSE_GRACE_MS = 1000;

export interface SpawnedStdioServer {
  command: string;
  args: readonly string[];
  /** The child's whole environment. */
  env: Record<string, string>;
  cwd?: string;
}

export class IsolatedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child: ChildProcess | undefined;
  private readonly readBuffer = new ReadBuffer();
  private stderr = "";
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(private readonly server: SpawnedStdioServer) {}

  /** The child's process id once started (tests kill it to simulate a crash). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last 4 KB the child wrote to stderr. */
  get stderrTail(): string {
    return this.stderr;
  }

  /** How the child ended, once it has. */
  get exitStatus(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exit;
  }

  start(): Promise<void> {
    if (this.child) throw new Error("IsolatedStdioTransport already started");
    return new Promise((resolve, reject) => {
      const child = spawn(this.server.command, [...this.server.args], {
        // Next.js's types make NODE_ENV a required key of ProcessEnv; the child's environment is exactly the operator's.
        env: this.server.env as unknown as NodeJS.ProcessEnv,
        ...(this.server.cwd !== undefined ? { cwd: this.server.cwd } : {}),
        stdio: ["pipe", "pipe", "pipe"],
        shell: false,
        windowsHide: true,
      });
      this.child = child;
      child.once("error", (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.once("spawn", () => resolve());
      child.once("close", (code, signal) => {
        this.exit = { code, signal };
        this.child = undefined;
        this.onclose?.();
      });
      child.stdin?.on("error", (error) => this.onerror?.(error));
      child.stdout?.on("error", (error) => this.onerror?.(error));
      child.stdout?.on("data", (chunk: Buffer) => {
        this.readBuffer.append(chunk);
        for (;;) {
          let message: JSONRPCMessage | null;
          try {
            message = this.readBuffer.readMessage();
          } catch (error) {
            this.onerror?.(error as Error);
            continue;
          }
          if (message === null) break;
          this.onmessage?.(message);
        }
      });
      child.stderr?.on("data", (chunk: Buffer) => {
        this.stderr = (this.stderr + chunk.toString("utf8")).slice(-STDERR_TAIL_BYTES);
      });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed) return Promise.reject(new Error("the MCP server process is not running"));
    return new Promise((resolve, reject) => {
      const written = stdin.write(serializeMessage(message), (error) => (error ? reject(error) : undefined));
      if (written) resolve();
      else stdin.once("drain", () => resolve());
    });
  }

  /** Ends stdin, then SIGTERM after a grace period, then SIGKILL. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
    const wait = (ms: number) => Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);
    child.stdin?.end();
    await wait(CLOSE_GRACE_MS);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await wait(CLOSE_GRACE_MS);
    }
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    this.readBuffer.clear();
  }

  /** Synchronous last resort at process exit: the child must not outlive us. */
  killNow(): void {
    this.child?.kill("SIGKILL");
  }
}
