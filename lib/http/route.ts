/**
 * The wrapper every App Router handler goes through: authenticate (cookie or API key), check the role, run the
 * handler, and turn any error into a response in one place (error-response.ts). A handler returns a Response, or a
 * value that becomes a 200 JSON response.
 *
 * ```ts
 * // app/api/v1/workflows/route.ts — export only the methods the path allows (Next answers 405 to the others)
 * export const POST = route({ auth: "editor" }, async ({ request, principal, db }) => {
 *   const body = await parseJsonBody(request, createWorkflowSchema);
 *   return Response.json(await createWorkflow(db, { workspaceId: principal.workspaceId, ...body }), { status: 201 });
 * });
 * ```
 */
import { authenticateRequest, type Principal } from "../auth/authenticate";
import { UnauthenticatedError } from "../auth/errors";
import { requireRole, type Role } from "../auth/roles";
import { type Database, getDatabase } from "../db/client";
import { NotFoundError } from "../errors";
import { createLogger, type Logger } from "../log";
import { errorResponse } from "./error-response";

export interface RouteOptions<Auth extends Role | "none"> {
  /** The least role the route needs, or "none" for a public route. */
  auth: Auth;
  /** Where the database comes from (tests); default the process-wide one. */
  database?: () => Promise<Database>;
  logger?: Logger;
}

export interface RouteInput<Params, Auth extends Role | "none"> {
  request: Request;
  params: Params;
  db: Database;
  /** The caller (undefined on public routes). */
  principal: Auth extends "none" ? Principal | undefined : Principal;
  logger: Logger;
}

/** What Next passes as the second argument of a route handler. */
export interface NextRouteContext<Params> {
  params: Promise<Params>;
}

async function processDatabase(): Promise<Database> {
  return (await getDatabase()).db;
}

export function route<Params = Record<string, string | string[]>, Auth extends Role | "none" = Role | "none">(
  options: RouteOptions<Auth>,
  handler: (input: RouteInput<Params, Auth>) => Promise<Response | unknown> | Response | unknown,
): (request: Request, context: NextRouteContext<Params>) => Promise<Response> {
  const baseLogger = options.logger ?? createLogger({ component: "http" });
  return async (request, context) => {
    let principal: Principal | undefined;
    const path = safePath(request.url);
    try {
      const db = await (options.database ?? processDatabase)();
      if (options.auth !== "none") {
        principal = await authenticateRequest(request, db);
        if (!principal) throw new UnauthenticatedError();
        requireRole(principal, options.auth as Role);
      }
      const params = ((await context?.params) ?? {}) as Params;
      // A NUL cannot be in any stored id (PostgreSQL text refuses it): such an id names nothing.
      for (const value of Object.values(params as Record<string, unknown>)) {
        if (typeof value === "string" && value.includes("\u0000")) throw new NotFoundError("Resource", value);
      }
      const logger = principal ? baseLogger.child({ workspaceId: principal.workspaceId }) : baseLogger;
      const result = await handler({ request, params, db, principal: principal as RouteInput<Params, Auth>["principal"], logger });
      if (result instanceof Response) return result;
      if (result === undefined) return new Response(null, { status: 204 });
      return Response.json(result);
    } catch (error) {
      return errorResponse(error, { method: request.method, path, workspaceId: principal?.workspaceId, userId: principal?.userId, logger: baseLogger });
    }
  };
}

function safePath(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
