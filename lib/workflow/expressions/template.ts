/**
 * n8n-style templates: a string holding `{{ ... }}` parts. A leading `=` (n8n exports write "={{ $json.x }}") is
 * dropped. The end of an expression is the first `}}` outside strings, template literals, comments and braces, so
 * `{{ {a: {b: 1}} }}` and `{{ "}}" }}` parse as expected.
 */

export type TemplatePart = { kind: "text"; text: string } | { kind: "expression"; source: string };

export interface ParsedTemplate {
  parts: TemplatePart[];
  /** The whole string is one `{{ expression }}`: its value keeps its type. */
  single: boolean;
}

const CACHE_LIMIT = 10_000;
const cache = new Map<string, ParsedTemplate | null>();

/** Parses a template; `undefined` when the string holds no `{{ expression }}`. Results are cached. */
export function parseTemplate(value: string): ParsedTemplate | undefined {
  if (!value.includes("{{")) return undefined;
  const cached = cache.get(value);
  if (cached !== undefined) return cached ?? undefined;
  const parsed = parseUncached(value);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(value, parsed ?? null);
  return parsed;
}

function parseUncached(value: string): ParsedTemplate | undefined {
  const text = value.startsWith("=") ? value.slice(1) : value;
  const parts: TemplatePart[] = [];
  let literal = "";
  let position = 0;
  while (position < text.length) {
    const open = text.indexOf("{{", position);
    if (open < 0) break;
    const end = findExpressionEnd(text, open + 2);
    if (end < 0) break;
    literal += text.slice(position, open);
    if (literal) parts.push({ kind: "text", text: literal });
    literal = "";
    parts.push({ kind: "expression", source: text.slice(open + 2, end).trim() });
    position = end + 2;
  }
  literal += text.slice(position);
  if (!parts.some((part) => part.kind === "expression")) return undefined;
  if (literal) parts.push({ kind: "text", text: literal });
  return { parts, single: parts.length === 1 };
}

/** Index of the `}}` that closes an expression starting at `start`, or -1. */
function findExpressionEnd(text: string, start: number): number {
  let depth = 0;
  let index = start;
  while (index < text.length) {
    const char = text[index];
    if (char === '"' || char === "'") {
      index = skipString(text, index, char);
      if (index < 0) return -1;
      continue;
    }
    if (char === "`") {
      index = skipTemplateLiteral(text, index);
      if (index < 0) return -1;
      continue;
    }
    if (char === "/" && text[index + 1] === "/") {
      const newline = text.indexOf("\n", index);
      if (newline < 0) return -1;
      index = newline + 1;
      continue;
    }
    if (char === "/" && text[index + 1] === "*") {
      const close = text.indexOf("*/", index + 2);
      if (close < 0) return -1;
      index = close + 2;
      continue;
    }
    if (char === "{") depth += 1;
    else if (char === "}") {
      if (depth === 0 && text[index + 1] === "}") return index;
      if (depth > 0) depth -= 1;
    }
    index += 1;
  }
  return -1;
}

/** Returns the index after the closing quote, or -1 when the string never closes. */
function skipString(text: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < text.length) {
    const char = text[index];
    if (char === "\\") index += 2;
    else if (char === quote) return index + 1;
    else if (char === "\n") return -1;
    else index += 1;
  }
  return -1;
}

/** Skips a template literal, including `${ ... }` parts (which may hold strings and template literals). */
function skipTemplateLiteral(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const char = text[index];
    if (char === "\\") {
      index += 2;
    } else if (char === "`") {
      return index + 1;
    } else if (char === "$" && text[index + 1] === "{") {
      index = skipBraces(text, index + 2);
      if (index < 0) return -1;
    } else {
      index += 1;
    }
  }
  return -1;
}

/** From just inside a `{`, returns the index after its matching `}`. */
function skipBraces(text: string, start: number): number {
  let depth = 0;
  let index = start;
  while (index < text.length) {
    const char = text[index];
    if (char === '"' || char === "'") {
      index = skipString(text, index, char);
      if (index < 0) return -1;
      continue;
    }
    if (char === "`") {
      index = skipTemplateLiteral(text, index);
      if (index < 0) return -1;
      continue;
    }
    if (char === "{") depth += 1;
    else if (char === "}") {
      if (depth === 0) return index + 1;
      depth -= 1;
    }
    index += 1;
  }
  return -1;
}

/** How a value is written into a template with text around it. */
export function templateText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value) ?? "";
}
