import { restoreVersionHandler } from "@/lib/api/workflows/handlers";
import { route } from "@/lib/http";

export const POST = route<{ id: string; versionId: string }, "editor">({ auth: "editor" }, ({ params, principal, db }) =>
  restoreVersionHandler(db, principal, params.id, params.versionId),
);
