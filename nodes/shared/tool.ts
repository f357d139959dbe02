/** What the tool sub-nodes share: their ports, and the tool name the model sees. */
import type { SubNodeDefinition } from "@/lib/workflow/node-definition";
import { assertToolName, toToolName } from "@/lib/ai/tools/errors";

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
