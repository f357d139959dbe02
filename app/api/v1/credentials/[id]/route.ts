import { credentialRoutes } from "@/lib/api/credentials/routes";

const routes = credentialRoutes();
export const GET = routes.get;
export const PATCH = routes.update;
export const DELETE = routes.remove;
