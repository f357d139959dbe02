/**
 * The one place where errors become HTTP responses. `HTTP_STATUS_BY_CODE` maps HetumindError codes to statuses;
 * anything unmapped (or not a HetumindError) is a 500 whose body says nothing about the error — the details go to the
 * log with the request's context and a request id that the body repeats.
 *
 * Body: `{ "error": { "code", "message", "problems"?: [{ path, message, code }], "retryAfterMs"?, "requestId"? } }`.
 */
import { randomUUID } from "node:crypto";
import { HetumindError } from "../errors";
import { createLogger, type Logger } from "../log";
import type { RequestProblem } from "./errors";

export const HTTP_STATUS_BY_CODE: Readonly<Record<string, number>> = {
  // 400: the request cannot be read
  invalid_json: 400,
  workflow_parse: 400,
  bad_request: 400,
  usage: 400,
  // 401 / 403: who you are, what you may do
  unauthenticated: 401,
  invalid_credentials: 401,
  chat_auth_required: 401,
  forbidden: 403,
  origin_not_allowed: 403,
  // 404: unknown, or another workspace's (the same answer)
  not_found: 404,
  credential_not_found: 404,
  chat_not_found: 404,
  // 409: the state does not allow it
  conflict: 409,
  last_owner: 409,
  version_conflict: 409,
  webhook_conflict: 409,
  approval_decided: 409,
  execution_state: 409,
  // 410: a one-time link that no longer works
  invite_invalid: 410,
  // 413 / 415
  payload_too_large: 413,
  unsupported_media_type: 415,
  // 422: readable but wrong
  validation_failed: 422,
  workflow_invalid: 422,
  password_policy: 422,
  no_activatable_trigger: 422,
  trigger_parameters_dynamic: 422,
  trigger_not_found: 422,
  credential_invalid: 422,
  credential_type_unknown: 422,
  // 429
  rate_limited: 429,
};

/** The status for an error: from its code, 422 for a bare ZodError, else 500. */
export function statusForError(error: unknown): number {
  if (HetumindError.isInstance(error)) return HTTP_STATUS_BY_CODE[error.code] ?? 500;
  if (isZodError(error)) return 422;
  return 500;
}

function isZodError(error: unknown): error is { issues: { path: PropertyKey[]; message: string; code: string }[] } {
  return error instanceof Error && error.name === "ZodError" && Array.isArray((error as { issues?: unknown }).issues);
}

export interface ErrorContext {
  method?: string;
  path?: string;
  workspaceId?: string;
  userId?: string;
  logger?: Logger;
}

export interface ErrorBody {
  error: { code: string; message: string; problems?: RequestProblem[]; retryAfterMs?: number; requestId?: string };
}

export function errorResponse(error: unknown, context: ErrorContext = {}): Response {
  const status = statusForError(error);
  const headers = new Headers({ "cache-control": "no-store" });
  let body: ErrorBody;
  if (status === 500) {
    const requestId = randomUUID();
    const logger = context.logger ?? createLogger({ component: "http" });
    const fields = HetumindError.isInstance(error) ? error.fields : {};
    logger.error("unexpected error in a route handler", {
      requestId,
      method: context.method,
      path: context.path,
      workspaceId: context.workspaceId ?? fields.workspaceId,
      userId: context.userId,
      executionId: fields.executionId,
      node: fields.node,
      errorName: error instanceof Error ? error.name : typeof error,
      errorCode: HetumindError.isInstance(error) ? error.code : undefined,
      errorMessage: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
    body = { error: { code: "internal", message: `Internal server error (request ${requestId})`, requestId } };
  } else if (HetumindError.isInstance(error)) {
    body = { error: { code: error.code, message: error.message } };
    const problems = (error as { problems?: RequestProblem[] }).problems;
    if (Array.isArray(problems)) body.error.problems = problems.map(({ path, message, code }) => ({ path, message, code }));
    if (status === 429) {
      const retryAfterMs = Number(error.fields.retryAfterMs) || 1000;
      body.error.retryAfterMs = retryAfterMs;
      headers.set("retry-after", String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    }
    if (status === 401) headers.set("www-authenticate", 'Bearer realm="hetumind"');
  } else {
    const issues = isZodError(error) ? error.issues : [];
    const problems = issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message, code: issue.code }));
    body = { error: { code: "validation_failed", message: `The request is invalid (${problems.length} problems)`, problems } };
  }
  return Response.json(body, { status, headers });
}
