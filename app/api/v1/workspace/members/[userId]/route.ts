import { workspaceRoutes } from "@/lib/api/workspace/routes";

const routes = workspaceRoutes();
export const PATCH = routes.updateMember;
export const DELETE = routes.removeMember;
