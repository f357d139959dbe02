import { SandboxError } from "@/lib/errors";

/** Runs code that must fail in the sandbox and returns its `SandboxError` (anything else fails the test). */
export function sandboxFailure(run: () => unknown): SandboxError {
  try {
    run();
  } catch (error) {
    if (error instanceof SandboxError) return error;
    throw error;
  }
  throw new Error("expected the code to fail");
}
