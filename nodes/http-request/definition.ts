/** The HTTP Request node (n8n: `n8n-nodes-base.httpRequest`). Every request goes through lib/net's guarded fetch. */
import { defineNode } from "../../lib/workflow/node-definition";
import { httpRequestParameterHints, httpRequestParameters } from "./parameters";
import { executeHttpRequest } from "./run";

export const httpRequest = defineNode({
  type: "hetumind.httpRequest",
  version: 1,
  displayName: "HTTP Request",
  description: "Makes an HTTP request to a URL and outputs the response, once per input item.",
  group: "core",
  icon: "globe",
  aliases: ["API", "REST", "fetch", "webhook call", "cURL"],
  inputs: [{ kind: "main" }],
  outputs: [{ kind: "main", name: "response" }],
  parameters: httpRequestParameters,
  parameterHints: httpRequestParameterHints,
  sideEffects: true,
  // Used when `authentication` is the matching kind and the workflow node references one (`credentials: { <type>: { id } }`).
  credentials: [{ type: "httpHeaderAuth" }, { type: "httpBasicAuth" }, { type: "httpBearerAuth" }],
  execute: executeHttpRequest,
});

