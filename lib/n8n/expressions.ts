/**
 * n8n expressions in parameters. n8n marks an expression with a leading `=` (`"={{ $json.x }}"`, `"=Hello {{ $json.name }}"`);
 * our templates are the `{{ ... }}` parts themselves (docs/sandbox-and-expressions.md), so the `=` goes and the rest is kept.
 * What n8n offers and our expressions do not is reported as a warning, with the node and the parameter.
 */
import type { ImportWarning } from "./types";

/** n8n names our expression data does not have, and what to do instead. */
const UNSUPPORTED_NAMES: Array<{ pattern: RegExp; name: string; advice: string }> = [
  { pattern: /\$env\b/, name: "$env", advice: "environment variables are not readable from expressions; put the value in the parameter or a credential" },
  { pattern: /\$vars\b/, name: "$vars", advice: "n8n variables do not exist here; write the value in the parameter" },
  { pattern: /\$secrets\b/, name: "$secrets", advice: "external secrets are not supported; use a credential" },
  { pattern: /\$fromAI\s*\(/, name: "$fromAI()", advice: "use the HTTP Request tool's {placeholders} or a declared tool input schema" },
  { pattern: /\$binary\b/, name: "$binary", advice: "binary data is not available to expressions" },
  { pattern: /\$prevNode\b/, name: "$prevNode", advice: "name the node: $('Node name').item.json" },
  { pattern: /\$runIndex\b/, name: "$runIndex", advice: "not available" },
  { pattern: /\$parameter\b/, name: "$parameter", advice: "not available; repeat the value" },
  { pattern: /\$position\b/, name: "$position", advice: "not available; use $itemIndex" },
  { pattern: /\$jmespath\s*\(/, name: "$jmespath()", advice: "write the path in JavaScript" },
  { pattern: /\$if\s*\(/, name: "$if()", advice: "use the ternary operator (a ? b : c)" },
  { pattern: /\$ifEmpty\s*\(/, name: "$ifEmpty()", advice: "use ?? or ||" },
  { pattern: /\$(?:min|max)\s*\(/, name: "$min()/$max()", advice: "use Math.min / Math.max" },
  { pattern: /\$evaluateExpression\s*\(/, name: "$evaluateExpression()", advice: "not available" },
  { pattern: /\$execution\.(?:resumeUrl|resumeFormUrl|customData|mode)\b/, name: "$execution.resumeUrl/customData/mode", advice: "only $execution.id is available" },
  { pattern: /\$resumeWebhookUrl\b/, name: "$resumeWebhookUrl", advice: "not available" },
  { pattern: /\bDateTime\.|\bDuration\.|\bInterval\./, name: "Luxon (DateTime/Duration)", advice: "use $now / $today (a small Luxon-like surface) or Date" },
  { pattern: /\.(?:toDateTime|isEmpty|isNotEmpty|extractEmail|extractDomain|extractUrl|toTitleCase|toSentenceCase|toSnakeCase|removeTags|hash|base64Encode|base64Decode|isEmail|isUrl|urlEncode|urlDecode|toBoolean|toInt|toFloat|round|floor|ceil|format|pluck|compact|unique|chunk|randomItem|sum|average|first|last)\(\)/, name: "n8n's data transformation functions", advice: "write the equivalent JavaScript (first()/last() of $input and $('Node') are supported)" },
];

/** Strips n8n's expression marker: `"={{ $json.x }}"` -> `"{{ $json.x }}"`, `"=text"` -> `"text"`. */
export function normalizeExpressionString(value: string): string {
  return value.startsWith("=") ? value.slice(1) : value;
}

function unsupportedIn(text: string): Array<{ name: string; advice: string }> {
  const found: Array<{ name: string; advice: string }> = [];
  for (const entry of UNSUPPORTED_NAMES) {
    // `.first()` / `.last()` are ours on $input and $('Node'); flag the extension functions only elsewhere.
    if (entry.name === "n8n's data transformation functions") {
      const stripped = text.replace(/(?:\$input|\$\([^)]*\)|\$items\([^)]*\))\.(?:first|last)\(\)/g, "");
      if (!entry.pattern.test(stripped)) continue;
    } else if (!entry.pattern.test(text)) continue;
    found.push({ name: entry.name, advice: entry.advice });
  }
  return found;
}

function pathText(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>((text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${key}` : key), "");
}

/**
 * Returns a copy of `value` with every string's `=` marker removed, and pushes a warning for each expression using
 * something our expressions do not support. `rawKeys` (code parameters) are copied untouched and not scanned.
 */
export function normalizeParameters(
  value: Record<string, unknown>,
  options: { node: string; warnings: ImportWarning[]; rawKeys?: readonly string[] },
): Record<string, unknown> {
  const walk = (current: unknown, path: Array<string | number>): unknown => {
    if (typeof current === "string") {
      if (!current.startsWith("=")) return current;
      const text = normalizeExpressionString(current);
      if (text.includes("{{")) {
        for (const { name, advice } of unsupportedIn(text)) {
          options.warnings.push({ node: options.node, path: `parameters.${pathText(path)}`, message: `the expression uses ${name}, which is not supported: ${advice}` });
        }
      }
      return text;
    }
    if (Array.isArray(current)) return current.map((entry, index) => walk(entry, [...path, index]));
    if (current !== null && typeof current === "object") {
      return Object.fromEntries(Object.entries(current).map(([key, entry]) => [key, walk(entry, [...path, key])]));
    }
    return current;
  };
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [key, options.rawKeys?.includes(key) ? entry : walk(entry, [key])]),
  );
}
