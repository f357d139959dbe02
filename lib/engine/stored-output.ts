import type { Item } from "@/lib/workflow/items";

/**
 * How a node run's output is stored. Many nodes pass items through unchanged (If, Filter, Switch, Merge's append, No-Op,
 * Loop batches, Wait): their output items are input items, with at most `pairedItem` set to the input position. Those
 * lists are stored as positions in the node's input 0 instead of a second copy of the items:
 *   `{ "$input": 0, "positions": [4, 7, ...] }`
 * (an If over 10,000 items would otherwise store 10,000 items again). `expandStoredOutput` turns them back into items.
 */
export interface InputReference {
  $input: 0;
  positions: number[];
}

export type StoredOutputList = Item[] | InputReference | null;

function isPassThrough(item: Item, source: Item, position: number): boolean {
  return (
    item.json === source.json &&
    item.binary === source.binary &&
    item.error === source.error &&
    (item.pairedItem === source.pairedItem || (item.pairedItem?.item === position && item.pairedItem.input === undefined))
  );
}

export function compactOutput(output: Array<Item[] | null>, input: Item[] | null): StoredOutputList[] {
  if (!input || input.length === 0) return output;
  let positionsOf: Map<object, number> | undefined;
  return output.map((list) => {
    if (!list || list.length === 0) return list;
    positionsOf ??= new Map(input.map((item, position) => [item.json, position]));
    const positions: number[] = [];
    for (const item of list) {
      const position = positionsOf.get(item.json);
      if (position === undefined || !isPassThrough(item, input[position], position)) return list;
      positions.push(position);
    }
    return { $input: 0, positions };
  });
}

export function isInputReference(value: unknown): value is InputReference {
  return typeof value === "object" && value !== null && (value as { $input?: unknown }).$input === 0 && Array.isArray((value as { positions?: unknown }).positions);
}

/** Items of a stored output list, given the node's input 0 items (from its source node's stored output). */
export function expandStoredOutput(list: StoredOutputList, input: Item[] | undefined): Item[] | null {
  if (!isInputReference(list)) return list;
  return list.positions.map((position) => ({ ...(input?.[position] ?? { json: {} }), pairedItem: { item: position } }));
}
