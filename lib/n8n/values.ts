/** Small readers for n8n parameter values. */

export type Parameters = Record<string, unknown>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** n8n's resource locator (`{ __rl: true, value, mode }`) or a plain value -> the value. */
export function locatorValue(value: unknown): unknown {
  return isRecord(value) && "__rl" in value ? value.value : value;
}

export function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

export function string(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function number(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function boolean(value: unknown): boolean | undefined {
  return typeof value === "boolean" ? value : undefined;
}

/** An object without its `undefined` entries (so a mapped node carries only what the export set). */
export function defined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined));
}

/** The keys of `options` that we do not map, for a warning. */
export function ignoredKeys(value: unknown, known: readonly string[]): string[] {
  return Object.keys(record(value)).filter((key) => !known.includes(key));
}
