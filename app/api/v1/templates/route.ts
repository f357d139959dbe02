import { listTemplatesHandler } from "@/lib/api/templates/handlers";
import { route } from "@/lib/http";

export const GET = route({ auth: "viewer" }, async () => Response.json(listTemplatesHandler()));
