/**
 * Reading request bodies and queries for route handlers: JSON only, with a size limit enforced while streaming
 * (Content-Length is checked first, then the bytes actually read), parse errors with their position, and zod
 * violations listed in full.
 */
import type { z } from "zod";
import { HetumindError } from "../errors";
import { parseJsonText } from "../workflow/parse-json";
import { InvalidJsonError, PayloadTooLargeError, type RequestProblem, RequestValidationError, UnsupportedMediaTypeError } from "./errors";

/** `HETUMIND_API_MAX_BODY_BYTES`, default 1 MiB. */
export function defaultMaxBodyBytes(): number {
  const configured = Number(process.env.HETUMIND_API_MAX_BODY_BYTES);
  return Number.isSafeInteger(configured) && configured > 0 ? configured : 1024 * 1024;
}

/** Reads the raw body as text, refusing more than `maxBytes` (PayloadTooLargeError) without buffering past it. */
export async function readBodyText(request: Request, maxBytes = defaultMaxBodyBytes()): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw new PayloadTooLargeError(maxBytes);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new PayloadTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function isJsonContentType(contentType: string): boolean {
  const mediaType = contentType.split(";")[0].trim().toLowerCase();
  return mediaType === "application/json" || mediaType.endsWith("+json");
}

/** Reads and parses a JSON body. A missing Content-Type is accepted (curl -d sends form encoding by default: refused). */
export async function readJsonBody(request: Request, options: { maxBytes?: number } = {}): Promise<unknown> {
  const contentType = request.headers.get("content-type");
  if (contentType && !isJsonContentType(contentType)) throw new UnsupportedMediaTypeError(contentType);
  const text = await readBodyText(request, options.maxBytes);
  if (text.trim() === "") throw new InvalidJsonError("The request body is empty: send a JSON document");
  try {
    return parseJsonText(text);
  } catch (error) {
    if (HetumindError.isInstance(error) && error.code === "workflow_parse") {
      const { line, column } = error.fields as { line?: number; column?: number };
      throw new InvalidJsonError(`Malformed JSON: ${error.message}`, { line, column }, { cause: error });
    }
    throw new InvalidJsonError(`Malformed JSON: ${(error as Error).message}`, {}, { cause: error });
  }
}

/** zod issues as problems: every path and message. */
export function zodProblems(error: z.ZodError): RequestProblem[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message, code: issue.code }));
}

/** Validates a value against a schema, or RequestValidationError (422) listing every problem. */
export function validate<Schema extends z.ZodType>(schema: Schema, value: unknown, where: "body" | "query" | "params" = "body"): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) throw new RequestValidationError(zodProblems(result.error), where);
  return result.data;
}

/** readJsonBody + validate. */
export async function parseJsonBody<Schema extends z.ZodType>(request: Request, schema: Schema, options: { maxBytes?: number } = {}): Promise<z.output<Schema>> {
  return validate(schema, await readJsonBody(request, options), "body");
}

/** The query string as an object (a repeated key becomes an array), validated. */
export function parseQuery<Schema extends z.ZodType>(request: Request, schema: Schema): z.output<Schema> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URL(request.url).searchParams) {
    const existing = query[key];
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return validate(schema, query, "query");
}
