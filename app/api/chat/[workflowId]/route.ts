/** The chat endpoint of a workflow's Chat Trigger (lib/triggers/chat.ts): POST a message, GET the history, OPTIONS for CORS. */
import { handleChatHistory, handleChatMessage, handleChatPreflight } from "@/lib/triggers/chat";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ workflowId: string }> };

export async function POST(request: Request, { params }: Context): Promise<Response> {
  return handleChatMessage(request, (await params).workflowId);
}

export async function GET(request: Request, { params }: Context): Promise<Response> {
  return handleChatHistory(request, (await params).workflowId);
}

export async function OPTIONS(request: Request, { params }: Context): Promise<Response> {
  return handleChatPreflight(request, (await params).workflowId);
}
