import type { z } from "zod";
import { readJsonBody, validate } from "@/lib/http/body";

/** A JSON body that may be left out (no body, or only whitespace, is `{}`); otherwise parsed and validated as usual. */
export async function parseOptionalJsonBody<Schema extends z.ZodType>(request: Request, schema: Schema): Promise<z.output<Schema>> {
  const text = request.body ? await request.clone().text() : "";
  if (text.trim() === "") return validate(schema, {}, "body");
  return validate(schema, await readJsonBody(request), "body");
}
