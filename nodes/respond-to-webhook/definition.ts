import { z } from "zod";
import { deliverWebhookResponse, type WebhookResponse } from "@/lib/triggers/webhook-responses";
import type { Item } from "@/lib/workflow/items";
import { defineNode } from "@/lib/workflow/node-definition";

const headerList = z.array(z.object({ name: z.string().min(1), value: z.string() }));

export const respondToWebhookParameters = z.object({
  respondWith: z.enum(["firstIncomingItem", "allIncomingItems", "json", "text", "noData"]).default("firstIncomingItem"),
  /** json: an object/array, or a string holding JSON; text: the text. */
  responseBody: z.unknown().optional(),
  responseCode: z.coerce.number().int().min(100).max(599).default(200),
  /** `{ name: value }` or n8n's `[{ name, value }]`. */
  responseHeaders: z.union([z.record(z.string(), z.string()), headerList]).default({}),
});

export type RespondToWebhookParameters = z.infer<typeof respondToWebhookParameters>;

function bodyOf(parameters: RespondToWebhookParameters, items: Item[]): { body: string | null; contentType?: string } {
  switch (parameters.respondWith) {
    case "noData":
      return { body: null };
    case "text":
      return { body: parameters.responseBody === undefined || parameters.responseBody === null ? "" : String(parameters.responseBody), contentType: "text/plain; charset=utf-8" };
    case "json": {
      const value = parameters.responseBody;
      if (typeof value === "string") {
        try {
          JSON.parse(value);
        } catch (error) {
          throw new Error(`responseBody is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
        }
        return { body: value, contentType: "application/json; charset=utf-8" };
      }
      return { body: JSON.stringify(value ?? {}), contentType: "application/json; charset=utf-8" };
    }
    case "allIncomingItems":
      return { body: JSON.stringify(items.map((item) => item.json)), contentType: "application/json; charset=utf-8" };
    case "firstIncomingItem":
      return { body: JSON.stringify(items[0]?.json ?? {}), contentType: "application/json; charset=utf-8" };
  }
}

/** Builds the HTTP answer a Respond to Webhook node describes (exported for tests and the editor's preview). */
export function webhookResponseOf(parameters: RespondToWebhookParameters, items: Item[]): WebhookResponse {
  const { body, contentType } = bodyOf(parameters, items);
  const headers: Record<string, string> = {};
  if (contentType) headers["content-type"] = contentType;
  const entries = Array.isArray(parameters.responseHeaders) ? parameters.responseHeaders.map((entry) => [entry.name, entry.value] as const) : Object.entries(parameters.responseHeaders);
  for (const [name, value] of entries) headers[name.toLowerCase()] = value;
  return { status: parameters.responseCode, headers, body };
}

/**
 * Answers the HTTP request that started the execution (Webhook with `responseMode: responseNode`), then passes its input
 * on unchanged. Free of side effects: it only hands the answer to the waiting request in this process
 * (lib/triggers/webhook-responses.ts); the first one to run wins.
 */
export const respondToWebhook = defineNode({
  type: "hetumind.respondToWebhook",
  version: 1,
  displayName: "Respond to Webhook",
  description: "Sends the answer to the request that started the workflow: status, headers and a JSON or text body.",
  group: "core",
  icon: "reply",
  aliases: ["http response", "reply"],
  inputs: [{ kind: "main" }],
  outputs: [{ kind: "main" }],
  parameters: respondToWebhookParameters,
  parameterHints: {
    responseBody: { editor: "json", displayWhen: { respondWith: ["json", "text"] } },
  },
  sideEffects: false,
  execute: (context) => {
    const response = webhookResponseOf(context.parameters(0), context.items);
    if (!deliverWebhookResponse(context.execution.id, response)) {
      context.logger.info("no webhook request is waiting for this execution's response", { node: context.node.name, status: response.status });
    }
    return [context.items];
  },
});
