/**
 * The chat endpoint, `/api/chat/<workflowId>` (app/api/chat/[workflowId]/route.ts), for the workflow's Chat Trigger:
 *
 * - `POST`: one message (a `useChat` request `{ id, messages }` — the last user message's text — or `{ sessionId,
 *   chatInput }`) starts one recorded, durable execution with the item `{ sessionId, chatInput, action }`; the answer is
 *   the AI SDK UI message stream (lib/triggers/chat-ui-stream.ts), with the agent's token deltas, tool calls and results as
 *   they happen (lib/ai/chat-stream.ts). The session id comes from the client (`sessionId`, else `useChat`'s chat `id`).
 * - `GET ?sessionId=`: the session's history from chat memory, as UI messages (the hosted page reloads it).
 * - `OPTIONS`: CORS preflight for public chats.
 *
 * Access: a public chat (the trigger's `public`) needs an active workflow, the basic auth if set, and, from another origin,
 * an origin in `allowedOrigins`; a workspace-only chat needs a session or API key of a member of the workflow's workspace
 * (401 without, 403 for others). Order of checks: unknown chat 404, origin 403, auth 401/403, body over the limit 413
 * (`HETUMIND_CHAT_MAX_BODY`, default 1 MiB), malformed 400/415/422.
 */
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { authenticateRequest } from "@/lib/auth/authenticate";
import { ForbiddenError, UnauthenticatedError } from "@/lib/auth/errors";
import { changeGeneration } from "@/lib/db/changes";
import type { Database } from "@/lib/db/client";
import { LookupCache } from "@/lib/db/lookup-cache";
import { loadChatTurns } from "@/lib/db/queries/chat-memory";
import { getMembership } from "@/lib/db/queries/memberships";
import { type WorkflowRow, workflows } from "@/lib/db/schema";
import { registerChatStream } from "@/lib/ai/chat-stream";
import { compileWorkflowCached } from "@/lib/engine/compiled-workflow";
import { HetumindError } from "@/lib/errors";
import { errorResponse, readJsonBody, validate } from "@/lib/http";
import { createLogger } from "@/lib/log";
import { nodeRegistry } from "@/nodes";
import { CHAT_TRIGGER_NODE_TYPE, type ChatTriggerParameters } from "@/nodes/chat-trigger/definition";
import { workflowDocument } from "./activation";
import { turnsToUiMessages } from "./chat-history";
import { ChatUiStream } from "./chat-ui-stream";
import { type TriggerRuntime, serverRuntime } from "./runtime";
import { uiMessageSseResponse } from "./ui-message-sse";

const log = createLogger({ component: "chat" });
export const DEFAULT_CHAT_MAX_BODY = 1024 * 1024;
const MEMORY_NODE_TYPES = new Set(["hetumind.memoryPostgresChat", "hetumind.memoryBufferWindow"]);

/** No chat here: unknown workflow, no enabled Chat Trigger, or a public chat whose workflow is not active. HTTP 404. */
export class ChatNotFoundError extends HetumindError {
  constructor(workflowId: string, reason: string) {
    super("chat_not_found", `No chat at /api/chat/${workflowId}: ${reason}`, { workflowId });
  }
}

/** A browser on an origin the chat does not allow. HTTP 403. */
export class OriginNotAllowedError extends HetumindError {
  constructor(origin: string) {
    super("origin_not_allowed", `The origin ${origin} may not use this chat (the Chat Trigger's allowedOrigins)`, { origin });
  }
}

/** A public chat's basic auth is missing or wrong. HTTP 401 with `WWW-Authenticate: Basic`. */
export class ChatAuthRequiredError extends HetumindError {
  constructor() {
    super("chat_auth_required", "This chat needs a user name and password (basic auth)");
  }
}

export interface HandleChatOptions {
  /** Default: the server's engine and database. */
  runtime?: TriggerRuntime;
  /** Default: `HETUMIND_CHAT_MAX_BODY` (bytes, or with a kb/mb suffix), else 1 MiB. */
  maxBodyBytes?: number;
  /** Session cookie secret (tests). */
  sessionSecret?: string;
}

/** `HETUMIND_CHAT_MAX_BODY`: `1048576`, `512kb`, `2mb`. */
export function chatMaxBodyBytes(value = process.env.HETUMIND_CHAT_MAX_BODY): number {
  const match = value?.trim().toLowerCase().match(/^(\d+)\s*(b|kb|mb)?$/);
  if (!match) return DEFAULT_CHAT_MAX_BODY;
  return Number(match[1]) * { b: 1, kb: 1024, mb: 1024 * 1024 }[(match[2] ?? "b") as "b" | "kb" | "mb"];
}

interface ChatTarget {
  workflow: WorkflowRow;
  nodeName: string;
  parameters: ChatTriggerParameters;
  hasMemory: boolean;
}

/** Chat targets by workflow id: a chat's messages cost no workflow query while it goes on (lib/db/lookup-cache.ts). */
const targets = new LookupCache<ChatTarget>(() => changeGeneration("workflows"));

