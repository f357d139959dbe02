/** Calculator tool (n8n: `@n8n/n8n-nodes-langchain.toolCalculator`): lets an agent evaluate math expressions (mathjs). */
import { z } from "zod";
import { createCalculatorTool } from "@/lib/ai/tools/calculator-tool";
import { defineSubNode } from "@/lib/workflow/node-definition";
import { toolPorts } from "../shared/tool";

export const toolCalculator = defineSubNode({
  type: "hetumind.toolCalculator",
  version: 1,
  displayName: "Calculator",
  description: "Gives an AI Agent a calculator: arithmetic, functions, units and constants.",
  icon: "calculator",
  aliases: ["math", "calculate"],
  ...toolPorts,
  parameters: z.object({}),
  supply(context) {
    return createCalculatorTool({ node: context.node.name });
  },
});
