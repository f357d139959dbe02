import { workspaceRoutes } from "@/lib/api/workspace/routes";

export const GET = workspaceRoutes().listMembers;
