import { parseOptionalJsonBody } from "@/lib/api/workflows/body";
import { runWorkflowHandler } from "@/lib/api/workflows/handlers";
import { runWorkflowBodySchema, runWorkflowQuerySchema } from "@/lib/api/workflows/schemas";
import { parseQuery, route } from "@/lib/http";

export const POST = route<{ id: string }, "editor">({ auth: "editor" }, async ({ request, params, principal, db }) => {
  const query = parseQuery(request, runWorkflowQuerySchema);
  const body = await parseOptionalJsonBody(request, runWorkflowBodySchema);
  const { status, body: answer } = await runWorkflowHandler(db, principal, params.id, { input: body.input, wait: query.wait === "true" });
  return Response.json(answer, { status });
});
