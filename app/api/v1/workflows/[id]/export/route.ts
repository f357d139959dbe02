import { exportWorkflowHandler } from "@/lib/api/workflows/handlers";
import { route } from "@/lib/http";

export const GET = route<{ id: string }, "viewer">({ auth: "viewer" }, ({ params, principal, db }) => exportWorkflowHandler(db, principal, params.id));
