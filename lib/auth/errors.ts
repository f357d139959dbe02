/**
 * Errors of accounts and access. Each has a stable `code`; lib/http/error-response.ts turns codes into HTTP statuses
 * (one table), so nothing here knows about HTTP.
 */
import { type ErrorFields, HetumindError } from "../errors";

/** No valid session or API key. HTTP 401. */
export class UnauthenticatedError extends HetumindError {
  constructor(message = "Authentication required: sign in or send `Authorization: Bearer hm_...`") {
    super("unauthenticated", message);
  }
}

/** Wrong email or password (deliberately the same message for both). HTTP 401. */
export class InvalidCredentialsError extends HetumindError {
  constructor() {
    super("invalid_credentials", "Invalid email or password");
  }
}

/** Authenticated, but the role in this workspace does not allow it. HTTP 403. */
export class ForbiddenError extends HetumindError {
  constructor(message: string, fields: ErrorFields & { required?: string; role?: string } = {}) {
    super("forbidden", message, fields);
  }
}

/** Too many attempts; `retryAfterMs` says when to try again. HTTP 429 with Retry-After. */
export class RateLimitedError extends HetumindError {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, fields: ErrorFields = {}) {
    super("rate_limited", message, { ...fields, retryAfterMs });
    this.retryAfterMs = retryAfterMs;
  }
}

/** A unique thing exists already (an email, a membership). HTTP 409. */
export class ConflictError extends HetumindError {
  constructor(message: string, fields: ErrorFields = {}) {
    super("conflict", message, fields);
  }
}

/** A password that does not meet the policy. HTTP 422. */
export class PasswordPolicyError extends HetumindError {
  constructor(message: string) {
    super("password_policy", message, { parameter: "password" });
  }
}

/** An invite token that is unknown, used already or expired. HTTP 410 (gone): a link that no longer works. */
export class InviteInvalidError extends HetumindError {
  constructor(reason: "unknown" | "accepted" | "expired" | "email_mismatch", message: string) {
    super("invite_invalid", message, { reason });
  }
}

/** An action that would leave a workspace without an owner. HTTP 409. */
export class LastOwnerError extends HetumindError {
  constructor(workspaceId: string) {
    super("last_owner", `Workspace ${workspaceId} must keep at least one owner`, { workspaceId });
  }
}
