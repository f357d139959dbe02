import { createWorkflowHandler, listWorkflowsHandler } from "@/lib/api/workflows/handlers";
import { listWorkflowsQuerySchema } from "@/lib/api/workflows/schemas";
import { parseQuery, readJsonBody, route } from "@/lib/http";

export const GET = route({ auth: "viewer" }, async ({ request, principal, db }) =>
  listWorkflowsHandler(db, principal, parseQuery(request, listWorkflowsQuerySchema)),
);

export const POST = route({ auth: "editor" }, async ({ request, principal, db }) =>
  Response.json(await createWorkflowHandler(db, principal, await readJsonBody(request)), { status: 201 }),
);
