import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HetumindError } from "@/lib/errors";
import { childEnvironment, readAllowList, requireAllowedStdioServer } from "@/lib/mcp/allow-list";
import { McpServerNotAllowedError } from "@/lib/mcp/errors";

const dir = mkdtempSync(path.join(tmpdir(), "hetumind-allow-list-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function environmentWith(content: string | undefined, name = "servers.json"): NodeJS.ProcessEnv {
  const file = path.join(dir, name);
  if (content !== undefined) writeFileSync(file, content);
  return { HETUMIND_MCP_SERVERS_FILE: file, PATH: "/usr/bin:/bin" } as unknown as NodeJS.ProcessEnv;
}

function thrown(run: () => unknown): HetumindError {
  try {
    run();
  } catch (error) {
    if (HetumindError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe("the stdio MCP server allow-list", () => {
  it("is empty when the file does not exist", () => {
    const environment = environmentWith(undefined, "missing.json");
    expect(readAllowList(environment).size).toBe(0);
    expect(thrown(() => requireAllowedStdioServer("any", environment)).message).toBe(
      'MCP stdio server "any" is not on the operator\'s allow-list (the allow-list is empty)',
    );
  });

  it("reads servers with defaults, and is read again when the file changes", () => {
    const environment = environmentWith(JSON.stringify({ servers: { fs: { command: "mcp-fs" } } }), "changing.json");
    expect(requireAllowedStdioServer("fs", environment)).toEqual({ id: "fs", command: "mcp-fs", args: [], env: {} });
    environmentWith(JSON.stringify({ servers: { git: { command: "mcp-git", args: ["--repo", "/srv"], env: { TOKEN: "t" } } } }), "changing.json");
    expect(requireAllowedStdioServer("git", environment)).toMatchObject({ args: ["--repo", "/srv"], env: { TOKEN: "t" } });
    expect(() => requireAllowedStdioServer("fs", environment)).toThrow(McpServerNotAllowedError);
  });

  it("rejects a broken file with a message naming the problem", () => {
    expect(thrown(() => readAllowList(environmentWith("{ not json", "broken.json"))).code).toBe("mcp_config_invalid");
    const invalid = thrown(() => readAllowList(environmentWith(JSON.stringify({ servers: { "bad id!": { command: "" }, ok: { command: "x", shell: true } } }), "invalid.json")));
    expect(invalid.code).toBe("mcp_config_invalid");
    expect(invalid.message).toContain("servers.bad id!");
    expect(invalid.message).toContain('servers.ok: Unrecognized key: "shell"');
  });

  it("gives a child exactly the operator's env plus the host's PATH", () => {
    const host = { PATH: "/usr/bin", HOME: "/root", DATABASE_URL: "postgres://secret" } as unknown as NodeJS.ProcessEnv;
    expect(childEnvironment({ command: "x", args: [], env: { API_KEY: "k" } }, host)).toEqual({ PATH: "/usr/bin", API_KEY: "k" });
    expect(childEnvironment({ command: "x", args: [], env: { PATH: "/opt/bin" } }, host)).toEqual({ PATH: "/opt/bin" });
  });
});
