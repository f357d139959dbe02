import { z } from "zod";
import { defineNode } from "@/lib/workflow/node-definition";

/** Runs another workflow with this node's items as its input and outputs what that workflow's last node produced. */
export const executeWorkflow = defineNode({
  type: "hetumind.executeWorkflow",
  version: 1,
  displayName: "Execute Workflow",
  description: "Runs another workflow and returns its output.",
  group: "flow",
  icon: "workflow",
  aliases: ["sub-workflow", "call workflow"],
  inputs: [{ kind: "main" }],
  outputs: [{ kind: "main" }],
  parameters: z
    .object({
      source: z.enum(["database", "localFile"]).default("database"),
      workflowId: z.string().optional(),
      workflowPath: z.string().optional(),
    })
    .superRefine((value, context) => {
      if (value.source === "database" && !value.workflowId) {
        context.addIssue({ code: "custom", path: ["workflowId"], message: "name the workflow to run by its id" });
      }
      if (value.source === "localFile" && !value.workflowPath) {
        context.addIssue({ code: "custom", path: ["workflowPath"], message: "give the path of the workflow file to run" });
      }
    }),
  parameterHints: {
    workflowId: { displayWhen: { source: ["database"] } },
    workflowPath: { description: "Only from the CLI", displayWhen: { source: ["localFile"] } },
  },
  sideEffects: true,
  async execute(context) {
    const parameters = context.parameters(0);
    const reference =
      parameters.source === "database"
        ? { source: "id" as const, value: parameters.workflowId ?? "" }
        : { source: "file" as const, value: parameters.workflowPath ?? "" };
    return [await context.runWorkflow(reference, context.items)];
  },
});
