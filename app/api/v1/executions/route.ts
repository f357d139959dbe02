import { executionsQueryOf, listExecutionsHandler } from "@/lib/api/executions/handlers";
import { listExecutionsQuerySchema } from "@/lib/api/executions/schemas";
import { route, validate } from "@/lib/http";

export const GET = route({ auth: "viewer" }, ({ request, principal, db }) =>
  listExecutionsHandler(db, principal, validate(listExecutionsQuerySchema, executionsQueryOf(request), "query")),
);