function loadTarget(db: Database, workflowId: string): Promise<ChatTarget> {
  if (workflowId.length > 200 || workflowId.includes("\u0000")) throw new ChatNotFoundError(workflowId.slice(0, 200), "unknown workflow");
  return targets.get(db, workflowId, () => readTarget(db, workflowId));
}

async function readTarget(db: Database, workflowId: string): Promise<ChatTarget> {
  const [workflow] = await db.select().from(workflows).where(eq(workflows.id, workflowId)).limit(1);
  if (!workflow) throw new ChatNotFoundError(workflowId, "unknown workflow");
  const compiled = compileWorkflowCached(workflowDocument(workflow), nodeRegistry);
  const hasMemory = [...compiled.nodes.values()].some((node) => MEMORY_NODE_TYPES.has(node.node.type) && !node.node.disabled);
  for (const name of compiled.triggers) {
    const node = compiled.nodes.get(name)!;
    if (node.node.type !== CHAT_TRIGGER_NODE_TYPE || node.node.disabled || node.staticParameters === undefined) continue;
    return { workflow, nodeName: name, parameters: node.staticParameters as ChatTriggerParameters, hasMemory };
  }
  throw new ChatNotFoundError(workflowId, "the workflow has no enabled Chat Trigger");
}

function requestHost(request: Request): string {
  return request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? new URL(request.url).host;
}

/** CORS headers for the request's origin; throws when a browser on another origin may not call. */
function corsHeaders(request: Request, target: ChatTarget): Record<string, string> {
  const origin = request.headers.get("origin");
  if (!origin || origin === "null") return {};
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new OriginNotAllowedError(origin);
  }
  if (host === requestHost(request)) return {};
  const allowed = target.parameters.options.allowedOrigins.split(",").map((entry) => entry.trim().replace(/\/+$/, "")).filter(Boolean);
  if (!target.parameters.public || !(allowed.includes("*") || allowed.includes(origin))) throw new OriginNotAllowedError(origin);
  return {
    "access-control-allow-origin": origin,
    vary: "origin",
    "access-control-expose-headers": "x-hetumind-execution-id, x-vercel-ai-ui-message-stream",
  };
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

interface Caller {
  public: boolean;
}

async function authorize(request: Request, db: Database, target: ChatTarget, options: HandleChatOptions): Promise<Caller> {
  const { parameters, workflow } = target;
  if (parameters.public) {
    if (!workflow.active) throw new ChatNotFoundError(workflow.id, "the workflow is not active");
    if (parameters.authentication === "basicAuth" && parameters.basicAuth) {
      const match = (request.headers.get("authorization") ?? "").match(/^Basic\s+(.+)$/i);
      const decoded = match ? Buffer.from(match[1], "base64").toString("utf8") : "";
      const colon = decoded.indexOf(":");
      const ok = colon >= 0 && sameSecret(decoded.slice(0, colon), parameters.basicAuth.user) && sameSecret(decoded.slice(colon + 1), parameters.basicAuth.password);
      if (!ok) throw new ChatAuthRequiredError();
    }
    return { public: true };
  }
  const principal = await authenticateRequest(request, db, { sessionSecret: options.sessionSecret });
  if (!principal) throw new UnauthenticatedError();
  if (principal.workspaceId === workflow.workspaceId) return { public: false };
  if (principal.via === "session" && (await getMembership(db, workflow.workspaceId, principal.userId))) return { public: false };
  throw new ForbiddenError("This chat is for members of the workflow's workspace only");
}

const sessionIdSchema = z.string().trim().min(1).max(512);

/** A `useChat` request (DefaultChatTransport: `{ id, messages, trigger, messageId }`) or n8n's `{ sessionId, chatInput }`. */
const chatRequestSchema = z
  .object({
    id: z.string().optional(),
    sessionId: sessionIdSchema.optional(),
    chatInput: z.string().optional(),
    messages: z
      .array(z.looseObject({ role: z.string(), parts: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).default([]) }))
      .optional(),
  })
  .loose()
  .transform((body, context) => {
    const sessionId = body.sessionId ?? body.id?.trim();
    const lastUser = body.messages?.findLast((message) => message.role === "user");
    const chatInput = body.chatInput ?? lastUser?.parts.filter((part) => part.type === "text").map((part) => part.text ?? "").join("");
    if (!sessionId || sessionId.length > 512) context.addIssue({ code: "custom", path: ["sessionId"], message: "a chat message needs a session id (sessionId, or useChat's id), at most 512 characters" });
    if (!chatInput || chatInput.trim() === "") context.addIssue({ code: "custom", path: ["chatInput"], message: "a chat message needs text (chatInput, or a user message with a text part)" });
    return { sessionId: sessionId ?? "", chatInput: chatInput ?? "" };
  });

