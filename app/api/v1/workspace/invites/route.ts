import { workspaceRoutes } from "@/lib/api/workspace/routes";

const routes = workspaceRoutes();
export const GET = routes.listInvites;
export const POST = routes.createInvite;
