import type { z } from "zod";

/**
 * What a `/api/v1` route declares about itself for the OpenAPI document. Each resource module exports its specs built
 * from the same zod schemas its handlers parse with, so the document cannot drift from the routes.
 */
export interface RouteSpec {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI path with `{param}` placeholders, e.g. `/api/v1/workflows/{id}`. */
  path: string;
  summary: string;
  tag: string;
  /** The least role: "viewer" for reads, "editor" for changes, "owner" for members and keys. */
  role: "viewer" | "editor" | "owner";
  body?: z.ZodType;
  query?: z.ZodType;
  /** The 2xx response body. */
  response?: z.ZodType;
  /** Success status (default 200). */
  status?: number;
}
