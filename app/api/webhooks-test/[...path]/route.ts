import { webhookRouteHandlers } from "@/lib/triggers/routes";
export const { GET, POST, PUT, PATCH, DELETE, HEAD } = webhookRouteHandlers(true);
