/**
 * The Workflow tool: runs another workflow with the model's arguments and returns its output. The run itself is given
 * as a function (the sub-node builds it from the consumer's `runWorkflow`), so this module knows nothing of the engine.
 */
import type { AgentTool, AgentToolCallContext } from "@/lib/ai/agent-tool";
import { assertArguments } from "@/lib/ai/json-schema";
import { isJsonObject, type JsonObject, type JsonValue } from "@/lib/workflow/items";
import { assertToolName, ToolExecutionError } from "./errors";
import { declaredInputSchema, queryInputSchema } from "./input-schema";

export type RunWorkflowForTool = (args: JsonObject, context: AgentToolCallContext) => Promise<JsonValue>;

export interface WorkflowToolOptions {
  name: string;
  description: string;
  /** A JSON schema for the arguments (object or JSON text); default one `query` string. */
  inputSchema?: JsonObject | string;
  runWorkflow: RunWorkflowForTool;
  node?: string;
}

export function createWorkflowTool(options: WorkflowToolOptions): AgentTool {
  const tool = assertToolName(options.name, { node: options.node });
  const inputSchema = options.inputSchema !== undefined ? declaredInputSchema(options.inputSchema, tool, options.node) : queryInputSchema();
  return {
    name: tool,
    description: options.description,
    inputSchema,
    async call(rawArgs: JsonValue, context: AgentToolCallContext): Promise<JsonValue> {
      context.signal.throwIfAborted();
      const args = assertArguments(inputSchema, rawArgs ?? {}, tool);
      return options.runWorkflow(isJsonObject(args) ? args : {}, context);
    },
  };
}

/**
 * The usual shape of a sub-workflow's answer for a model: no items -> null, one item -> its json, several -> the list
 * of their json. With `property` (n8n's `responsePropertyName`), that field of each item instead; an item without it is
 * an error the model sees.
 */
export function itemsAsToolResult(items: ReadonlyArray<{ json: JsonObject }>, property?: string, tool = "workflow"): JsonValue {
  const values = items.map((item) => {
    if (!property) return item.json;
    if (!Object.hasOwn(item.json, property)) {
      throw new ToolExecutionError(`The workflow of tool "${tool}" returned no "${property}" field (it returned ${Object.keys(item.json).map((key) => `"${key}"`).join(", ") || "an empty item"})`, { tool }, { code: "tool_no_result" });
    }
    return item.json[property]!;
  });
  if (values.length === 0) return null;
  return values.length === 1 ? values[0]! : values;
}
