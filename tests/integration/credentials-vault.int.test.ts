import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CredentialError } from "@/lib/credentials";
import { queryRows } from "@/lib/db/client";
import {
  createCredential,
  deleteCredential,
  getCredentialData,
  getCredentialPublic,
  listCredentials,
  updateCredential,
} from "@/lib/db/queries/credentials";
import { createWorkspace } from "@/lib/db/queries/workspaces";
import { DEFAULT_WORKSPACE_ID } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

const key = randomBytes(32);
const SECRET = `marker-${randomBytes(8).toString("hex")}`;
let database: TestDatabase;
const ws = DEFAULT_WORKSPACE_ID;
const other = "other-workspace";

beforeAll(async () => {
  database = await createTestDatabase();
  await createWorkspace(database.db, { id: other, name: "Other" });
});
afterAll(async () => {
  await database?.close();
});

async function failure(promise: Promise<unknown>): Promise<CredentialError> {
  try {
    await promise;
  } catch (error) {
    return error as CredentialError;
  }
  throw new Error("expected a failure");
}

async function storedRows(): Promise<Array<{ id: string; data_encrypted: string }>> {
  return queryRows(database.db, sql`select id, data_encrypted from credentials`);
}

describe("the credentials queries", () => {
  it("create encrypts: the row never holds the secret; the public view shows non-secret fields and { set: true }", async () => {
    const created = await createCredential(database.db, { workspaceId: ws, name: " API key ", type: "httpHeaderAuth", data: { name: "X-Api-Key", value: SECRET } }, { key });
    expect(created).toMatchObject({ name: "API key", type: "httpHeaderAuth", data: { name: "X-Api-Key", value: { set: true } } });
    expect(JSON.stringify(created)).not.toContain(SECRET);
    const rows = await storedRows();
    const row = rows.find((candidate) => candidate.id === created.id)!;
    expect(row.data_encrypted).toMatch(/^v1:/);
    expect(row.data_encrypted).not.toContain(SECRET);
    expect(row.data_encrypted).not.toContain(Buffer.from(SECRET).toString("base64url"));

    expect(await getCredentialPublic(database.db, ws, created.id, { key })).toEqual(created);
    expect((await getCredentialData(database.db, ws, created.id, { key }))?.data).toEqual({ name: "X-Api-Key", value: SECRET });
    const listed = await listCredentials(database.db, ws, {}, { key });
    expect(listed.map((entry) => entry.id)).toContain(created.id);
    expect(JSON.stringify(listed)).not.toContain(SECRET);
  });

  it("another workspace's id is not found, not updated and not deleted", async () => {
    const created = await createCredential(database.db, { workspaceId: ws, name: "Mine", type: "httpBearerAuth", data: { token: SECRET } }, { key });
    expect(await getCredentialPublic(database.db, other, created.id, { key })).toBeUndefined();
    expect(await getCredentialData(database.db, other, created.id, { key })).toBeUndefined();
    expect(await listCredentials(database.db, other, {}, { key })).toEqual([]);
    await expect(updateCredential(database.db, other, created.id, { name: "stolen" }, { key })).rejects.toBeInstanceOf(NotFoundError);
    expect(await deleteCredential(database.db, other, created.id)).toBe(false);
    expect((await getCredentialPublic(database.db, ws, created.id, { key }))?.name).toBe("Mine");
  });

  it("a ciphertext moved to another row does not decrypt (it is bound to workspace and id)", async () => {
    const a = await createCredential(database.db, { workspaceId: ws, name: "A", type: "httpBearerAuth", data: { token: SECRET } }, { key });
    const b = await createCredential(database.db, { workspaceId: ws, name: "B", type: "httpBearerAuth", data: { token: "other" } }, { key });
    await database.db.execute(sql`update credentials set data_encrypted = (select data_encrypted from credentials where id = ${a.id}) where id = ${b.id}`);
    const error = await failure(getCredentialData(database.db, ws, b.id, { key }));
    expect(error.code).toBe("credential_decrypt");
    // Listing still works: the broken one says so instead of failing the list.
    const listed = await listCredentials(database.db, ws, { type: "httpBearerAuth" }, { key });
    expect(listed.find((entry) => entry.id === b.id)).toMatchObject({ data: {}, error: "credential_decrypt" });
    // The wrong key fails the same way, never garbage.
    expect((await failure(getCredentialData(database.db, ws, a.id, { key: randomBytes(32) }))).code).toBe("credential_decrypt");
  });

  it("update is partial: an omitted secret (or { set: true } sent back) keeps its value; null removes; a string replaces", async () => {
    const created = await createCredential(database.db, { workspaceId: ws, name: "OpenAI", type: "openAiApi", data: { apiKey: SECRET, baseUrl: "http://127.0.0.1:9/v1" } }, { key });
    // Secret fields show whether they are set, the unset optional one (extraHeaders) too.
    expect(created.data).toEqual({ apiKey: { set: true }, baseUrl: "http://127.0.0.1:9/v1", extraHeaders: { set: false } });

    const renamed = await updateCredential(database.db, ws, created.id, { name: "OpenAI (prod)" }, { key });
    expect(renamed.name).toBe("OpenAI (prod)");
    expect((await getCredentialData(database.db, ws, created.id, { key }))?.data.apiKey).toBe(SECRET);

    await updateCredential(database.db, ws, created.id, { data: { baseUrl: "https://llm.example.com/v1" } }, { key });
    expect((await getCredentialData(database.db, ws, created.id, { key }))?.data).toEqual({ apiKey: SECRET, baseUrl: "https://llm.example.com/v1" });

    await updateCredential(database.db, ws, created.id, { data: { ...renamed.data, baseUrl: null } }, { key });
    expect((await getCredentialData(database.db, ws, created.id, { key }))?.data).toEqual({ apiKey: SECRET, baseUrl: "https://api.openai.com/v1" });

    await updateCredential(database.db, ws, created.id, { data: { apiKey: "new-key" } }, { key });
    expect((await getCredentialData(database.db, ws, created.id, { key }))?.data.apiKey).toBe("new-key");
  });

  it("validation errors name each field and never echo a value; nothing is written", async () => {
    const before = (await storedRows()).length;
    const missing = await failure(createCredential(database.db, { workspaceId: ws, name: "x", type: "httpHeaderAuth", data: { value: SECRET, extra: "1" } }, { key }));
    expect(missing).toBeInstanceOf(CredentialError);
    expect(missing.code).toBe("credential_invalid");
    expect(missing.fields.problems).toEqual(
      expect.arrayContaining([
        { path: "name", message: "is required" },
        { path: "extra", message: "is not a field of this credential type" },
      ]),
    );
    expect(missing.message).toMatch(/name is required/);
    expect(JSON.stringify(missing.toJSON())).not.toContain(SECRET);

    const badUrl = await failure(createCredential(database.db, { workspaceId: ws, name: "x", type: "openAiApi", data: { apiKey: SECRET, baseUrl: "ftp://x" } }, { key }));
    expect(badUrl.fields.problems).toEqual([{ path: "baseUrl", message: expect.stringMatching(/absolute http\(s\) URL/) }]);

    const unknownType = await failure(createCredential(database.db, { workspaceId: ws, name: "x", type: "nope", data: {} }, { key }));
    expect(unknownType.code).toBe("credential_type_unknown");
    expect(unknownType.fields.problems).toEqual([{ path: "type", message: 'unknown credential type "nope"' }]);

    const noName = await failure(createCredential(database.db, { workspaceId: ws, name: "  ", type: "httpBearerAuth", data: { token: SECRET } }, { key }));
    expect(noName.fields.problems).toEqual([{ path: "name", message: "is required" }]);

    const created = await createCredential(database.db, { workspaceId: ws, name: "Basic", type: "httpBasicAuth", data: { user: "ada", password: SECRET } }, { key });
    const badUpdate = await failure(updateCredential(database.db, ws, created.id, { data: { user: "a:b" } }, { key }));
    expect(badUpdate.fields.problems).toEqual([{ path: "user", message: "a user may not contain ':'" }]);
    expect((await getCredentialData(database.db, ws, created.id, { key }))?.data).toEqual({ user: "ada", password: SECRET });
    expect((await storedRows()).length).toBe(before + 1);
  });

  it("delete removes it", async () => {
    const created = await createCredential(database.db, { workspaceId: ws, name: "Temp", type: "httpBearerAuth", data: { token: "t" } }, { key });
    expect(await deleteCredential(database.db, ws, created.id)).toBe(true);
    expect(await deleteCredential(database.db, ws, created.id)).toBe(false);
    expect(await getCredentialPublic(database.db, ws, created.id, { key })).toBeUndefined();
  });
});
