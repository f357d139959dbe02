import { workspaceRoutes } from "@/lib/api/workspace/routes";

export const DELETE = workspaceRoutes().deleteInvite;
