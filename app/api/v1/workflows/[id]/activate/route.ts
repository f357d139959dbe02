import { activateWorkflowHandler } from "@/lib/api/workflows/handlers";
import { route } from "@/lib/http";

export const POST = route<{ id: string }, "editor">({ auth: "editor" }, ({ params, principal, db }) => activateWorkflowHandler(db, principal, params.id));
