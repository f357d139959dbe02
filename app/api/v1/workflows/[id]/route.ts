import { deleteWorkflowHandler, getWorkflowHandler, updateWorkflowHandler } from "@/lib/api/workflows/handlers";
import { readJsonBody, route } from "@/lib/http";

type Params = { id: string };

export const GET = route<Params, "viewer">({ auth: "viewer" }, ({ params, principal, db }) => getWorkflowHandler(db, principal, params.id));

export const PUT = route<Params, "editor">({ auth: "editor" }, async ({ request, params, principal, db }) =>
  updateWorkflowHandler(db, principal, params.id, await readJsonBody(request)),
);

export const DELETE = route<Params, "editor">({ auth: "editor" }, async ({ params, principal, db }) => {
  await deleteWorkflowHandler(db, principal, params.id);
});
