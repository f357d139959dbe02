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
