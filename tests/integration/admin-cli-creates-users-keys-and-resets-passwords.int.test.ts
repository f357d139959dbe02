/**
 * `hetumind user create | user reset-password | apikey create` as real processes against `DATABASE_URL` (postgres.js
 * to an in-memory PGlite served by pglite-socket: no initdb). The test reads the same PGlite directly between
 * processes (one connection at a time: PGlite is one session).
 * Usage errors run in-process through main().
 */
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../../lib/auth/sign-in";
import { authenticateApiKey } from "../../lib/db/queries/api-keys";
import { listUserWorkspaces } from "../../lib/db/queries/memberships";
import { DEFAULT_WORKSPACE_ID } from "../../lib/db/schema";
import { main } from "../../lib/cli/main";
import { runCli } from "../helpers/cli";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

const TIMEOUT = 180_000;

describe("hetumind admin commands", () => {
  let database: TestDatabase;
  let server: PGLiteSocketServer;
  let url: string;
  let environment: Record<string, string>;
  beforeAll(async () => {
    database = await createTestDatabase();
    server = new PGLiteSocketServer({ db: database.pglite!, port: 0, host: "127.0.0.1", maxConnections: 1 });
    await server.start();
    url = `postgres://postgres:postgres@${server.getServerConn()}/postgres`;
    environment = { DATABASE_URL: url, HETUMIND_DATA_DIR: "/nonexistent/never-used" };
  });
  afterAll(async () => {
    await server?.stop();
    await database?.close();
  });

  it("creates the first owner and a second user, prints a generated password and an API key once, resets a password", { timeout: TIMEOUT }, async () => {
    const db = database.db;
    const first = await runCli(["user", "create", "--email", "Ops@Example.com", "--password", "operator-password", "--workspace", "Operations"], environment);
    expect(first.stderr).toMatch(/created ops@example.com .*owner of workspace "Operations" \(default\)/);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe("");

    const second = await runCli(["user", "create", "--email", "dev@example.com"], environment);
    expect(second.code).toBe(0);
    const generated = second.stdout.trim();
    expect(generated).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const dev = await signIn(db, { email: "dev@example.com", password: generated });
    expect(dev.workspaces).toHaveLength(1);
    expect(dev.workspaces[0].workspaceId).not.toBe(DEFAULT_WORKSPACE_ID);

    const key = await runCli(["apikey", "create", "--email", "ops@example.com", "--workspace", "operations", "--name", "deploy"], environment);
    expect(key.code).toBe(0);
    expect(key.stdout.trim()).toMatch(/^hm_[A-Za-z0-9_-]{43}$/);
    expect(key.stderr).toMatch(/"deploy" for ops@example.com in workspace "Operations" \(default\), role owner/);
    const ops = (await signIn(db, { email: "ops@example.com", password: "operator-password" })).user;
    expect((await listUserWorkspaces(db, ops.id)).map((workspace) => workspace.name)).toEqual(["Operations"]);
    expect(await authenticateApiKey(db, key.stdout.trim())).toMatchObject({ userId: ops.id, workspaceId: DEFAULT_WORKSPACE_ID, role: "owner" });

    const reset = await runCli(["user", "reset-password", "--email", "DEV@example.com"], environment);
    expect(reset.code).toBe(0);
    const newPassword = reset.stdout.trim();
    expect(newPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(newPassword).not.toBe(generated);
    await expect(signIn(db, { email: "dev@example.com", password: generated })).rejects.toMatchObject({ code: "invalid_credentials" });
    expect((await signIn(db, { email: "dev@example.com", password: newPassword })).user.email).toBe("dev@example.com");
  });

  it("explains mistakes: missing --email, unknown user, duplicate email, short password, unknown subcommand", { timeout: TIMEOUT }, async () => {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = url;
    const lines: string[] = [];
    const output = { out: (text: string) => lines.push(text), err: (text: string) => lines.push(text) };
    try {
      expect(await main(["user", "create"], output)).toBe(2);
      expect(lines.pop()).toMatch(/needs --email/);
      expect(await main(["apikey", "create", "--email", "ghost@example.com"], output)).toBe(1);
      expect(lines.pop()).toMatch(/User ghost@example.com was not found/);
      expect(await main(["user", "create", "--email", "OPS@example.com", "--password", "whatever-pass"], output)).toBe(1);
      expect(lines.pop()).toMatch(/exists already/);
      expect(await main(["user", "create", "--email", "new@example.com", "--password", "short"], output)).toBe(1);
      expect(lines.pop()).toMatch(/at least 8 characters/);
      expect(await main(["user", "delete", "--email", "new@example.com"], output)).toBe(2);
      expect(lines.pop()).toMatch(/create \| reset-password/);
      expect(await main(["apikey", "create", "--email", "ops@example.com", "--workspace", "nope"], output)).toBe(2);
      expect(lines.pop()).toMatch(/not a member of a workspace "nope"/);
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
    }
  });
});
