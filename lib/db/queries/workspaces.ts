import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Database } from "../client";
import { type Workspace, workspaces } from "../schema";

export async function createWorkspace(db: Database, input: { id?: string; name: string }): Promise<Workspace> {
  const [row] = await db
    .insert(workspaces)
    .values({ id: input.id ?? randomUUID(), name: input.name })
    .returning();
  return row;
}

export async function getWorkspace(db: Database, workspaceId: string): Promise<Workspace | undefined> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId)).limit(1);
  return row;
}
