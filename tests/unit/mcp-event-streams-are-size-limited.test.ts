import { describe, expect, it } from "vitest";
import { limitEventSize } from "@/lib/mcp/guarded-fetch-adapter";

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function read(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe("MCP event streams", () => {
  it("pass events through untouched, however many, when each is under the limit", async () => {
    const events = Array.from({ length: 50 }, (_, index) => `data: {"n":${index}}\n\n`);
    expect(await read(limitEventSize(streamOf(events), 20, "http://x/sse"))).toBe(events.join(""));
    const crlf = ["data: a\r\n\r\n", "data: b\r\n", "\r\n"];
    expect(await read(limitEventSize(streamOf(crlf), 12, "http://x/sse"))).toBe(crlf.join(""));
  });

  it("fail when one event grows past the limit, even across chunks", async () => {
    const chunks = ["data: ok\n\n", "data: ", "x".repeat(30), "x".repeat(30)];
    await expect(read(limitEventSize(streamOf(chunks), 50, "http://x/sse"))).rejects.toMatchObject({
      code: "http_response_too_large",
      message: "An event from http://x/sse is larger than 50 bytes",
    });
  });
});
