import { retryExecutionHandler } from "@/lib/api/executions/handlers";
import { retryExecutionBodySchema, retryExecutionQuerySchema } from "@/lib/api/executions/schemas";
import { parseOptionalJsonBody } from "@/lib/api/workflows/body";
import { parseQuery, route } from "@/lib/http";

export const POST = route<{ id: string }, "editor">({ auth: "editor" }, async ({ request, params, principal, db }) => {
  const query = parseQuery(request, retryExecutionQuerySchema);
  const body = await parseOptionalJsonBody(request, retryExecutionBodySchema);
  const { status, body: answer } = await retryExecutionHandler(db, principal, params.id, { from: body.from, wait: query.wait === "true" });
  return Response.json(answer, { status });
});
