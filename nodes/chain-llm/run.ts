import type { ModelMessage } from "ai";
import { callModel, type ModelUsage } from "@/lib/ai/model-call";
import { OutputParseError, repairMessages, tryParse, withFormatInstructions } from "@/lib/ai/structured-answer";
import { NodeExecutionError } from "@/lib/errors";
import type { Item, JsonObject, JsonValue, NodeOutput } from "@/lib/workflow/items";
import type { ExecuteContext } from "@/lib/workflow/node-definition";
import { summarizeUsage } from "@/lib/workflow/usage";
import type { ChainLlmParameters } from "./definition";

/** Usage of the calls one item took, for the output (docs/ai.md "Usage"; the node run records them too: ExecuteContext.recordUsage). */
export function usageSummary(calls: ModelUsage[]): JsonObject {
  return summarizeUsage(calls) as unknown as JsonObject;
}

export function promptOf(node: string, parameters: { prompt?: string }, item: Item | undefined, itemIndex: number): string {
  if (parameters.prompt !== undefined && parameters.prompt.trim() !== "") return parameters.prompt;
  const chatInput = item?.json.chatInput;
  if (typeof chatInput === "string" && chatInput.trim() !== "") return chatInput;
  throw new NodeExecutionError(`Node "${node}" (item ${itemIndex}): no prompt — set the Prompt parameter or send the item's chatInput`, { node, parameter: "prompt" }, { code: "prompt_missing" });
}

export async function executeChainLlm(context: ExecuteContext<ChainLlmParameters>): Promise<NodeOutput> {
  const supplied = context.supplied;
  if (!supplied) throw new NodeExecutionError(`Node "${context.node.name}": sub-nodes are not available here`, { node: context.node.name });
  const output: Item[] = [];
  for (let itemIndex = 0; itemIndex < context.items.length; itemIndex++) {
    const parameters = context.parameters(itemIndex);
    const prompt = promptOf(context.node.name, parameters, context.items[itemIndex], itemIndex);
    const [model] = await supplied("ai_languageModel", itemIndex);
    if (!model) throw new NodeExecutionError(`Node "${context.node.name}" needs a Chat Model connected`, { node: context.node.name }, { code: "missing_sub_connection" });
    const [parser] = await supplied("ai_outputParser", itemIndex);
    const system = parser ? withFormatInstructions(parameters.systemMessage, parser) : parameters.systemMessage;
    const messages: ModelMessage[] = [{ role: "user", content: prompt }];
    const calls: ModelUsage[] = [];
    const first = await callModel(model, { system, messages, signal: context.signal });
    calls.push(first.usage);
    context.recordUsage?.(first.usage);
    let json: JsonObject;
    if (!parser) {
      json = { text: first.text };
    } else {
      let parsed = await tryParse(parser, first.text);
      if (!parsed.ok) {
        const repaired = await callModel(model, { system, messages: [...messages, ...repairMessages(first.text, parsed.error)], signal: context.signal });
        calls.push(repaired.usage);
        context.recordUsage?.(repaired.usage);
        parsed = await tryParse(parser, repaired.text);
        if (!parsed.ok) {
          throw new OutputParseError(`Node "${context.node.name}" (item ${itemIndex}): the model's answer does not match the output format after one repair round: ${parsed.error}`, {
            node: context.node.name,
            answer: repaired.text.slice(0, 500),
          });
        }
      }
      json = { output: parsed.value as JsonValue };
    }
    output.push({ json: { ...json, usage: usageSummary(calls) }, pairedItem: { item: itemIndex } });
  }
  return [output];
}
