import { z } from "zod";
import { defineNode } from "@/lib/workflow/node-definition";

export const noOp = defineNode({
  type: "hetumind.noOp",
  version: 1,
  displayName: "No Operation",
  description: "Does nothing: passes its input items on unchanged.",
  group: "flow",
  icon: "arrow-right",
  aliases: ["nothing", "pass through"],
  inputs: [{ kind: "main" }],
  outputs: [{ kind: "main" }],
  parameters: z.object({}).loose(),
  sideEffects: false,
  execute: (context) => [context.items],
});
