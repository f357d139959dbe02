/**
 * Code tool (n8n: `@n8n/n8n-nodes-langchain.toolCode`): JavaScript the agent can call, run in the sandbox. The code sees
 * `query` (the model's input string, or its arguments object when an input schema is specified) and `args`.
 */
import { z } from "zod";
import { createCodeTool } from "@/lib/ai/tools/code-tool";
import { defineSubNode } from "@/lib/workflow/node-definition";
import { declaredToolInputSchema, inputSchemaHints, inputSchemaParameters, refineInputSchema, toolNameFor, toolPorts } from "../shared/tool";

const parameters = z
  .object({
    /** The tool's name for the model; default the node's name. */
    name: z.string().trim().optional(),
    description: z.string().trim().min(1, "describe what the tool does, for the model"),
    language: z.literal("javaScript", { error: 'only JavaScript is supported (language must be "javaScript")' }).optional(),
    jsCode: z.string().min(1, "the tool needs code"),
    ...inputSchemaParameters,
    timeoutMs: z.number().int().min(1).max(60_000).default(5_000),
    memoryLimitMb: z.number().int().min(1).max(256).default(64),
  })
  .superRefine(refineInputSchema);

export const toolCode = defineSubNode({
  type: "hetumind.toolCode",
  version: 1,
  displayName: "Code Tool",
  description: "Gives an AI Agent a tool written in JavaScript, run in a sandbox with no access to the host.",
  icon: "code",
  aliases: ["javascript tool", "function tool"],
  ...toolPorts,
  parameters,
  rawParameterKeys: ["jsCode"],
  parameterHints: {
    name: { label: "Tool name", description: "What the model calls the tool; default the node's name" },
    description: { label: "Description", description: "Tells the model when and how to use the tool" },
    jsCode: { label: "JavaScript", editor: "code", description: "Function body: `query` (or `args`) in, `return` the result" },
    ...inputSchemaHints,
    timeoutMs: { label: "Timeout (ms)" },
    memoryLimitMb: { label: "Memory limit (MB)" },
  },
  supply(context) {
    const { parameters: p, node } = context;
    const name = toolNameFor(node, p.name);
    const inputSchema = declaredToolInputSchema(p, name, node.name);
    return createCodeTool({
      name,
      description: p.description,
      code: p.jsCode,
      ...(inputSchema ? { inputSchema } : {}),
      timeoutMs: Math.max(1, Math.min(p.timeoutMs, context.timeRemaining())),
      memoryLimitMb: p.memoryLimitMb,
      node: node.name,
    });
  },
});