function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/** Runs one step of the handler, turning errors into the API's error responses (with CORS headers once known). */
async function answer(request: Request, run: (cors: (headers: Record<string, string>) => void) => Promise<Response>): Promise<Response> {
  let cors: Record<string, string> = {};
  try {
    return await run((headers) => (cors = headers));
  } catch (error) {
    const response = withHeaders(errorResponse(error, { method: request.method, path: new URL(request.url).pathname, logger: log }), cors);
    // A script that asks for its own user name and password (the hosted page sends `X-Requested-With`) gets no challenge:
    // a browser would answer it with its own login dialog.
    if (HetumindError.isInstance(error) && error.code === "chat_auth_required" && !request.headers.has("x-requested-with")) {
      response.headers.set("www-authenticate", 'Basic realm="Chat"');
    }
    return response;
  }
}

/** POST: one chat message in, the UI message stream out. */
export function handleChatMessage(request: Request, workflowId: string, options: HandleChatOptions = {}): Promise<Response> {
  return answer(request, async (setCors) => {
    const { engine, database } = options.runtime ?? (await serverRuntime());
    const target = await loadTarget(database.db, workflowId);
    const cors = corsHeaders(request, target);
    setCors(cors);
    const caller = await authorize(request, database.db, target, options);
    const raw = await readJsonBody(request, { maxBytes: options.maxBodyBytes ?? chatMaxBodyBytes() });
    const { sessionId, chatInput } = validate(chatRequestSchema, raw);
    const execution = await engine.start({
      workflow: workflowDocument(target.workflow),
      workflowId: target.workflow.id,
      workspaceId: target.workflow.workspaceId,
      mode: "trigger",
      triggerNode: target.nodeName,
      input: { sessionId, chatInput, action: "sendMessage" },
      // The reply streams from the run: it starts while the execution's row is written (or, for a workflow without side
      // effects, the row is written when it ends).
      deferRecord: true,
    });
    return uiMessageSseResponse(
      async (writer) => {
        const ui = new ChatUiStream(writer);
        ui.start(randomUUID(), { executionId: execution.id, sessionId });
        // Registered before the run: every delta of this execution's agents reaches the stream. The run goes on (and is
        // recorded) if the client goes away; the writer then drops what it is given.
        const unregister = registerChatStream(execution.id, ui);
        let outcome;
        try {
          outcome = await engine.run(execution);
        } finally {
          unregister();
        }
        ui.finish(outcome, (failed) =>
          caller.public ? `The workflow failed (execution ${failed.executionId})` : `${failed.error.message} (execution ${failed.executionId}, ${failed.status})`,
        );
      },
      {
        headers: { "x-hetumind-execution-id": execution.id, "cache-control": "no-store", ...cors },
        onError: (error) => {
          log.error("chat execution crashed", { executionId: execution.id, error: error instanceof Error ? error.message : String(error) });
          return caller.public ? `The chat failed (execution ${execution.id})` : `The chat failed: ${error instanceof Error ? error.message : String(error)}`;
        },
      },
    );
  });
}

/** GET: the session's history from chat memory as UI messages (empty when the workflow has no memory node). */
export function handleChatHistory(request: Request, workflowId: string, options: HandleChatOptions = {}): Promise<Response> {
  return answer(request, async (setCors) => {
    const { database } = options.runtime ?? (await serverRuntime());
    const target = await loadTarget(database.db, workflowId);
    const cors = corsHeaders(request, target);
    setCors(cors);
    await authorize(request, database.db, target, options);
    const sessionId = validate(z.object({ sessionId: sessionIdSchema }), { sessionId: new URL(request.url).searchParams.get("sessionId") ?? "" }, "query").sessionId;
    const turns = target.hasMemory ? await loadChatTurns(database.db, target.workflow.workspaceId, sessionId) : [];
    return withHeaders(Response.json({ sessionId, messages: turnsToUiMessages(turns) }, { headers: { "cache-control": "no-store" } }), cors);
  });
}

/** What the hosted page (app/chat/[workflowId]) needs to know about a chat; throws ChatNotFoundError. */
export async function chatPageInfo(db: Database, workflowId: string): Promise<{ workflowId: string; workspaceId: string; title: string; initialMessages: string[]; public: boolean; active: boolean; basicAuth: boolean; hasMemory: boolean }> {
  const target = await loadTarget(db, workflowId);
  const { parameters, workflow } = target;
  return {
    workflowId: workflow.id,
    workspaceId: workflow.workspaceId,
    title: parameters.options.title ?? workflow.name,
    initialMessages: parameters.initialMessages.split("\n").map((line) => line.trim()).filter(Boolean),
    public: parameters.public,
    active: workflow.active,
    basicAuth: parameters.public && parameters.authentication === "basicAuth",
    hasMemory: target.hasMemory,
  };
}

/** OPTIONS: the CORS preflight of a public chat. */
export function handleChatPreflight(request: Request, workflowId: string, options: HandleChatOptions = {}): Promise<Response> {
  return answer(request, async (setCors) => {
    const { database } = options.runtime ?? (await serverRuntime());
    const target = await loadTarget(database.db, workflowId);
    const cors = corsHeaders(request, target);
    setCors(cors);
    return new Response(null, {
      status: 204,
      headers: { ...cors, "access-control-allow-methods": "GET, POST, OPTIONS", "access-control-allow-headers": "content-type, authorization, x-requested-with", "access-control-max-age": "600" },
    });
  });
}
