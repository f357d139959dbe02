/** Errors of the data layer, on the shared classes of lib/errors.ts. */
import { ExecutionStateError, HetumindError } from "../errors";

/**
 * A worker acted on an execution whose lease it no longer holds (the lease expired and another worker claimed it, or
 * the execution was released). The worker must stop working on it.
 */
export class LeaseLostError extends ExecutionStateError {
  constructor(executionId: string, workerId: string, holder: string | null, status?: string) {
    super(
      `Execution ${executionId}: worker ${workerId} no longer holds its lease` +
        (holder ? ` (held by ${holder})` : "") +
        (status ? ` (status ${status})` : ""),
      { executionId, status, workerId, holder, reason: "lease_lost" },
    );
  }
}

/** An approval was decided already (or cancelled with its execution): decisions are final. HTTP 409. */
export class ApprovalDecidedError extends HetumindError {
  constructor(approvalId: string, status: string, fields: { workspaceId: string; executionId: string }) {
    super("approval_decided", `Approval ${approvalId} is already ${status}`, { ...fields, approvalId, status });
  }
}

/**
 * An execution's row could not be written (its workflow was deleted meanwhile, the database failed). The run stops
 * before anything durable or outside it; the message carries the database's reason, not the statement.
 */
export class ExecutionNotRecordedError extends HetumindError {
  constructor(executionId: string, cause: unknown) {
    // drizzle wraps the driver's error ("Failed query: <sql> params: ..."): the reason is the driver's.
    const reason = cause instanceof Error && cause.cause instanceof Error ? cause.cause.message : cause instanceof Error ? cause.message : String(cause);
    super("execution_not_recorded", `Execution ${executionId} could not be recorded: ${reason}`, { executionId }, { cause });
  }
}
