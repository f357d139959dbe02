"use client";
/**
 * The chat itself: `useChat` (@ai-sdk/react) over `DefaultChatTransport` to /api/chat/<workflowId>. The session id lives in
 * localStorage per workflow; on return the session's history is loaded from the chat memory (GET /api/chat/<id>?sessionId=).
 * Only the new message is sent (the server has the history in memory). Replies stream token by token; tool calls are
 * collapsible steps.
 */
import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport, type UIMessage } from "ai";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";

const storageKey = (workflowId: string) => `hetumind.chat.${workflowId}.session`;
/** A public chat's basic auth, kept for the tab's life only (sessionStorage), never in localStorage. */
const authStorageKey = (workflowId: string) => `hetumind.chat.${workflowId}.auth`;

/** `Basic base64(user:password)` of the UTF-8 bytes (btoa alone takes Latin-1 only). */
function basicAuthorization(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

/** Thrown by the history load when the chat refuses the basic auth (401). */
class ChatAuthRefused extends Error {}

function newSessionId(): string {
  return typeof crypto.randomUUID === "function" ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

type Part = UIMessage["parts"][number];
type ToolPart = Extract<Part, { type: "dynamic-tool" }>;

const pre = { margin: "4px 0", padding: 8, background: "#f4f4f5", borderRadius: 6, fontSize: 12, whiteSpace: "pre-wrap", wordBreak: "break-word" } as const;

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

function ToolStep({ part }: { part: ToolPart }) {
  const state = part.state === "output-available" ? "done" : part.state === "output-error" ? "failed" : "running";
  return (
    <details data-testid="tool-step" data-tool={part.toolName} data-state={state} style={{ margin: "6px 0", border: "1px solid #e4e4e7", borderRadius: 8, padding: "6px 10px", background: "#fff" }}>
      <summary style={{ cursor: "pointer", fontSize: 13, color: "#3f3f46" }}>
        Tool <strong>{part.toolName}</strong> — {state}
      </summary>
      <div style={{ fontSize: 12, color: "#71717a", marginTop: 6 }}>Input</div>
      <pre style={pre} data-testid="tool-input">{show(part.input)}</pre>
      {part.state === "output-available" && (
        <>
          <div style={{ fontSize: 12, color: "#71717a" }}>Output</div>
          <pre style={pre} data-testid="tool-output">{show(part.output)}</pre>
        </>
      )}
      {part.state === "output-error" && <pre style={{ ...pre, color: "#b91c1c" }} data-testid="tool-error">{part.errorText}</pre>}
    </details>
  );
}

function Message({ message }: { message: UIMessage }) {
  const mine = message.role === "user";
  return (
    <div data-testid={`chat-message-${message.role}`} style={{ alignSelf: mine ? "flex-end" : "flex-start", maxWidth: "85%", margin: "6px 0" }}>
      {message.parts.map((part, index) => {
        if (part.type === "text") {
          return (
            <div key={index} data-testid="chat-text" style={{ padding: "8px 12px", borderRadius: 12, whiteSpace: "pre-wrap", background: mine ? "#2563eb" : "#fff", color: mine ? "#fff" : "#111", border: mine ? "none" : "1px solid #e4e4e7" }}>
              {part.text}
            </div>
          );
        }
        if (part.type === "dynamic-tool") return <ToolStep key={index} part={part} />;
        return null;
      })}
    </div>
  );
}

function Conversation({ workflowId, sessionId, history, greeting, authorization }: { workflowId: string; sessionId: string; history: UIMessage[]; greeting: string[]; authorization: string | null }) {
  const transport = useMemo(
    () =>
      new DefaultChatTransport<UIMessage>({
        api: `/api/chat/${encodeURIComponent(workflowId)}`,
        credentials: "same-origin",
        headers: authorization ? { authorization, "x-requested-with": "hetumind-chat" } : undefined,
        prepareSendMessagesRequest: ({ id, messages, trigger, messageId }) => ({ body: { id, trigger, messageId, messages: messages.slice(-1) } }),
      }),
    [workflowId, authorization],
  );
  const { messages, sendMessage, status, error, stop } = useChat({ id: sessionId, transport, messages: history });
  const [input, setInput] = useState("");
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Braces: Chromium's scrollIntoView returns a promise, and an effect may only return a clean-up function.
    void end.current?.scrollIntoView({ block: "end" });
  }, [messages]);
  const busy = status === "submitted" || status === "streaming";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = input.trim();
    if (!text || busy) return;
    setInput("");
    void sendMessage({ text });
  };

  return (
    <>
      <div data-testid="chat-messages" data-status={status} style={{ flex: 1, display: "flex", flexDirection: "column", padding: "8px 0" }}>
        {messages.length === 0 &&
          greeting.map((line, index) => (
            <div key={index} data-testid="chat-greeting" style={{ alignSelf: "flex-start", padding: "8px 12px", borderRadius: 12, background: "#fff", border: "1px solid #e4e4e7", margin: "4px 0" }}>
              {line}
            </div>
          ))}
        {messages.map((message) => (
          <Message key={message.id} message={message} />
        ))}
        {status === "submitted" && <div style={{ color: "#71717a", fontSize: 13 }} data-testid="chat-thinking">…</div>}
        {error && (
          <div data-testid="chat-error" style={{ color: "#b91c1c", fontSize: 13, margin: "6px 0" }}>
            {error.message}
          </div>
        )}
        <div ref={end} />
      </div>
      <form onSubmit={submit} style={{ display: "flex", gap: 8, position: "sticky", bottom: 0, background: "#fafafa", padding: "12px 0" }}>
        <input
          data-testid="chat-input"
          value={input}
          onChange={(event) => setInput(event.target.value)}
          placeholder="Type a message"
          autoFocus
          style={{ flex: 1, padding: "10px 12px", borderRadius: 8, border: "1px solid #d4d4d8", fontSize: 15 }}
        />
        {busy ? (
          <button type="button" onClick={() => void stop()} data-testid="chat-stop" style={{ padding: "0 16px" }}>
            Stop
          </button>
        ) : (
          <button type="submit" data-testid="chat-send" disabled={input.trim() === ""} style={{ padding: "0 16px" }}>
            Send
          </button>
        )}
      </form>
    </>
  );
}

