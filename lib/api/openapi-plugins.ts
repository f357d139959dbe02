/**
 * The workflows and executions RouteSpecs (lib/api/workflows/specs.ts, lib/api/executions/specs.ts, written with those
 * routes) as they enter the OpenAPI document (lib/api/openapi.ts). A new resource adds its specs in openapi.ts.
 */
import { executionSpecs } from "./executions/specs";
import type { RouteSpec } from "./spec";
import { workflowSpecs } from "./workflows/specs";

export function workflowApiSpecs(): RouteSpec[] {
  return [...workflowSpecs, ...executionSpecs];
}
