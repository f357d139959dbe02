/**
 * PLUG-IN POINT for the workflows and executions RouteSpecs in the OpenAPI document (lib/api/openapi.ts).
 *
 * When lib/api/workflows/specs.ts and lib/api/executions/specs.ts exist, replace the body below with:
 *
 *   import { workflowSpecs } from "./workflows/specs";
 *   import { executionSpecs } from "./executions/specs";
 *   export function workflowApiSpecs(): RouteSpec[] { return [...workflowSpecs, ...executionSpecs]; }
 *
 * (use whatever names those files export). tests/integration/api-openapi-and-metrics.int.test.ts then checks that
 * their paths are listed too.
 */
import type { RouteSpec } from "./spec";

export function workflowApiSpecs(): RouteSpec[] {
  return [];
}