/** The user name and password form of a public chat with basic auth; `check` answers whether the chat accepts them. */
function BasicAuthForm({ check }: { check: (authorization: string) => Promise<boolean> }) {
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [state, setState] = useState<"idle" | "checking" | "refused">("idle");
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setState("checking");
    if (!(await check(basicAuthorization(user, password)))) setState("refused");
  };
  return (
    <form onSubmit={(event) => void submit(event)} data-testid="chat-auth-form" style={{ display: "flex", flexDirection: "column", gap: 8, maxWidth: 320, margin: "32px auto" }}>
      <p style={{ margin: 0 }}>This chat needs a user name and password.</p>
      <input data-testid="chat-auth-user" value={user} onChange={(event) => setUser(event.target.value)} placeholder="User name" autoComplete="username" autoFocus />
      <input data-testid="chat-auth-password" type="password" value={password} onChange={(event) => setPassword(event.target.value)} placeholder="Password" autoComplete="current-password" />
      <button type="submit" data-testid="chat-auth-submit" disabled={state === "checking" || user === ""}>
        Open the chat
      </button>
      {state === "refused" && (
        <div data-testid="chat-auth-error" style={{ color: "#b91c1c", fontSize: 13 }}>
          Wrong user name or password.
        </div>
      )}
    </form>
  );
}

