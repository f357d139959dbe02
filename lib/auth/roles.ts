/** Roles, from least to most: viewer (read) < editor (change workflows, credentials, runs) < owner (members, keys). */
import { type Role, ROLES } from "../db/schema-platform";
import { ForbiddenError } from "./errors";

export { ROLES, type Role };

const RANK: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 };

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` is at least `minimum`. */
export function hasRole(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

/** Throws ForbiddenError (403) unless the principal's role is at least `minimum`. */
export function requireRole(principal: { role: Role; workspaceId: string }, minimum: Role): void {
  if (!hasRole(principal.role, minimum)) {
    throw new ForbiddenError(`This needs the ${minimum} role in this workspace; you are ${principal.role === "owner" ? "an" : "a"} ${principal.role}`, {
      workspaceId: principal.workspaceId,
      required: minimum,
      role: principal.role,
    });
  }
}
