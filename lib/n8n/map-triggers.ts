/** Triggers and webhook replies: manualTrigger, webhook, respondToWebhook, scheduleTrigger, errorTrigger, chatTrigger. */
import { randomBytes } from "node:crypto";
import { unsupported, type MapContext, type MapResult, type MapperTable } from "./mapper";
import { defined, ignoredKeys, number, record, string, type Parameters } from "./values";

function webhook(parameters: Parameters, context: MapContext): MapResult {
  let httpMethod = parameters.httpMethod ?? "GET";
  if (parameters.multipleMethods === true || Array.isArray(httpMethod)) {
    const methods = Array.isArray(httpMethod) ? httpMethod : [httpMethod];
    httpMethod = methods[0] ?? "GET";
    context.warn(`the webhook accepted several methods; only ${String(httpMethod)} is kept`, "parameters.httpMethod");
  }
  const options = record(parameters.options);
  const result: Parameters = defined({
    path: typeof parameters.path === "string" && parameters.path.trim() !== "" ? parameters.path : context.webhookId,
    httpMethod,
    responseMode: parameters.responseMode === "streaming" ? "lastNode" : parameters.responseMode,
    responseData: parameters.responseData === "firstEntryBinary" || parameters.responseData === "noData" ? undefined : parameters.responseData,
    options: options.rawBody === undefined ? undefined : { rawBody: options.rawBody },
  });
  if (parameters.responseMode === "streaming") context.warn('response mode "streaming" is answered with the last node\'s data', "parameters.responseMode");
  if (parameters.responseData === "firstEntryBinary" || parameters.responseData === "noData") context.warn(`response data "${String(parameters.responseData)}" is not supported; the first entry's JSON is sent`, "parameters.responseData");
  const ignored = ignoredKeys(options, ["rawBody"]);
  if (ignored.length > 0) context.warn(`webhook options not carried over: ${ignored.join(", ")}`, "parameters.options");
  // n8n's webhook auth comes from a credential; ours is written in the node. Unknown values would let anyone in, so the
  // node gets a random secret nobody knows (requests are refused) until the user writes the real one.
  const secret = randomBytes(24).toString("hex");
  if (parameters.authentication === "headerAuth") {
    result.authentication = "headerAuth";
    result.headerAuth = { name: "Authorization", value: secret };
    context.dropCredential("httpHeaderAuth", "the Webhook node holds its header name and value itself: set parameters.headerAuth (a random value was put there, so requests are refused until then)");
  } else if (parameters.authentication === "basicAuth") {
    result.authentication = "basicAuth";
    result.basicAuth = { user: "change-me", password: secret };
    context.dropCredential("httpBasicAuth", "the Webhook node holds its user and password itself: set parameters.basicAuth (a random password was put there, so requests are refused until then)");
  } else if (parameters.authentication !== undefined && parameters.authentication !== "none") {
    return unsupported(`webhook authentication "${String(parameters.authentication)}" is not supported (none, headerAuth and basicAuth are)`);
  }
  return { type: "hetumind.webhook", parameters: result };
}

function respondToWebhook(parameters: Parameters, context: MapContext): MapResult {
  const options = record(parameters.options);
  const entries = record(options.responseHeaders).entries;
  const responseHeaders = Array.isArray(entries) ? entries.map((entry) => ({ name: String(record(entry).name ?? ""), value: String(record(entry).value ?? "") })).filter((entry) => entry.name !== "") : undefined;
  const respondWith = parameters.respondWith ?? "firstIncomingItem";
  const ignored = ignoredKeys(options, ["responseCode", "responseHeaders"]);
  if (ignored.length > 0) context.warn(`options not carried over: ${ignored.join(", ")}`, "parameters.options");
  if (respondWith === "redirect") {
    return {
      type: "hetumind.respondToWebhook",
      parameters: { respondWith: "noData", responseCode: number(options.responseCode) ?? 307, responseHeaders: [...(responseHeaders ?? []), { name: "Location", value: String(parameters.redirectURL ?? "") }] },
    };
  }
  if (respondWith === "binary" || respondWith === "jwt") return unsupported(`responding with "${String(respondWith)}" is not supported`);
  return {
    type: "hetumind.respondToWebhook",
    parameters: defined({ respondWith, responseBody: respondWith === "json" || respondWith === "text" ? parameters.responseBody : undefined, responseCode: options.responseCode, responseHeaders }),
  };
}

const INTERVAL_DEFAULTS: Record<string, number> = { seconds: 30, minutes: 5, hours: 1, days: 1, weeks: 1, months: 1 };

