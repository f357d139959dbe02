/** How a VM run failed, as the host sees it; lib/sandbox/errors.ts turns it into a SandboxError. */
/** What a thrown value looked like, read inside the VM by trusted code. */
export interface ThrownValue {
  name?: string;
  message: string;
  stack?: string;
  /** Set by QuickJS on SyntaxErrors. */
  lineNumber?: number;
  isError: boolean;
}

export type VmFailureKind = "threw" | "timeout" | "memory" | "stack" | "crashed";

export class VmFailure extends Error {
  constructor(
    readonly kind: VmFailureKind,
    readonly thrown: ThrownValue,
    options?: { cause?: unknown },
  ) {
    super(thrown.message, options);
    this.name = "VmFailure";
  }
}
