/**
 * Opaque cursors for keyset pagination: base64url of `[timestamp text, id]` of the last row of a page. The timestamp is
 * the database's own text (microseconds kept), so the next page starts exactly after that row.
 */
import { z } from "zod";
import { HetumindError } from "@/lib/errors";

export function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id]), "utf8").toString("base64url");
}

/** The cursor's position, or a 400 (`bad_request`) when it is not one this API handed out. */
export function decodeCursor(cursor: string | undefined): { at: string; id: string } | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === "string" && typeof value[1] === "string" && !Number.isNaN(Date.parse(value[0]))) {
      return { at: value[0], id: value[1] };
    }
  } catch {
    // falls through
  }
  throw new HetumindError("bad_request", "The cursor is not valid: pass the nextCursor of a previous page unchanged", {});
}

/** Rows fetched with `limit + 1`: the page and the cursor of the next one (null on the last page). */
export function pageOf<Row extends { cursorAt: string }, Out>(rows: Row[], limit: number, idOf: (row: Row) => string, map: (row: Row) => Out): { data: Out[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { data: page.map(map), nextCursor: rows.length > limit && last ? encodeCursor(last.cursorAt, idOf(last)) : null };
}

export const limitSchema = z.coerce.number().int().min(1).max(100).default(20).describe("Page size, 1-100 (default 20)");
export const cursorSchema = z.string().max(1000).optional().describe("The nextCursor of the previous page");
export const booleanQuerySchema = z.enum(["true", "false"]);

export function pageSchema<Item extends z.ZodType>(item: Item) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() });
}
