import { catalogEntries } from "@/lib/engine/node-catalog";

/** The node catalog: every node declaration with its parameter JSON Schema (what the palette and editor render). */
export function GET() {
  return Response.json({ nodes: catalogEntries() });
}
