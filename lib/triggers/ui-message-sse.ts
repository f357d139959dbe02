/**
 * A UI message stream response (AI SDK protocol v1: the headers of `createUIMessageStreamResponse`, `data: <chunk JSON>`
 * and a blank line per chunk, `data: [DONE]` at the end), written into one byte stream. Chunks written within one turn
 * of the event loop leave as one write: a model's deltas arrive several per network read, and every write is a socket
 * write here and a read at the client. The AI SDK's `createUIMessageStream` + `createUIMessageStreamResponse` piped each
 * chunk through three web streams and sent it alone; the chat route spent ~5 ms more per agent run than the webhook
 * route with the same agent (docs/ai.md, "Agent bench"). What reaches the client is the same protocol: the AI SDK's own
 * reader reads it (tests/integration/chat-endpoint-streams-ui-message-parts.int.test.ts).
 */
import { UI_MESSAGE_STREAM_HEADERS, type UIMessageChunk } from "ai";

export interface ChunkWriter {
  write(chunk: UIMessageChunk): void;
}

export interface UiMessageSseOptions {
  /** Extra response headers (they win over the protocol's defaults). */
  headers?: Record<string, string>;
  /** The `error` chunk's text when `execute` throws. */
  onError(error: unknown): string;
}

/** Runs `execute` with a writer; the response ends when it settles. A client that goes away stops nothing: writes are dropped. */
export function uiMessageSseResponse(execute: (writer: ChunkWriter) => Promise<void>, options: UiMessageSseOptions): Response {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let open = true;
  let pending = "";
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    if (!open || pending === "") return;
    const text = pending;
    pending = "";
    controller.enqueue(encoder.encode(text));
  };
  const emit = (text: string) => {
    if (!open) return;
    pending += text;
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const writer: ChunkWriter = { write: (chunk) => emit(`data: ${JSON.stringify(chunk)}\n\n`) };

  const body = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
      void (async () => {
        try {
          await execute(writer);
        } catch (error) {
          writer.write({ type: "error", errorText: options.onError(error) });
        }
        emit("data: [DONE]\n\n");
        flush();
        if (open) {
          open = false;
          controller.close();
        }
      })();
    },
    cancel() {
      open = false;
    },
  });
  return new Response(body, { headers: { ...UI_MESSAGE_STREAM_HEADERS, ...options.headers } });
}
