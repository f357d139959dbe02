import { listVersionsHandler } from "@/lib/api/workflows/handlers";
import { listVersionsQuerySchema } from "@/lib/api/workflows/schemas";
import { parseQuery, route } from "@/lib/http";

export const GET = route<{ id: string }, "viewer">({ auth: "viewer" }, ({ request, params, principal, db }) =>
  listVersionsHandler(db, principal, params.id, parseQuery(request, listVersionsQuerySchema)),
);
