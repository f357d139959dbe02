import { z } from "zod";
import { defineNode } from "@/lib/workflow/node-definition";

/**
 * Starts an error workflow: a workflow whose id another workflow names in `settings.errorWorkflow` runs from here when an
 * execution of that workflow fails (lib/triggers/error-workflow.ts). Emits one item
 * `{ execution: { id, error, lastNodeExecuted, mode }, workflow: { id, name } }`.
 */
export const errorTrigger = defineNode({
  type: "hetumind.errorTrigger",
  version: 1,
  displayName: "Error Trigger",
  description: "Starts the workflow when another workflow that names it as its error workflow fails.",
  group: "trigger",
  icon: "bug",
  trigger: true,
  inputs: [],
  outputs: [{ kind: "main" }],
  parameters: z.object({}).loose(),
  sideEffects: false,
  execute: (context) => [
    context.items.length > 0
      ? context.items
      : [{ json: { execution: { id: "", error: { message: "An example error", code: "example" }, lastNodeExecuted: null, mode: "manual" }, workflow: { id: context.workflow.id ?? "", name: context.workflow.name } } }],
  ],
});
