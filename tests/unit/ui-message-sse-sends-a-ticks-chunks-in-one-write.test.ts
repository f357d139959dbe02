import { describe, expect, it } from "vitest";
import { uiMessageSseResponse } from "@/lib/triggers/ui-message-sse";

const tick = () => new Promise((resolve) => setImmediate(resolve));
const decoder = new TextDecoder();

describe("the UI message stream response", () => {
  it("sends the chunks written in one tick as one write, and streams across ticks", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const response = uiMessageSseResponse(
      async (writer) => {
        writer.write({ type: "start", messageId: "m1" });
        writer.write({ type: "text-start", id: "t" });
        writer.write({ type: "text-delta", id: "t", delta: "Hel" });
        await released;
        writer.write({ type: "text-delta", id: "t", delta: "lo" });
        writer.write({ type: "text-end", id: "t" });
        writer.write({ type: "finish" });
      },
      { headers: { "x-hetumind-execution-id": "e1", "cache-control": "no-store" }, onError: () => "failed" },
    );
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "content-type": "text/event-stream",
      "x-vercel-ai-ui-message-stream": "v1",
      "x-hetumind-execution-id": "e1",
      "cache-control": "no-store",
    });
    const reader = response.body!.getReader();
    // The first three chunks, before the run goes on: one read.
    const first = decoder.decode((await reader.read()).value);
    expect(first).toBe('data: {"type":"start","messageId":"m1"}\n\ndata: {"type":"text-start","id":"t"}\n\ndata: {"type":"text-delta","id":"t","delta":"Hel"}\n\n');
    release();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value);
    expect(rest).toBe('data: {"type":"text-delta","id":"t","delta":"lo"}\n\ndata: {"type":"text-end","id":"t"}\n\ndata: {"type":"finish"}\n\ndata: [DONE]\n\n');
  });

  it("ends with an error chunk when the run throws", async () => {
    const response = uiMessageSseResponse(
      async (writer) => {
        writer.write({ type: "start" });
        await tick();
        throw new Error("boom");
      },
      { onError: (error) => `The chat failed: ${(error as Error).message}` },
    );
    expect(await response.text()).toBe('data: {"type":"start"}\n\ndata: {"type":"error","errorText":"The chat failed: boom"}\n\ndata: [DONE]\n\n');
  });

  it("keeps running when the client goes away, dropping what is written", async () => {
    let finished = false;
    const response = uiMessageSseResponse(
      async (writer) => {
        writer.write({ type: "start" });
        await tick();
        await tick();
        writer.write({ type: "finish" });
        finished = true;
      },
      { onError: () => "failed" },
    );
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    for (let index = 0; index < 5 && !finished; index++) await tick();
    expect(finished).toBe(true);
  });
});
