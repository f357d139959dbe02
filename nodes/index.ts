import type { AnyNodeDefinition, NodeRegistry } from "@/lib/workflow/node-definition";
import { agent } from "../agents/definition";
import { aggregate } from "./aggregate/definition";
import { chainLlm } from "./chain-llm/definition";
import { chatTrigger } from "./chat-trigger/definition";
import { code } from "./code/definition";
import { errorTrigger } from "./error-trigger/definition";
import { executeWorkflow } from "./execute-workflow/definition";
import { filter } from "./filter/definition";
import { httpRequest } from "./http-request/definition";
import { humanApproval } from "./human-approval/definition";
import { ifNode } from "./if/definition";
import { loopOverItems } from "./loop-over-items/definition";
import { lmChatAnthropic } from "./lm-chat-anthropic/definition";
import { lmChatOpenAi } from "./lm-chat-openai/definition";
import { lmChatOpenAiCompatible } from "./lm-chat-openai-compatible/definition";
import { manualTrigger } from "./manual-trigger/definition";
import { mcpClientTool } from "./mcp-client-tool/definition";
import { memoryBufferWindow, memoryPostgresChat } from "./memory-postgres-chat/definition";
import { merge } from "./merge/definition";
import { noOp } from "./no-op/definition";
import { outputParserStructured } from "./output-parser-structured/definition";
import { respondToWebhook } from "./respond-to-webhook/definition";
import { scheduleTrigger } from "./schedule-trigger/definition";
import { set } from "./set/definition";
import { splitOut } from "./split-out/definition";
import { stopAndError } from "./stop-and-error/definition";
import { switchNode } from "./switch/definition";
import { toolCalculator } from "./tool-calculator/definition";
import { toolCode } from "./tool-code/definition";
import { toolHttpRequest } from "./tool-http-request/definition";
import { toolWorkflow } from "./tool-workflow/definition";
import { wait } from "./wait/definition";
import { webhook } from "./webhook/definition";

/** Every node type. Adding a node is one folder and one line here. */
export const nodeDefinitions: readonly AnyNodeDefinition[] = [
  manualTrigger,
  set,
  ifNode,
  switchNode,
  merge,
  loopOverItems,
  filter,
  aggregate,
  splitOut,
  code,
  httpRequest,
  noOp,
  wait,
  humanApproval,
  stopAndError,
  executeWorkflow,
  webhook,
  respondToWebhook,
  scheduleTrigger,
  errorTrigger,
  chatTrigger,
  lmChatOpenAi,
  lmChatAnthropic,
  lmChatOpenAiCompatible,
  chainLlm,
  toolHttpRequest,
  toolCode,
  toolWorkflow,
  mcpClientTool,
  toolCalculator,
  outputParserStructured,
  memoryPostgresChat,
  memoryBufferWindow,
  agent,
];

export const nodeRegistry: NodeRegistry = new Map(nodeDefinitions.map((definition) => [definition.type, definition]));
