/** What the tool sub-nodes share: their ports, and the tool name the model sees. */
import { z } from "zod";
import { assertToolName, toToolName, ToolConfigError } from "@/lib/ai/tools/errors";
import { declaredInputSchema, inputSchemaFromExample } from "@/lib/ai/tools/input-schema";
import type { JsonObject } from "@/lib/workflow/items";
import type { ParameterHint, SubNodeDefinition } from "@/lib/workflow/node-definition";

export const toolPorts: Pick<SubNodeDefinition, "inputs" | "outputs" | "group" | "sideEffects"> = {
  inputs: [],
  outputs: [{ kind: "ai_tool", name: "Tool" }],
  group: "ai",
  // The agent calls the tool and owns the checkpoints around each call.
  sideEffects: false,
};

/** The tool's name: the `name` parameter when given, else the node's name made model-safe ("Get weather" -> "Get_weather"). */
export function toolNameFor(node: { name: string }, name: string | undefined): string {
  return name ? assertToolName(name, { node: node.name, parameter: "name" }) : toToolName(node.name);
}

/** A tool-building error as a validation message: the problem names the node, so the `Tool "x": ` prefix goes. */
export function configProblemMessage(error: Error): string {
  return error.message.replace(/^Tool "[^"]*": /, "");
}

/** The input schema parameters of the Code and Workflow tools (n8n's names): a JSON example, or a JSON schema. */
export const inputSchemaParameters = {
  specifyInputSchema: z.boolean().default(false),
  /** n8n's default: generate the schema from `jsonSchemaExample`. */
  schemaType: z.enum(["fromJson", "manual"]).default("fromJson"),
  /** An example arguments object (JSON text). */
  jsonSchemaExample: z.string().optional(),
  /** A JSON schema of the arguments object (JSON text). */
  inputSchema: z.string().optional(),
};

export const inputSchemaHints: Record<string, ParameterHint> = {
  specifyInputSchema: { label: "Specify input schema", description: "Off: the tool takes one `query` string" },
  schemaType: { label: "Schema type", displayWhen: { specifyInputSchema: [true] } },
  jsonSchemaExample: { label: "JSON example", editor: "json", displayWhen: { specifyInputSchema: [true], schemaType: ["fromJson"] } },
  inputSchema: { label: "Input schema", editor: "json", displayWhen: { specifyInputSchema: [true], schemaType: ["manual"] } },
};

type InputSchemaParameters = { specifyInputSchema: boolean; schemaType: "fromJson" | "manual"; jsonSchemaExample?: string; inputSchema?: string };

/** The declared input schema, or undefined for the default (`query`). Throws `ToolConfigError` naming the parameter. */
export function declaredToolInputSchema(parameters: InputSchemaParameters, tool: string, node?: string): JsonObject | undefined {
  if (!parameters.specifyInputSchema) return undefined;
  if (parameters.schemaType === "fromJson") {
    if (!parameters.jsonSchemaExample?.trim()) throw new ToolConfigError("give a JSON example of the arguments, or turn specifyInputSchema off", { tool, node, parameter: "jsonSchemaExample" });
    return inputSchemaFromExample(parameters.jsonSchemaExample, tool, node);
  }
  if (!parameters.inputSchema?.trim()) throw new ToolConfigError("give the input schema (JSON), or turn specifyInputSchema off", { tool, node, parameter: "inputSchema" });
  return declaredInputSchema(parameters.inputSchema, tool, node);
}

/** The same check as a zod refinement, for save-time validation (skipped while a field holds an expression). */
export function refineInputSchema(parameters: InputSchemaParameters, context: z.RefinementCtx): void {
  if (`${parameters.jsonSchemaExample ?? ""}${parameters.inputSchema ?? ""}`.includes("{{")) return;
  try {
    declaredToolInputSchema(parameters, "tool");
  } catch (error) {
    if (!(error instanceof ToolConfigError)) throw error;
    const parameter = typeof error.fields.parameter === "string" ? error.fields.parameter : "inputSchema";
    context.addIssue({ code: "custom", path: [parameter], message: configProblemMessage(error) });
  }
}
