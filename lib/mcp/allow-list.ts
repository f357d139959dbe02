/**
 * The operator's allow-list of stdio MCP servers. A workflow never names a command: it names a server id, and only the
 * servers in this file can be started. The file (JSON, path from `HETUMIND_MCP_SERVERS_FILE`, default
 * `.hetumind/mcp-servers.json` under the working directory) looks like
 *
 *   { "servers": { "everything": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-everything"],
 *                                  "env": { "API_KEY": "..." }, "description": "Demo server" } } }
 *
 * A missing file is an empty allow-list. The file is read again when its modification time changes.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { McpError, McpServerNotAllowedError } from "./errors";

export const MCP_SERVERS_FILE_VARIABLE = "HETUMIND_MCP_SERVERS_FILE";
export const DEFAULT_MCP_SERVERS_FILE = ".hetumind/mcp-servers.json";

const serverIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "a server id is letters, digits, '_', '.', '-' (at most 64)");

export const stdioServerSchema = z.strictObject({
  /** The program to run (an absolute path, or a name looked up on the PATH given in `env` or the host's PATH). */
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** The child's whole environment, besides PATH (which is the host's unless given here). */
  env: z.record(z.string(), z.string()).default({}),
  /** Working directory of the child; default the server process's own. */
  cwd: z.string().min(1).optional(),
  /** Shown to workflow editors next to the id. */
  description: z.string().optional(),
});

export const allowListFileSchema = z.strictObject({
  servers: z.record(serverIdSchema, stdioServerSchema),
});

export type StdioServerConfig = z.infer<typeof stdioServerSchema>;
export interface AllowedStdioServer extends StdioServerConfig {
  id: string;
}

export function allowListPath(environment: NodeJS.ProcessEnv = process.env): string {
  const configured = environment[MCP_SERVERS_FILE_VARIABLE]?.trim();
  return path.resolve(configured || DEFAULT_MCP_SERVERS_FILE);
}

interface CachedFile {
  file: string;
  mtimeMs: number;
  size: number;
  servers: Map<string, AllowedStdioServer>;
}
let cached: CachedFile | undefined;

function parseFile(file: string, text: string): Map<string, AllowedStdioServer> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new McpError("mcp_config_invalid", `The MCP server allow-list ${file} is not valid JSON: ${(error as Error).message}`, { file }, { cause: error });
  }
  const parsed = allowListFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
    throw new McpError("mcp_config_invalid", `The MCP server allow-list ${file} is invalid: ${problems}`, { file }, { cause: parsed.error });
  }
  return new Map(Object.entries(parsed.data.servers).map(([id, server]) => [id, { id, ...server }]));
}

/** The allowed stdio servers by id. Throws `McpError` (`mcp_config_invalid`) when the file is there but broken. */
export function readAllowList(environment: NodeJS.ProcessEnv = process.env): ReadonlyMap<string, AllowedStdioServer> {
  const file = allowListPath(environment);
  let stats;
  try {
    stats = statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw new McpError("mcp_config_invalid", `Cannot read the MCP server allow-list ${file}: ${(error as Error).message}`, { file }, { cause: error });
  }
  if (cached && cached.file === file && cached.mtimeMs === stats.mtimeMs && cached.size === stats.size) return cached.servers;
  const servers = parseFile(file, readFileSync(file, "utf8"));
  cached = { file, mtimeMs: stats.mtimeMs, size: stats.size, servers };
  return servers;
}

/** The allowed server `id`, or `McpServerNotAllowedError` naming the ids that are allowed. */
export function requireAllowedStdioServer(id: string, environment: NodeJS.ProcessEnv = process.env): AllowedStdioServer {
  const servers = readAllowList(environment);
  const server = servers.get(id);
  if (!server) throw new McpServerNotAllowedError(id, [...servers.keys()]);
  return server;
}

/** The environment a stdio server gets: exactly what the operator listed, plus the host's PATH unless listed. */
export function childEnvironment(server: StdioServerConfig, hostEnvironment: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const environment: Record<string, string> = {};
  if (hostEnvironment.PATH !== undefined) environment.PATH = hostEnvironment.PATH;
  return { ...environment, ...server.env };
}
