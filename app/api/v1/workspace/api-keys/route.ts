import { workspaceRoutes } from "@/lib/api/workspace/routes";

const routes = workspaceRoutes();
export const GET = routes.listApiKeys;
export const POST = routes.createApiKey;
