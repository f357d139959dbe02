/**
 * What a server action shows inline when it fails: the HTTP status the same error would get from the API (409 webhook
 * clash, 422 invalid workflow, ...), its code and message, and the validation problems. An unexpected error shows no
 * detail (it is logged).
 */
import { HetumindError, formatProblem, type ValidationProblem } from "@/lib/errors";
import { statusForError } from "@/lib/http/error-response";
import { createLogger } from "@/lib/log";

export interface ActionError {
  status: number;
  code: string;
  message: string;
  problems?: string[];
}

/** `details`: lines shown under a success message (an n8n import's report). */
export type ActionState = { ok: true; message?: string; details?: string[] } | { ok: false; error: ActionError } | undefined;

export function actionError(error: unknown): ActionError {
  const status = statusForError(error);
  if (HetumindError.isInstance(error) && status < 500) {
    const problems = (error as HetumindError & { problems?: ValidationProblem[] }).problems;
    return {
      status,
      code: error.code,
      message: problems && error.code === "workflow_invalid" ? `The workflow is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"})` : error.message,
      problems: problems?.map(formatProblem),
    };
  }
  createLogger({ component: "ui" }).error("server action failed", { error: error instanceof Error ? error.message : String(error) });
  return { status: 500, code: "internal", message: "Something went wrong; see the server log" };
}
