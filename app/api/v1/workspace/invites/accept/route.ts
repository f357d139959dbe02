import { workspaceRoutes } from "@/lib/api/workspace/routes";

export const POST = workspaceRoutes().acceptInvite;
