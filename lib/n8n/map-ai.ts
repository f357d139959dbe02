/** AI nodes: agent, chainLlm, chat models, memories, structured output parser. */
import { unsupported, type MapContext, type MapResult, type MapperTable } from "./mapper";
import { defined, ignoredKeys, isRecord, locatorValue, number, record, string, type Parameters } from "./values";

/** n8n's "auto" prompt is the chat trigger's `chatInput`: our empty prompt means the same. */
function promptOf(parameters: Parameters, context: MapContext): string | undefined {
  const promptType = parameters.promptType ?? (context.typeVersion < 1.1 ? "define" : "auto");
  if (promptType === "auto" || promptType === "guardrails") return undefined;
  const text = string(parameters.text);
  return text && text.trim() !== "" ? text : undefined;
}

function agent(parameters: Parameters, context: MapContext): MapResult {
  const kind = parameters.agent;
  if (kind === "sqlAgent") return unsupported("the SQL agent is not supported");
  if (kind !== undefined && kind !== "toolsAgent") context.warn(`n8n's "${String(kind)}" becomes our tools agent (the model calls tools natively)`, "parameters.agent");
  const options = record(parameters.options);
  const ignored = ignoredKeys(options, ["systemMessage", "maxIterations", "returnIntermediateSteps"]);
  if (ignored.length > 0) context.warn(`options not carried over: ${ignored.join(", ")}`, "parameters.options");
  return {
    type: "hetumind.agent",
    parameters: defined({
      prompt: promptOf(parameters, context),
      systemMessage: options.systemMessage,
      maxSteps: options.maxIterations,
      returnIntermediateSteps: options.returnIntermediateSteps,
    }),
  };
}

function chainLlm(parameters: Parameters, context: MapContext): MapResult {
  const list = record(parameters.messages).messageValues;
  const messages = Array.isArray(list) ? list.filter(isRecord) : [];
  const system = messages.filter((message) => (message.type ?? "SystemMessagePromptTemplate") === "SystemMessagePromptTemplate").map((message) => String(message.message ?? ""));
  if (messages.length > system.length) context.warn("only system messages are carried over (human/AI example messages and images are not)", "parameters.messages");
  return { type: "hetumind.chainLlm", parameters: defined({ prompt: promptOf(parameters, context), systemMessage: system.length > 0 ? system.join("\n\n") : undefined }) };
}

function modelOptions(options: Parameters, context: MapContext, maxTokensKey: string): Parameters {
  const ignored = ignoredKeys(options, ["temperature", maxTokensKey, "timeout", "maxRetries", "baseURL"]);
  if (ignored.length > 0) context.warn(`model options not carried over: ${ignored.join(", ")}`, "parameters.options");
  const maxTokens = number(options[maxTokensKey]);
  return defined({
    temperature: options.temperature,
    maxTokens: maxTokens !== undefined && maxTokens > 0 ? maxTokens : undefined,
    timeout: options.timeout,
    maxRetries: options.maxRetries,
  });
}

function lmChatOpenAi(parameters: Parameters, context: MapContext): MapResult {
  const options = record(parameters.options);
  context.useCredential("openAiApi", "openAiApi");
  if (typeof options.baseURL === "string" && options.baseURL !== "") context.warn(`the base URL ${options.baseURL} belongs in the OpenAI credential (its baseUrl field)`, "parameters.options.baseURL");
  return { type: "hetumind.lmChatOpenAi", parameters: defined({ model: locatorValue(parameters.model), options: modelOptions(options, context, "maxTokens") }) };
}

function lmChatAnthropic(parameters: Parameters, context: MapContext): MapResult {
  context.useCredential("anthropicApi", "anthropicApi");
  return { type: "hetumind.lmChatAnthropic", parameters: defined({ model: locatorValue(parameters.model), options: modelOptions(record(parameters.options), context, "maxTokensToSample") }) };
}

/** Ollama, OpenRouter, DeepSeek (OpenAI-compatible servers) through our OpenAI-compatible model. */
function lmChatOpenAiCompatible(credentialType: string, baseUrl: string) {
  return (parameters: Parameters, context: MapContext): MapResult => {
    context.useCredential(credentialType, "openAiCompatibleApi");
    context.warn(`runs on the OpenAI-compatible model: its credential's base URL is the server's OpenAI API (${baseUrl})`);
    return { type: "hetumind.lmChatOpenAiCompatible", parameters: defined({ model: locatorValue(parameters.model), options: modelOptions(record(parameters.options), context, "maxTokens") }) };
  };
}

function memoryParameters(parameters: Parameters, context: MapContext): Parameters {
  // Before v1.2 the session key was always the `sessionKey` parameter.
  const sessionIdType = parameters.sessionIdType ?? (context.typeVersion < 1.2 ? "customKey" : "fromInput");
  return defined({ sessionIdType, sessionKey: sessionIdType === "customKey" ? (parameters.sessionKey ?? "chat_history") : parameters.sessionKey, contextWindowLength: parameters.contextWindowLength });
}

function memoryBufferWindow(parameters: Parameters, context: MapContext): MapResult {
  return { type: "hetumind.memoryBufferWindow", parameters: memoryParameters(parameters, context) };
}

function memoryPostgresChat(parameters: Parameters, context: MapContext): MapResult {
  context.dropCredential("postgres", "chat memory is stored in the workspace's own database: no Postgres credential is needed");
  if (parameters.tableName !== undefined) context.warn(`the table name "${String(parameters.tableName)}" is not used: memory lives in the workspace's chat memory table`, "parameters.tableName");
  return { type: "hetumind.memoryPostgresChat", parameters: memoryParameters(parameters, context) };
}

function outputParserStructured(parameters: Parameters, context: MapContext): MapResult {
  if (parameters.autoFix === true) context.warn("auto-fix is built in: the consumer gives the model one repair round", "parameters.autoFix");
  // v1/v1.1 had one `jsonSchema` (a JSON Schema as text).
  if (context.typeVersion < 1.2 && typeof parameters.jsonSchema === "string") return { type: "hetumind.outputParserStructured", parameters: { schemaType: "manual", inputSchema: parameters.jsonSchema } };
  return { type: "hetumind.outputParserStructured", parameters: defined({ schemaType: parameters.schemaType, jsonSchemaExample: parameters.jsonSchemaExample, inputSchema: parameters.inputSchema }) };
}

export const aiMappers: MapperTable = {
  "@n8n/n8n-nodes-langchain.agent": { map: agent },
  "@n8n/n8n-nodes-langchain.chainLlm": { map: chainLlm },
  "@n8n/n8n-nodes-langchain.lmChatOpenAi": { map: lmChatOpenAi },
  "@n8n/n8n-nodes-langchain.lmChatAnthropic": { map: lmChatAnthropic },
  "@n8n/n8n-nodes-langchain.lmChatOllama": { map: lmChatOpenAiCompatible("ollamaApi", "Ollama: http://host:11434/v1") },
  "@n8n/n8n-nodes-langchain.lmChatOpenRouter": { map: lmChatOpenAiCompatible("openRouterApi", "https://openrouter.ai/api/v1") },
  "@n8n/n8n-nodes-langchain.lmChatDeepSeek": { map: lmChatOpenAiCompatible("deepSeekApi", "https://api.deepseek.com/v1") },
  "@n8n/n8n-nodes-langchain.memoryBufferWindow": { map: memoryBufferWindow },
  "@n8n/n8n-nodes-langchain.memoryPostgresChat": { map: memoryPostgresChat },
  "@n8n/n8n-nodes-langchain.outputParserStructured": { map: outputParserStructured },
};
