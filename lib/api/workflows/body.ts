import type { z } from "zod";
import { readJsonBody, validate } from "@/lib/http/body";

/**
 * A JSON body that may be left out (no body, or only whitespace, is `{}`); otherwise parsed and validated as usual,
 * with the same Content-Type check and size limit (read once, never buffered past the limit).
 */
export async function parseOptionalJsonBody<Schema extends z.ZodType>(request: Request, schema: Schema): Promise<z.output<Schema>> {
  const value = await readJsonBody(request, { allowEmpty: true });
  return validate(schema, value === undefined ? {} : value, "body");
}
