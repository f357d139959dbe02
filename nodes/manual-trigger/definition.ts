import { z } from "zod";
import { defineNode } from "@/lib/workflow/node-definition";

/** Starts an execution by hand (editor button, CLI `run`, API). Emits the execution's input items, or one empty item. */
export const manualTrigger = defineNode({
  type: "hetumind.manualTrigger",
  version: 1,
  displayName: "Manual Trigger",
  description: "Starts the workflow when you run it by hand, with the input you give.",
  group: "trigger",
  icon: "mouse-pointer-click",
  trigger: true,
  inputs: [],
  outputs: [{ kind: "main" }],
  parameters: z.object({}).loose(),
  sideEffects: false,
  execute: (context) => [context.items.length > 0 ? context.items : [{ json: {} }]],
});
