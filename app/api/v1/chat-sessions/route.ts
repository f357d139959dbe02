import { chatSessionHistory, chatSessionQuerySchema, clearChatSessionHandler } from "@/lib/api/chat/sessions";
import { parseQuery, route } from "@/lib/http";

export const GET = route({ auth: "viewer" }, ({ request, principal, db }) => chatSessionHistory(db, principal.workspaceId, parseQuery(request, chatSessionQuerySchema).sessionId));

export const DELETE = route({ auth: "editor" }, ({ request, principal, db }) => clearChatSessionHandler(db, principal.workspaceId, parseQuery(request, chatSessionQuerySchema).sessionId));
