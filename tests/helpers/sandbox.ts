import { ExpressionError, SandboxError } from "@/lib/errors";

/** Runs code that must throw an error of `type` and returns it (anything else fails the test). */
export function thrownBy<T extends Error>(type: new (...args: never[]) => T, run: () => unknown): T {
  try {
    run();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}`);
}

/** Runs code that must fail in the sandbox and returns its `SandboxError`. */
export const sandboxFailure = (run: () => unknown): SandboxError => thrownBy(SandboxError, run);

/** Runs an expression that must fail and returns its `ExpressionError`. */
export const expressionFailure = (run: () => unknown): ExpressionError => thrownBy(ExpressionError, run);
