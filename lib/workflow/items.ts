/** Items: the data that flows between `main` nodes, in n8n's shape. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface PairedItem {
  item: number;
  input?: number;
}

export interface BinaryData {
  mimeType: string;
  fileName?: string;
  /** base64 */
  data: string;
}

export interface Item {
  json: JsonObject;
  binary?: Record<string, BinaryData>;
  pairedItem?: PairedItem;
  /** Set when a node with `onError: "continue"` turned an error into an item. */
  error?: { message: string; code?: string };
}

/** A node's output: one list of items per output index. `null` or `[]` on an output means it does not activate what follows. */
export type NodeOutput = Array<Item[] | null>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Wraps plain values as items (what Code nodes and triggers receive from users). */
export function toItems(values: unknown): Item[] {
  const list = Array.isArray(values) ? values : [values];
  return list.map((value) => {
    if (isJsonObject(value) && isJsonObject(value.json)) {
      return value as unknown as Item;
    }
    return { json: isJsonObject(value) ? (value as JsonObject) : { value: value as JsonValue } };
  });
}
