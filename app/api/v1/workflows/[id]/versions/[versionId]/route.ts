import { getVersionHandler } from "@/lib/api/workflows/handlers";
import { route } from "@/lib/http";

export const GET = route<{ id: string; versionId: string }, "viewer">({ auth: "viewer" }, ({ params, principal, db }) =>
  getVersionHandler(db, principal, params.id, params.versionId),
);