export function ChatClient({ workflowId, title, initialMessages, basicAuth }: { workflowId: string; title: string; initialMessages: string[]; basicAuth: boolean }) {
  const [session, setSession] = useState<{ id: string; history: UIMessage[] } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  // undefined: not read from sessionStorage yet; null: none (needed only when `basicAuth`).
  const [authorization, setAuthorization] = useState<string | null | undefined>(undefined);

  /** Loads the session's history; with basic auth, a 401 throws ChatAuthRefused. */
  const loadHistory = async (id: string, withAuthorization: string | null): Promise<UIMessage[]> => {
    const response = await fetch(`/api/chat/${encodeURIComponent(workflowId)}?sessionId=${encodeURIComponent(id)}`, {
      credentials: "same-origin",
      cache: "no-store",
      // X-Requested-With: a 401 then comes without a challenge, so the browser shows no login dialog of its own.
      headers: withAuthorization ? { authorization: withAuthorization, "x-requested-with": "hetumind-chat" } : undefined,
    });
    if (response.status === 401 && basicAuth) throw new ChatAuthRefused();
    const body = (await response.json()) as { messages?: UIMessage[]; error?: { message: string } };
    if (!response.ok) throw new Error(body.error?.message ?? `history: HTTP ${response.status}`);
    return body.messages ?? [];
  };

  const currentSessionId = () => {
    let id = window.localStorage.getItem(storageKey(workflowId));
    if (!id) {
      id = newSessionId();
      window.localStorage.setItem(storageKey(workflowId), id);
    }
    return id;
  };

  const open = async (id: string, withAuthorization: string | null) => {
    setSession(null);
    try {
      setSession({ id, history: await loadHistory(id, withAuthorization) });
    } catch (error) {
      if (error instanceof ChatAuthRefused) {
        window.sessionStorage.removeItem(authStorageKey(workflowId));
        setAuthorization(null);
        return;
      }
      setLoadError(error instanceof Error ? error.message : String(error));
      setSession({ id, history: [] });
    }
  };

  useEffect(() => {
    const stored = basicAuth ? window.sessionStorage.getItem(authStorageKey(workflowId)) : null;
    setAuthorization(stored);
    if (!basicAuth || stored) void open(currentSessionId(), stored);
  }, [workflowId, basicAuth]);

  /** The form's check: the history loads with these credentials (then they are kept for the tab) or they are refused. */
  const signIn = async (candidate: string): Promise<boolean> => {
    const id = currentSessionId();
    try {
      const history = await loadHistory(id, candidate);
      window.sessionStorage.setItem(authStorageKey(workflowId), candidate);
      setAuthorization(candidate);
      setSession({ id, history });
      return true;
    } catch (error) {
      if (error instanceof ChatAuthRefused) return false;
      setLoadError(error instanceof Error ? error.message : String(error));
      return false;
    }
  };

  const restart = () => {
    const id = newSessionId();
    window.localStorage.setItem(storageKey(workflowId), id);
    setLoadError(null);
    setSession({ id, history: [] });
  };

  return (
    <>
      <header style={{ display: "flex", alignItems: "center", justifyContent: "space-between", borderBottom: "1px solid #e4e4e7", paddingBottom: 12 }}>
        <h1 style={{ fontSize: 20, margin: 0 }} data-testid="chat-title">{title}</h1>
        <button type="button" onClick={restart} data-testid="chat-new-session" style={{ fontSize: 13 }}>
          New conversation
        </button>
      </header>
      {loadError && <div style={{ color: "#b91c1c", fontSize: 13 }} data-testid="chat-load-error">{loadError}</div>}
      {basicAuth && authorization === null ? (
        <BasicAuthForm check={signIn} />
      ) : session ? (
        <Conversation key={session.id} workflowId={workflowId} sessionId={session.id} history={session.history} greeting={initialMessages} authorization={authorization ?? null} />
      ) : (
        <div style={{ color: "#71717a", padding: 16 }} data-testid="chat-loading">Loading…</div>
      )}
    </>
  );
}