function scheduleTrigger(parameters: Parameters, context: MapContext): MapResult {
  const intervals = Array.isArray(record(parameters.rule).interval) ? (record(parameters.rule).interval as unknown[]) : [{}];
  if (intervals.length > 1) context.warn(`the schedule had ${intervals.length} rules; only the first is kept (add a Schedule Trigger per rule)`, "parameters.rule.interval");
  const rule = record(intervals[0]);
  const field = string(rule.field) ?? "days";
  const every = number(rule[`${field}Interval`]) ?? INTERVAL_DEFAULTS[field] ?? 1;
  const atHour = number(rule.triggerAtHour) ?? 0;
  const atMinute = number(rule.triggerAtMinute) ?? 0;
  switch (field) {
    case "cronExpression":
      return { type: "hetumind.scheduleTrigger", parameters: { rule: { mode: "cron", expression: String(rule.expression ?? "") } } };
    case "seconds":
      return { type: "hetumind.scheduleTrigger", parameters: { rule: { mode: "cron", expression: `*/${every} * * * * *` } } };
    case "minutes":
      return { type: "hetumind.scheduleTrigger", parameters: { rule: { mode: "interval", every, unit: "minutes" } } };
    case "hours":
      return { type: "hetumind.scheduleTrigger", parameters: { rule: { mode: "interval", every, unit: "hours", atMinute } } };
    case "days":
      return { type: "hetumind.scheduleTrigger", parameters: { rule: { mode: "interval", every, unit: "days", atHour, atMinute } } };
    case "weeks": {
      const days = Array.isArray(rule.triggerAtDay) && rule.triggerAtDay.length > 0 ? rule.triggerAtDay.join(",") : "0";
      if (every !== 1) context.warn(`every ${every} weeks is not expressible as one cron rule; it runs every week`, "parameters.rule.interval[0].weeksInterval");
      return { type: "hetumind.scheduleTrigger", parameters: { rule: { mode: "cron", expression: `${atMinute} ${atHour} * * ${days}` } } };
    }
    case "months":
      return { type: "hetumind.scheduleTrigger", parameters: { rule: { mode: "cron", expression: `${atMinute} ${atHour} ${number(rule.triggerAtDayOfMonth) ?? 1} */${every} *` } } };
    default:
      return unsupported(`schedule interval "${field}" is not supported`);
  }
}

function chatTrigger(parameters: Parameters, context: MapContext): MapResult {
  const options = record(parameters.options);
  const result: Parameters = defined({ public: parameters.public, initialMessages: parameters.initialMessages });
  if (parameters.authentication === "n8nUserAuth") {
    context.warn("n8n user authentication becomes a workspace-only chat (public off)", "parameters.authentication");
    result.public = false;
  } else if (parameters.authentication === "basicAuth") {
    result.authentication = "basicAuth";
    result.basicAuth = { user: "change-me", password: randomBytes(24).toString("hex") };
    context.dropCredential("httpBasicAuth", "the Chat Trigger holds its user and password itself: set parameters.basicAuth (a random password was put there, so requests are refused until then)");
  }
  if (parameters.mode === "webhook") context.warn("the chat is served at POST /api/chat/<workflowId> (AI SDK UI message stream) and on the hosted page", "parameters.mode");
  const ignored = ignoredKeys(options, ["allowedOrigins", "title"]);
  if (ignored.length > 0) context.warn(`chat options not carried over: ${ignored.join(", ")}`, "parameters.options");
  const kept = defined({ allowedOrigins: options.allowedOrigins, title: options.title });
  if (Object.keys(kept).length > 0) result.options = kept;
  return { type: "hetumind.chatTrigger", parameters: result };
}

/** "When executed by another workflow": a sub-workflow starts at its first trigger with the caller's items, as a Manual Trigger does. */
function executeWorkflowTrigger(parameters: Parameters, context: MapContext): MapResult {
  if (parameters.inputSource !== undefined && parameters.inputSource !== "passthrough") {
    context.warn("declared workflow inputs are not enforced: the sub-workflow receives the caller's items as they are", "parameters.inputSource");
  }
  return { type: "hetumind.manualTrigger", parameters: {} };
}

export const triggerMappers: MapperTable = {
  "n8n-nodes-base.manualTrigger": { map: () => ({ type: "hetumind.manualTrigger", parameters: {} }) },
  "n8n-nodes-base.webhook": { map: webhook },
  "n8n-nodes-base.respondToWebhook": { map: respondToWebhook },
  "n8n-nodes-base.scheduleTrigger": { map: scheduleTrigger },
  "n8n-nodes-base.errorTrigger": { map: () => ({ type: "hetumind.errorTrigger", parameters: {} }) },
  "n8n-nodes-base.executeWorkflowTrigger": { map: executeWorkflowTrigger },
  "@n8n/n8n-nodes-langchain.chatTrigger": { map: chatTrigger },
};
