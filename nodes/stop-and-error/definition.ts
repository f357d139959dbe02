import { z } from "zod";
import { defineNode } from "@/lib/workflow/node-definition";
import { NodeExecutionError } from "@/lib/errors";

/** Fails the execution on purpose with the message (or error object) you give. */
export const stopAndError = defineNode({
  type: "hetumind.stopAndError",
  version: 1,
  displayName: "Stop and Error",
  description: "Fails the execution with your error message.",
  group: "flow",
  icon: "octagon-x",
  inputs: [{ kind: "main" }],
  outputs: [],
  parameters: z.object({
    errorType: z.enum(["errorMessage", "errorObject"]).default("errorMessage"),
    errorMessage: z.string().default("The workflow stopped with an error"),
    errorObject: z.union([z.string(), z.record(z.string(), z.json())]).optional(),
  }),
  sideEffects: false,
  execute(context) {
    const parameters = context.parameters(0);
    if (parameters.errorType === "errorObject") {
      const object = typeof parameters.errorObject === "string" ? (JSON.parse(parameters.errorObject) as Record<string, unknown>) : (parameters.errorObject ?? {});
      const message = typeof object.message === "string" ? object.message : JSON.stringify(object);
      throw new NodeExecutionError(message, { node: context.node.name, details: object }, { code: "stopped_by_workflow" });
    }
    throw new NodeExecutionError(parameters.errorMessage, { node: context.node.name }, { code: "stopped_by_workflow" });
  },
});
