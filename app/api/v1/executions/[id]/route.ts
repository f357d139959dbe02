import { deleteExecutionHandler, getExecutionHandler } from "@/lib/api/executions/handlers";
import { route } from "@/lib/http";

type Params = { id: string };

export const GET = route<Params, "viewer">({ auth: "viewer" }, ({ params, principal, db }) => getExecutionHandler(db, principal, params.id));

export const DELETE = route<Params, "editor">({ auth: "editor" }, async ({ params, principal, db }) => {
  await deleteExecutionHandler(db, principal, params.id);
});
