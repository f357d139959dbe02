/** The execution routes as RouteSpecs for the OpenAPI document (lib/api/openapi.ts), from the schemas the handlers use. */
import type { RouteSpec } from "../spec";
import { runOutcomeSchema } from "../workflows/schemas";
import { executionPageSchema, executionSchema, executionSummarySchema, listExecutionsQuerySchema, retryExecutionBodySchema, retryExecutionQuerySchema } from "./schemas";

const tag = "executions";
const base = "/api/v1/executions";

export const executionSpecs: RouteSpec[] = [
  { method: "get", path: base, summary: "List executions (workflow, status, time range filters; cursor pagination)", tag, role: "viewer", query: listExecutionsQuerySchema, response: executionPageSchema },
  { method: "get", path: `${base}/{id}`, summary: "Get an execution with its node runs (status, ms, items in/out, input sources, output items, error)", tag, role: "viewer", response: executionSchema },
  { method: "delete", path: `${base}/{id}`, summary: "Delete a finished execution (409 while queued, running or waiting)", tag, role: "editor", status: 204 },
  { method: "post", path: `${base}/{id}/cancel`, summary: "Cancel (queued/waiting at once, running at its next step; finished is 409)", tag, role: "editor", response: executionSummarySchema },
  {
    method: "post",
    path: `${base}/{id}/retry`,
    summary: 'Retry a finished execution from the start with the same snapshot and input (from: "failed" is 422 for now)',
    tag,
    role: "editor",
    body: retryExecutionBodySchema,
    query: retryExecutionQuerySchema,
    response: runOutcomeSchema,
    status: 202,
  },
];
