import { credentialRoutes } from "@/lib/api/credentials/routes";

const routes = credentialRoutes();
export const GET = routes.list;
export const POST = routes.create;
