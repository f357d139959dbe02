import { buildOpenApiDocument } from "@/lib/api/openapi";
import { route } from "@/lib/http/route";

let document: Record<string, unknown> | undefined;

/** Public: the API's description is not a secret. Built once per process. */
export const GET = route({ auth: "none", database: async () => undefined as never }, () => {
  document ??= buildOpenApiDocument();
  return Response.json(document, { headers: { "cache-control": "public, max-age=300" } });
});
