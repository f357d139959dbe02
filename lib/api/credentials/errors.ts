/**
 * CredentialError codes are not in lib/http's status table: the credentials routes translate them here, so a bad field
 * is a 422 naming `data.<field>` (or `name`, `type`) and an unknown id a 404. Messages never contain a value.
 */
import { CredentialError } from "@/lib/credentials";
import { NotFoundError } from "@/lib/errors";
import { RequestValidationError } from "@/lib/http/errors";

/**
 * The body schema has checked `name` and `type` already, so a `credential_invalid` problem is about a field of `data`
 * (whose own names may be `name` or `type`: httpHeaderAuth has a `name` field); an unknown type is about `type`.
 */
function problemPath(code: string, path: string): string {
  if (code === "credential_type_unknown") return "type";
  return path === "data" || path === "" ? "data" : `data.${path}`;
}

export function translateCredentialError(error: unknown): unknown {
  if (!CredentialError.isInstance(error)) return error;
  switch (error.code) {
    case "credential_invalid":
    case "credential_type_unknown":
    case "credential_type_mismatch": {
      const problems = (error.fields.problems as Array<{ path: string; message: string }> | undefined) ?? [{ path: "", message: error.message }];
      return new RequestValidationError(problems.map((problem) => ({ path: problemPath(error.code, problem.path), message: problem.message, code: error.code })));
    }
    case "credential_not_found":
      return new NotFoundError("Credential", String(error.fields.credentialId ?? ""), { workspaceId: error.fields.workspaceId });
    default:
      return error;
  }
}

/** Runs `work`, rethrowing credential errors as HTTP-mapped ones. */
export async function withCredentialErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateCredentialError(error);
  }
}
