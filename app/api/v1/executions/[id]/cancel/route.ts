import { cancelExecutionHandler } from "@/lib/api/executions/handlers";
import { route } from "@/lib/http";

export const POST = route<{ id: string }, "editor">({ auth: "editor" }, ({ params, principal, db }) => cancelExecutionHandler(db, principal, params.id));
