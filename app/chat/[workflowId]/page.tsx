/**
 * The hosted chat page of a workflow's Chat Trigger: a `useChat` client of /api/chat/<workflowId> (chat-client.tsx).
 * Public chats are open to anyone while the workflow is active (with basic auth, the page asks for the user name and
 * password and sends them with every request); workspace-only chats need a member's session.
 */
import { notFound, redirect } from "next/navigation";
import { getMembership } from "@/lib/db/queries/memberships";
import { HetumindError } from "@/lib/errors";
import { chatPageInfo } from "@/lib/triggers/chat";
import { currentPrincipal } from "@/lib/ui/session";
import { ChatClient } from "./chat-client";

export const dynamic = "force-dynamic";

export default async function ChatPage({ params }: { params: Promise<{ workflowId: string }> }) {
  const { workflowId } = await params;
  const { principal, db } = await currentPrincipal();
  let info: Awaited<ReturnType<typeof chatPageInfo>>;
  try {
    info = await chatPageInfo(db, workflowId);
  } catch (error) {
    if (HetumindError.isInstance(error) && (error.code === "chat_not_found" || error.code === "workflow_invalid")) notFound();
    throw error;
  }
  if (info.public && !info.active) notFound();
  if (!info.public) {
    if (!principal) redirect("/sign-in");
    const member = principal.workspaceId === info.workspaceId || (principal.via === "session" && (await getMembership(db, info.workspaceId, principal.userId)));
    if (!member) notFound();
  }
  return (
    <main style={{ maxWidth: 760, margin: "0 auto", padding: "24px 16px", display: "flex", flexDirection: "column", minHeight: "100vh", boxSizing: "border-box" }}>
      <ChatClient workflowId={info.workflowId} title={info.title} initialMessages={info.initialMessages} basicAuth={info.basicAuth} />
    </main>
  );
}
