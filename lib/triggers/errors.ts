import { type ErrorFields, HetumindError } from "@/lib/errors";

/** Another active workflow already listens on this method and path (HTTP 409). */
export class WebhookConflictError extends HetumindError {
  constructor(message: string, fields: ErrorFields & { method: string; path: string }) {
    super("webhook_conflict", message, fields);
  }
}

/** The workflow cannot be activated as it is (HTTP 422): no trigger to activate, or a trigger parameter holds an expression. */
export class ActivationError extends HetumindError {
  constructor(code: "no_activatable_trigger" | "trigger_parameters_dynamic", message: string, fields: ErrorFields = {}) {
    super(code, message, fields);
  }
}
