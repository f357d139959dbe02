/**
 * The credentials API handlers. `credentialRoutes()` builds them (tests pass `database`); the app/ route files export
 * them. Every response is a redacted `CredentialPublic` (or no body): a secret never leaves, and nothing here logs data.
 */
import { z } from "zod";
import { credentialTypeDefinitions, testCredentialData } from "@/lib/credentials";
import type { Database } from "@/lib/db/client";
import { createCredential, deleteCredential, getCredentialData, getCredentialPublic, listCredentials, updateCredential } from "@/lib/db/queries/credentials";
import { NotFoundError } from "@/lib/errors";
import { parseJsonBody, parsePathParams, parseQuery } from "@/lib/http/body";
import { route } from "@/lib/http/route";
import type { Logger } from "@/lib/log";
import { withCredentialErrors } from "./errors";
import { createCredentialSchema, credentialListQuerySchema, idParamsSchema, updateCredentialSchema } from "./schemas";

export interface ApiRouteOptions {
  /** Where the database comes from (tests); default the process-wide one. */
  database?: () => Promise<Database>;
  logger?: Logger;
  /** The encryption key (tests); default lib/secrets' `getEncryptionKey()`. */
  key?: Buffer;
}

type IdParams = { id: string };

/** Timeout of `POST /credentials/{id}/test`. */
const TEST_TIMEOUT_MS = 15_000;

export function credentialRoutes(options: ApiRouteOptions = {}) {
  const base = { database: options.database, logger: options.logger };
  const keyOption = options.key ? { key: options.key } : {};

  const list = route({ ...base, auth: "viewer" }, async ({ request, db, principal }) => {
    const query = parseQuery(request, credentialListQuerySchema);
    return { data: await listCredentials(db, principal.workspaceId, { type: query.type }, keyOption) };
  });

  const create = route({ ...base, auth: "editor" }, async ({ request, db, principal, logger }) => {
    const body = await parseJsonBody(request, createCredentialSchema, { maxBytes: 64 * 1024 });
    const credential = await withCredentialErrors(() =>
      createCredential(db, { workspaceId: principal.workspaceId, name: body.name, type: body.type, data: body.data }, keyOption),
    );
    logger.info("credential created", { credentialId: credential.id, type: credential.type, userId: principal.userId });
    return Response.json(credential, { status: 201, headers: { location: `/api/v1/credentials/${credential.id}` } });
  });

  const get = route<IdParams, "viewer">({ ...base, auth: "viewer" }, async ({ params, db, principal }) => {
    const { id } = parsePathParams(idParamsSchema, params, "Credential");
    const credential = await getCredentialPublic(db, principal.workspaceId, id, keyOption);
    if (!credential) throw new NotFoundError("Credential", id);
    return credential;
  });

  const update = route<IdParams, "editor">({ ...base, auth: "editor" }, async ({ request, params, db, principal, logger }) => {
    const { id } = parsePathParams(idParamsSchema, params, "Credential");
    const body = await parseJsonBody(request, updateCredentialSchema, { maxBytes: 64 * 1024 });
    const credential = await withCredentialErrors(() => updateCredential(db, principal.workspaceId, id, body, keyOption));
    logger.info("credential updated", { credentialId: id, fields: Object.keys(body.data ?? {}), userId: principal.userId });
    return credential;
  });

  const remove = route<IdParams, "editor">({ ...base, auth: "editor" }, async ({ params, db, principal, logger }) => {
    const { id } = parsePathParams(idParamsSchema, params, "Credential");
    if (!(await deleteCredential(db, principal.workspaceId, id))) throw new NotFoundError("Credential", id);
    logger.info("credential deleted", { credentialId: id, userId: principal.userId });
    return new Response(null, { status: 204 });
  });

  const test = route<IdParams, "editor">({ ...base, auth: "editor" }, async ({ request, params, db, principal }) => {
    const { id } = parsePathParams(idParamsSchema, params, "Credential");
    const stored = await withCredentialErrors(() => getCredentialData(db, principal.workspaceId, id, keyOption));
    if (!stored) throw new NotFoundError("Credential", id);
    const definition = credentialTypeDefinitions.find((entry) => entry.type === stored.type);
    if (!definition?.test) {
      return { ok: false, tested: false, message: `${definition?.displayName ?? stored.type} credentials have no test` };
    }
    const result = await withCredentialErrors(() => testCredentialData(stored.type, stored.data, { signal: request.signal, timeoutMs: TEST_TIMEOUT_MS }));
    return { ok: result.ok, tested: true, message: result.message };
  });

  return { list, create, get, update, remove, test };
}

/** The declarations as the UI renders forms from them: fields as JSON Schema (input side: defaults are optional). */
export function describeCredentialTypes() {
  return credentialTypeDefinitions.map((definition) => {
    const { $schema: _schema, ...fields } = z.toJSONSchema(definition.fields, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    return {
      type: definition.type,
      displayName: definition.displayName,
      ...(definition.description ? { description: definition.description } : {}),
      fields,
      secretFields: [...definition.secretFields],
      fieldHints: { ...(definition.fieldHints ?? {}) },
      testable: typeof definition.test === "function",
    };
  });
}

export function credentialTypeRoutes(options: ApiRouteOptions = {}) {
  const list = route({ database: options.database, logger: options.logger, auth: "viewer" }, () => ({ data: describeCredentialTypes() }));
  return { list };
}
