/**
 * HTTP Request tool (n8n: `@n8n/n8n-nodes-langchain.toolHttpRequest`): a request the author shapes, with `{placeholders}`
 * the model fills (declared with a type and description: the tool's JSON schema). Sent through the guarded fetch with
 * the tool call's Idempotency-Key; authentication from a credential.
 */
import { NodeExecutionError } from "@/lib/errors";
import { createHttpRequestTool } from "@/lib/ai/tools/http-request-tool";
import { defineSubNode } from "@/lib/workflow/node-definition";
import { authenticationFromCredential, authenticationHeaders, CREDENTIAL_TYPE_FOR } from "../http-request/authentication";
import { toolNameFor, toolPorts } from "../shared/tool";
import { toolHttpRequestParameters, toolOptionsFrom } from "./parameters";

export const toolHttpRequest = defineSubNode({
  type: "hetumind.toolHttpRequest",
  version: 1,
  displayName: "HTTP Request Tool",
  description: "Gives an AI Agent an HTTP request to make, with parameters the model fills in.",
  icon: "globe",
  aliases: ["api tool", "rest tool"],
  ...toolPorts,
  parameters: toolHttpRequestParameters,
  credentials: [{ type: "httpHeaderAuth" }, { type: "httpBasicAuth" }, { type: "httpBearerAuth" }],
  parameterHints: {
    name: { label: "Tool name", description: "What the model calls the tool; default the node's name" },
    toolDescription: { label: "Description", description: "Tells the model what the request does and when to use it" },
    url: { label: "URL", placeholder: "https://api.example.com/orders/{orderId}", description: "{placeholders} are filled by the model" },
    authentication: { label: "Authentication", description: "From a credential of the matching type" },
    queryParameters: { label: "Query parameters", displayWhen: { sendQuery: [true] } },
    headerParameters: { label: "Headers", displayWhen: { sendHeaders: [true] } },
    contentType: { label: "Body content type", displayWhen: { sendBody: [true] } },
    jsonBody: { label: "JSON body", editor: "json", displayWhen: { sendBody: [true], contentType: ["json"] } },
    bodyParameters: { label: "Form fields", displayWhen: { sendBody: [true], contentType: ["form-urlencoded"] } },
    body: { label: "Body", editor: "text", displayWhen: { sendBody: [true], contentType: ["raw"] } },
    rawContentType: { label: "Content type", displayWhen: { sendBody: [true], contentType: ["raw"] } },
    placeholderDefinitions: { label: "Placeholders", description: "Name, type and description of each {placeholder} the model fills" },
    "options.timeout": { label: "Timeout (ms)" },
    "options.maxResponseChars": { label: "Response limit (characters)", description: "The response the model sees is cut here" },
  },
  async supply(context) {
    const { parameters, node } = context;
    let authHeaders: Record<string, string> | undefined;
    if (parameters.authentication !== "none") {
      const type = CREDENTIAL_TYPE_FOR[parameters.authentication];
      const credential = await context.getCredential(type);
      if (!credential) {
        throw new NodeExecutionError(`Node "${node.name}" needs a "${type}" credential for ${parameters.authentication}`, { node: node.name, parameter: "authentication" }, { code: "credential_not_found" });
      }
      const result = authenticationFromCredential(parameters.authentication, credential);
      if (!result.ok) throw new NodeExecutionError(`Node "${node.name}": ${result.message}`, { node: node.name, parameter: result.parameter }, { code: "credential_invalid" });
      authHeaders = authenticationHeaders(result.authentication);
    }
    const options = toolOptionsFrom(parameters, { name: toolNameFor(node, parameters.name), node: node.name, ...(authHeaders ? { authHeaders } : {}) });
    return createHttpRequestTool({ ...options, timeoutMs: Math.max(1, Math.min(options.timeoutMs ?? 30_000, context.timeRemaining())) });
  },
});
