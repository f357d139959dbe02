import { importTemplateBodySchema, importTemplateHandler } from "@/lib/api/templates/handlers";
import { parseJsonBody, route } from "@/lib/http";

export const POST = route({ auth: "editor" }, async ({ request, principal, db }) =>
  Response.json(await importTemplateHandler(db, principal, await parseJsonBody(request, importTemplateBodySchema)), { status: 201 }),
);
