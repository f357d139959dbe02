import { importWorkflowHandler } from "@/lib/api/workflows/handlers";
import { readJsonBody, route } from "@/lib/http";

export const POST = route({ auth: "editor" }, async ({ request, principal, db }) =>
  Response.json(await importWorkflowHandler(db, principal, await readJsonBody(request)), { status: 201 }),
);
