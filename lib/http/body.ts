/**
 * Reading request bodies and queries for route handlers: JSON only, with a size limit enforced while streaming
 * (Content-Length is checked first, then the bytes actually read), parse errors with their position, and zod
 * violations listed in full.
 */
import type { z } from "zod";
import { HetumindError, NotFoundError } from "../errors";
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
export async function readJsonBody(request: Request, options: { maxBytes?: number; allowEmpty?: false }): Promise<unknown>;
/** With `allowEmpty`: no body (or only whitespace) is `undefined` instead of a 400. */
export async function readJsonBody(request: Request, options: { maxBytes?: number; allowEmpty: true }): Promise<unknown | undefined>;
export async function readJsonBody(request: Request): Promise<unknown>;
export async function readJsonBody(request: Request, options: { maxBytes?: number; allowEmpty?: boolean } = {}): Promise<unknown> {
  const contentType = request.headers.get("content-type");
  if (contentType && !isJsonContentType(contentType)) throw new UnsupportedMediaTypeError(contentType);
  const text = await readBodyText(request, options.maxBytes);
  if (text.trim() === "") {
    if (options.allowEmpty) return undefined;
    throw new InvalidJsonError("The request body is empty: send a JSON document");
  }
  let value: unknown;
  try {
    value = parseJsonText(text);
  } catch (error) {
    if (HetumindError.isInstance(error) && error.code === "workflow_parse") {
      const { line, column } = error.fields as { line?: number; column?: number };
      throw new InvalidJsonError(`Malformed JSON: ${error.message}`, { line, column }, { cause: error });
    }
    throw new InvalidJsonError(`Malformed JSON: ${(error as Error).message}`, {}, { cause: error });
  }
  // Cheap test first: only an escaped NUL or surrogate (a raw NUL can also arrive) needs the walk.
  if (UNSTORABLE_ESCAPE.test(text)) {
    const problems = unstorableStrings(value);
    if (problems.length > 0) throw new RequestValidationError(problems, "body");
  }
  return value;
}

const UNSTORABLE_ESCAPE = /\\u0000|\u0000|\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Strings PostgreSQL cannot store (text and jsonb refuse U+0000, and jsonb a lone UTF-16 surrogate), as problems with
 * their paths: refused here (422) rather than failing in the database (500). Iterative, so nesting depth is no risk.
 */
export function unstorableStrings(value: unknown): RequestProblem[] {
  const problems: RequestProblem[] = [];
  const check = (text: string, path: string) => {
    if (text.includes("\u0000")) problems.push({ path, message: "contains a NUL character (\\u0000), which cannot be stored", code: "nul_character" });
    else if (LONE_SURROGATE.test(text)) problems.push({ path, message: "contains a lone UTF-16 surrogate, which cannot be stored", code: "lone_surrogate" });
  };
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: "" }];
  while (stack.length > 0 && problems.length < 100) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === "string") check(current, path);
    else if (Array.isArray(current)) current.forEach((item, index) => stack.push({ value: item, path: path ? `${path}.${index}` : String(index) }));
    else if (current && typeof current === "object") {
      for (const [key, item] of Object.entries(current)) {
        const childPath = path ? `${path}.${key}` : key;
        check(key, childPath);
        stack.push({ value: item, path: childPath });
      }
    }
  }
  return problems;
}

/** zod issues as problems: every path and message. */
export function zodProblems(error: z.ZodError): RequestProblem[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message, code: issue.code }));
}

/** Validates a value against a schema, or RequestValidationError (422) listing every problem. */
export function validate<Schema extends z.ZodType>(schema: Schema, value: unknown, where: "body" | "query" | "params" = "body"): z.output<Schema> {
  if (where !== "body") {
    // Query strings and params are small: a NUL in one would fail in the database, so it is refused here (bodies are
    // checked as they are read, in readJsonBody).
    const unstorable = unstorableStrings(value);
    if (unstorable.length > 0) throw new RequestValidationError(unstorable, where);
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new RequestValidationError(zodProblems(result.error), where);
  return result.data;
}

/**
 * Path parameters (ids): a value that fails the schema (empty, too long) names nothing, so it is the same 404 as an
 * unknown id — `what` is the resource's name in the message ("Credential", "Member").
 */
export function parsePathParams<Schema extends z.ZodType>(schema: Schema, params: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const first = params && typeof params === "object" ? Object.values(params)[0] : undefined;
  throw new NotFoundError(what, typeof first === "string" ? first : String(first ?? ""));
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
