import type { ModelMessage } from "ai";
import type { AgentTool } from "@/lib/ai/agent-tool";
import { chatStreamOf } from "@/lib/ai/chat-stream";
import { NodeExecutionError } from "@/lib/errors";
import type { Item, JsonObject, JsonValue, NodeOutput } from "@/lib/workflow/items";
import type { ExecuteContext } from "@/lib/workflow/node-definition";
import { promptOf, usageSummary } from "@/nodes/chain-llm/run";
import type { AgentParameters } from "./definition";
import { runAgent } from "./run-agent";

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The tools of every connected tool sub-node, names checked (unique, as the model sees them). */
function toolList(node: string, supplied: Array<AgentTool | AgentTool[]>): AgentTool[] {
  const tools = supplied.flat();
  const seen = new Set<string>();
  for (const tool of tools) {
    if (!TOOL_NAME.test(tool.name)) {
      throw new NodeExecutionError(`Node "${node}": the tool name "${tool.name}" is not valid (letters, digits, _ and -, at most 64)`, { node, tool: tool.name }, { code: "tool_name_invalid" });
    }
    if (seen.has(tool.name)) {
      throw new NodeExecutionError(`Node "${node}": two connected tools are named "${tool.name}"; rename one`, { node, tool: tool.name }, { code: "tool_name_duplicate" });
    }
    seen.add(tool.name);
  }
  return tools;
}

export async function executeAgent(context: ExecuteContext<AgentParameters>): Promise<NodeOutput> {
  const node = context.node.name;
  const { supplied, checkpointer } = context;
  if (!supplied) throw new NodeExecutionError(`Node "${node}": sub-nodes are not available here (context.supplied)`, { node });
  // Without the execution's checkpointer the agent could not resume after a crash: refuse rather than run undurably.
  if (!checkpointer) throw new NodeExecutionError(`Node "${node}": no checkpointer for the agent's steps (SegmentEnvironment.checkpointer is not set)`, { node }, { code: "agent_not_durable" });
  const runIndex = context.runIndex ?? 0;
  const output: Item[] = [];
  for (let itemIndex = 0; itemIndex < context.items.length; itemIndex++) {
    const parameters = context.parameters(itemIndex);
    const prompt = promptOf(node, parameters, context.items[itemIndex], itemIndex);
    const [model] = await supplied("ai_languageModel", itemIndex);
    if (!model) throw new NodeExecutionError(`Node "${node}" needs a Chat Model connected`, { node }, { code: "missing_sub_connection" });
    const [memory] = await supplied("ai_memory", itemIndex);
    const [parser] = await supplied("ai_outputParser", itemIndex);
    const tools = toolList(node, await supplied("ai_tool", itemIndex));
    const threadId = `${context.execution.id}/${node}/${runIndex}/${itemIndex}`;
    const userMessage: ModelMessage = { role: "user", content: prompt };
    // A chat endpoint listening to this execution gets the deltas, tool calls and results (lib/ai/chat-stream.ts).
    const stream = chatStreamOf(context.execution.id);
    // The last item's result is recorded by the execution's next write, right after this node (an agent is a segment
    // boundary): its final checkpoint is not stored and its memory turn goes in that write (docs/ai.md, "Durability").
    const withNextWrite = itemIndex === context.items.length - 1 ? context.withNextWrite : undefined;
    const { state } = await runAgent({
      threadId,
      isNew: context.firstTry === true,
      storeFinalCheckpoint: withNextWrite === undefined,
      node,
      checkpointer,
      model,
      tools,
      parser,
      system: parameters.systemMessage,
      maxSteps: parameters.maxSteps,
      toolTimeoutMs: parameters.toolTimeout,
      signal: context.signal,
      // Call ids repeat across runs and items on some servers (`call_0`): the key names the run, the item and the step too.
      idempotencyPrefix: `${context.execution.id}:${node}:${runIndex}:${itemIndex}`,
      initialMessages: async () => [...(memory ? await memory.load() : []), userMessage],
      ...(stream
        ? {
            onTextDelta: (delta: string) => stream.textDelta(delta),
            onModelCallEnd: (calls) => stream.modelCallEnded(calls),
            onToolResult: (result) => stream.toolResult(result),
          }
        : {}),
    });
    if (memory) {
      // The turn: from the user message on (the history loaded before it is not saved again). Idempotent by thread id.
      let start = state.messages.length - 1;
      while (start > 0 && !(state.messages[start].role === "user" && state.messages[start].content === prompt)) start -= 1;
      const turn = { turnId: threadId, messages: state.messages.slice(Math.max(0, start)), firstTry: context.firstTry === true };
      if (withNextWrite && memory.saveWrite) withNextWrite(memory.saveWrite(turn));
      else await memory.save(turn);
    }
    const json: JsonObject = { output: parser ? (state.parsed as JsonValue) : (state.answer ?? "") };
    if (parameters.returnIntermediateSteps) json.intermediateSteps = state.steps.map((step) => ({ ...step }) as JsonObject);
    json.usage = usageSummary(state.usage);
    // Every model call of this item's run, also those made before a crash (they are in the checkpointed state).
    for (const usage of state.usage) context.recordUsage?.(usage);
    output.push({ json, pairedItem: { item: itemIndex } });
  }
  return [output];
}
