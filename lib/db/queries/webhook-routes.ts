/** The (method, path) routes active workflows listen on (lib/triggers). The primary key makes a clash a conflict. */
import { and, eq, like } from "drizzle-orm";
import type { Database } from "../client";
import { changing } from "../changes";
import { type WebhookRoute, webhookRoutes } from "../schema-platform";

export interface WebhookRouteInput {
  method: string;
  path: string;
  workspaceId: string;
  workflowId: string;
  nodeName: string;
}

/** Inserts the routes that are free; returns the ones another row already holds (nothing is inserted for them). */
export async function insertWebhookRoutes(db: Database, routes: WebhookRouteInput[]): Promise<WebhookRouteInput[]> {
  if (routes.length === 0) return [];
  const inserted = await changing("workflows", () =>
    db.insert(webhookRoutes).values(routes).onConflictDoNothing().returning({ method: webhookRoutes.method, path: webhookRoutes.path }),
  );
  const done = new Set(inserted.map((route) => `${route.method} ${route.path}`));
  return routes.filter((route) => !done.has(`${route.method} ${route.path}`));
}

export async function getWebhookRoute(db: Database, method: string, path: string): Promise<WebhookRoute | undefined> {
  const [row] = await db
    .select()
    .from(webhookRoutes)
    .where(and(eq(webhookRoutes.method, method), eq(webhookRoutes.path, path)))
    .limit(1);
  return row;
}

/** Every route on exactly this path (one per method). */
export function getWebhookRoutesByPath(db: Database, path: string): Promise<WebhookRoute[]> {
  return db.select().from(webhookRoutes).where(eq(webhookRoutes.path, path));
}

/** Routes with `:param` segments, matched in code. */
export function getParameterizedWebhookRoutes(db: Database): Promise<WebhookRoute[]> {
  return db.select().from(webhookRoutes).where(like(webhookRoutes.path, "%:%"));
}

export function listWebhookRoutes(db: Database, workspaceId: string, workflowId: string): Promise<WebhookRoute[]> {
  return db
    .select()
    .from(webhookRoutes)
    .where(and(eq(webhookRoutes.workspaceId, workspaceId), eq(webhookRoutes.workflowId, workflowId)));
}

export async function deleteWebhookRoutes(db: Database, workspaceId: string, workflowId: string): Promise<number> {
  const deleted = await changing("workflows", () =>
    db
      .delete(webhookRoutes)
      .where(and(eq(webhookRoutes.workspaceId, workspaceId), eq(webhookRoutes.workflowId, workflowId)))
      .returning({ path: webhookRoutes.path }),
  );
  return deleted.length;
}
