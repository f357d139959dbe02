/**
 * Workflow tool (n8n: `@n8n/n8n-nodes-langchain.toolWorkflow`): the agent runs another workflow with its arguments as the
 * one input item, and gets that workflow's output back (one item: its json; several: the list). Each call is its own
 * child execution, named by the tool call's idempotency key, so a replayed call reuses it instead of running twice.
 */
import { z } from "zod";
import { createWorkflowTool, itemsAsToolResult } from "@/lib/ai/tools/workflow-tool";
import { NodeExecutionError } from "@/lib/errors";
import { defineSubNode } from "@/lib/workflow/node-definition";
import { declaredToolInputSchema, inputSchemaHints, inputSchemaParameters, refineInputSchema, toolNameFor, toolPorts } from "../shared/tool";

const parameters = z
  .object({
    name: z.string().trim().optional(),
    description: z.string().trim().min(1, "describe what the workflow does, for the model"),
    source: z.enum(["database", "localFile"]).default("database"),
    workflowId: z.string().optional(),
    workflowPath: z.string().optional(),
    /** Return this field of the workflow's output item(s) instead of the whole json (n8n's name). */
    responsePropertyName: z.string().trim().optional(),
    ...inputSchemaParameters,
  })
  .superRefine((value, context) => {
    if (value.source === "database" && !value.workflowId) {
      context.addIssue({ code: "custom", path: ["workflowId"], message: "name the workflow to run by its id" });
    }
    if (value.source === "localFile" && !value.workflowPath) {
      context.addIssue({ code: "custom", path: ["workflowPath"], message: "give the path of the workflow file to run" });
    }
    refineInputSchema(value, context);
  });

export const toolWorkflow = defineSubNode({
  type: "hetumind.toolWorkflow",
  version: 1,
  displayName: "Workflow Tool",
  description: "Gives an AI Agent another workflow as a tool: the model's arguments go in, the workflow's output comes back.",
  icon: "workflow",
  aliases: ["sub-workflow tool", "call workflow tool"],
  ...toolPorts,
  parameters,
  parameterHints: {
    name: { label: "Tool name", description: "What the model calls the tool; default the node's name" },
    description: { label: "Description", description: "Tells the model when and how to use the tool" },
    workflowId: { label: "Workflow id", displayWhen: { source: ["database"] } },
    workflowPath: { label: "Workflow file", description: "Only from the CLI", displayWhen: { source: ["localFile"] } },
    responsePropertyName: { label: "Response field", description: "Return only this field of the workflow's output; empty: the whole item" },
    ...inputSchemaHints,
  },
  supply(context) {
    const { parameters: p, node } = context;
    const runWorkflow = context.runWorkflow?.bind(context);
    if (!runWorkflow) {
      throw new NodeExecutionError(`Node "${node.name}": running workflows is not available here`, { node: node.name }, { code: "subworkflow_unavailable" });
    }
    const reference = p.source === "database" ? { source: "id" as const, value: p.workflowId ?? "" } : { source: "file" as const, value: p.workflowPath ?? "" };
    const name = toolNameFor(node, p.name);
    const inputSchema = declaredToolInputSchema(p, name, node.name);
    return createWorkflowTool({
      name,
      description: p.description,
      ...(inputSchema ? { inputSchema } : {}),
      node: node.name,
      runWorkflow: async (args, call) => itemsAsToolResult(await runWorkflow(reference, [{ json: args }], call.idempotencyKey), p.responsePropertyName || undefined, name),
    });
  },
});
