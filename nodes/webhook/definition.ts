import { z } from "zod";
import { defineNode } from "@/lib/workflow/node-definition";

export const WEBHOOK_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;
export type WebhookMethod = (typeof WEBHOOK_METHODS)[number];

/** `a/b/:id` without leading or trailing slashes; `:name` segments become `params.name`. */
export function normalizeWebhookPath(path: string): string {
  return path.trim().replace(/^\/+|\/+$/g, "");
}

export const webhookParameters = z.object({
  /** The URL path after `/api/webhooks/` (production) or `/api/webhooks-test/` (while the editor listens). */
  path: z
    .string()
    .transform(normalizeWebhookPath)
    .pipe(z.string().min(1, "a webhook needs a path").regex(/^[A-Za-z0-9._~:@!$&'()*+,;=%/-]+$/, "a webhook path may only hold URL path characters")),
  httpMethod: z.enum(WEBHOOK_METHODS).default("GET"),
  authentication: z.enum(["none", "headerAuth", "basicAuth"]).default("none"),
  /** For `headerAuth`: the request must carry this header with this value. (Moves to a credential when the vault lands.) */
  headerAuth: z.object({ name: z.string().min(1), value: z.string() }).optional(),
  /** For `basicAuth`. */
  basicAuth: z.object({ user: z.string(), password: z.string() }).optional(),
  /**
   * onReceived: 202 with the execution id at once; lastNode: when the execution ends, the last node's output;
   * responseNode: a Respond to Webhook node answers.
   */
  responseMode: z.enum(["onReceived", "lastNode", "responseNode"]).default("onReceived"),
  /** lastNode: the first item's JSON (n8n's default) or every item's JSON as an array. */
  responseData: z.enum(["firstEntryJson", "allEntries"]).default("firstEntryJson"),
  options: z
    .object({
      /** Also hand the body as received (UTF-8 text) in `rawBody`. */
      rawBody: z.boolean().optional(),
    })
    .default({}),
}).superRefine((parameters, context) => {
  if (parameters.authentication === "headerAuth" && !parameters.headerAuth) {
    context.addIssue({ code: "custom", path: ["headerAuth"], message: "header authentication needs headerAuth: { name, value }" });
  }
  if (parameters.authentication === "basicAuth" && !parameters.basicAuth) {
    context.addIssue({ code: "custom", path: ["basicAuth"], message: "basic authentication needs basicAuth: { user, password }" });
  }
});

export type WebhookParameters = z.infer<typeof webhookParameters>;

/**
 * Starts the workflow when its URL is called (lib/triggers/webhooks.ts). Emits one item `{ headers, params, query, body }`,
 * built by the dispatcher and handed in as the execution's input.
 */
export const webhook = defineNode({
  type: "hetumind.webhook",
  version: 1,
  displayName: "Webhook",
  description: "Starts the workflow when an HTTP request arrives at its URL.",
  group: "trigger",
  icon: "webhook",
  aliases: ["http", "api", "endpoint"],
  trigger: true,
  inputs: [],
  outputs: [{ kind: "main" }],
  parameters: webhookParameters,
  parameterHints: {
    path: { label: "Path", placeholder: "orders/:id", description: "After /api/webhooks/ (production) or /api/webhooks-test/ (test)." },
    headerAuth: { displayWhen: { authentication: ["headerAuth"] } },
    basicAuth: { displayWhen: { authentication: ["basicAuth"] } },
    responseData: { displayWhen: { responseMode: ["lastNode"] } },
  },
  sideEffects: false,
  execute: (context) => [context.items.length > 0 ? context.items : [{ json: { headers: {}, params: {}, query: {}, body: {} } }]],
});
