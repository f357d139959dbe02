import { z } from "zod";
import { nodeDefinitions } from "@/nodes";
import type { NodeGroup } from "@/lib/workflow/node-definition";

export interface CatalogEntry {
  type: string;
  version: number;
  displayName: string;
  description: string;
  group: NodeGroup;
  icon: string;
  aliases: string[];
  trigger: boolean;
  sideEffects: boolean;
  /** JSON Schema of the parameters, derived from the node's zod schema: what the editor renders forms from. */
  parametersSchema: unknown;
}

const GROUP_ORDER: NodeGroup[] = ["trigger", "ai", "core", "flow", "transform"];

export function catalogEntries(): CatalogEntry[] {
  return nodeDefinitions.map((definition) => ({
    type: definition.type,
    version: definition.version,
    displayName: definition.displayName,
    description: definition.description,
    group: definition.group,
    icon: definition.icon,
    aliases: definition.aliases ?? [],
    trigger: definition.trigger === true,
    sideEffects: definition.sideEffects,
    parametersSchema: z.toJSONSchema(definition.parameters, { io: "input", unrepresentable: "any" }),
  }));
}

/** The palette: node declarations grouped, in a stable order. */
export function nodeCatalog(): Array<{ group: NodeGroup; nodes: CatalogEntry[] }> {
  const entries = catalogEntries();
  return GROUP_ORDER.map((group) => ({ group, nodes: entries.filter((entry) => entry.group === group) })).filter((group) => group.nodes.length > 0);
}
