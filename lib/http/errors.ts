/** Errors of reading a request. Their codes map to statuses in error-response.ts. */
import { type ErrorFields, HetumindError } from "../errors";

export interface RequestProblem {
  /** Dotted path into the body or query (`nodes.2.name`); "" for the whole value. */
  path: string;
  message: string;
  code: string;
}

/** The body is not JSON. HTTP 400 with the parser's message and position. */
export class InvalidJsonError extends HetumindError {
  constructor(message: string, fields: ErrorFields & { line?: number; column?: number } = {}, options?: { cause?: unknown }) {
    super("invalid_json", message, fields, options);
  }
}

/** The body is larger than the route accepts. HTTP 413. */
export class PayloadTooLargeError extends HetumindError {
  constructor(maxBytes: number) {
    super("payload_too_large", `The request body is larger than ${maxBytes} bytes`, { maxBytes });
  }
}

/** The body is not `application/json`. HTTP 415. */
export class UnsupportedMediaTypeError extends HetumindError {
  constructor(contentType: string) {
    super("unsupported_media_type", `Send the body as application/json (got ${contentType})`, { contentType });
  }
}

/** The body or query violates the route's schema: every problem is listed. HTTP 422. */
export class RequestValidationError extends HetumindError {
  readonly problems: RequestProblem[];
  constructor(problems: RequestProblem[], where: "body" | "query" | "params" = "body") {
    super(
      "validation_failed",
      `The request ${where} is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}): ` +
        problems.map((problem) => `${problem.path || "(root)"}: ${problem.message}`).join("; "),
      { where },
    );
    this.problems = problems;
  }
}
