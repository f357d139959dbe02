/** What the chat model sub-nodes share: their parameters (n8n's names) and how they become a `ChatModel`. */
import { z } from "zod";
import type { ChatModel } from "@/lib/ai/chat-model";
import { priceOf } from "@/lib/ai/prices";
import type { ProviderConnection, ProviderName } from "@/lib/ai/providers";
import { NodeExecutionError } from "@/lib/errors";
import { parseExtraHeaders } from "@/lib/credentials/types-ai";
import type { ParameterHint, SubNodeDefinition, SupplyContext } from "@/lib/workflow/node-definition";
import { lazyModule } from "@/lib/lazy-module";

// The AI SDK providers load when a model is first used, not with the node registry at server start.
const providersModule = lazyModule(() => import("@/lib/ai/providers"));

export const chatModelOptions = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().positive().optional(),
    /** Milliseconds for one model call, retries included. */
    timeout: z.number().int().positive().default(60_000),
    maxRetries: z.number().int().min(0).max(10).default(2),
  })
  .default({ timeout: 60_000, maxRetries: 2 });

export function chatModelParameters(defaultModel: string) {
  return z.object({ model: z.string().trim().min(1, "a model name is required").default(defaultModel), options: chatModelOptions });
}

export type ChatModelParameters = z.infer<ReturnType<typeof chatModelParameters>>;

export const chatModelHints: Record<string, ParameterHint> = {
  model: { label: "Model", description: "The provider's model id" },
  "options.temperature": { label: "Temperature", description: "0 to 2; lower is more deterministic" },
  "options.maxTokens": { label: "Max tokens", description: "Most tokens the model may generate per call" },
  "options.timeout": { label: "Timeout (ms)", description: "For one model call, retries included" },
  "options.maxRetries": { label: "Max retries", description: "Retries of 429 and 5xx answers, honouring Retry-After" },
};

/** Reads the node's credential into a provider connection (headers parsed, a bad value named). */
export async function connectionFrom(context: SupplyContext<ChatModelParameters>, credentialType: string, defaults: { baseUrl?: string }): Promise<ProviderConnection> {
  const credential = await context.getCredential(credentialType);
  if (!credential) {
    throw new NodeExecutionError(`Node "${context.node.name}" needs a "${credentialType}" credential`, { node: context.node.name }, { code: "credential_not_found" });
  }
  const headers = parseExtraHeaders(credential.extraHeaders);
  if (headers === undefined) {
    throw new NodeExecutionError(`Node "${context.node.name}": the credential's extra headers are not a JSON object of strings`, { node: context.node.name }, { code: "credential_invalid" });
  }
  const baseUrl = credential.baseUrl || defaults.baseUrl;
  if (!baseUrl) throw new NodeExecutionError(`Node "${context.node.name}": the credential has no base URL`, { node: context.node.name }, { code: "credential_invalid" });
  return { baseUrl, apiKey: credential.apiKey || undefined, organization: credential.organization || undefined, headers };
}

export async function chatModelFrom(provider: ProviderName, connection: ProviderConnection, parameters: ChatModelParameters): Promise<ChatModel> {
  const { createProviderModel } = await providersModule();
  const { options } = parameters;
  return {
    provider,
    modelId: parameters.model,
    model: createProviderModel(provider, connection, parameters.model),
    settings: { temperature: options.temperature, maxOutputTokens: options.maxTokens, maxRetries: options.maxRetries, timeoutMs: options.timeout },
    price: provider === "openai-compatible" ? undefined : priceOf(parameters.model),
  };
}

/** The declaration fields every chat model sub-node shares. */
export const chatModelPorts: Pick<SubNodeDefinition, "inputs" | "outputs" | "group" | "sideEffects"> = {
  inputs: [],
  outputs: [{ kind: "ai_languageModel", name: "Model" }],
  group: "ai",
  // The consumer (agent, chain) makes the calls and owns their checkpoints.
  sideEffects: false,
};
