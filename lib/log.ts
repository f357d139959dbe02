import type { NodeLogger } from "@/lib/workflow/node-definition";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = keyof typeof LEVELS;

function threshold(): number {
  const configured = (process.env.HETUMIND_LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info")) as Level;
  return LEVELS[configured] ?? LEVELS.info;
}

export interface Logger extends NodeLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** Structured JSON logs on stderr, one object per line, with the context fields (execution id, node, workspace). */
export function createLogger(context: Record<string, unknown> = {}): Logger {
  const write = (level: Level, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < threshold()) return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...context, ...fields })}\n`);
  };
  return {
    debug: (message, fields) => write("debug", message, fields),
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
    child: (fields) => createLogger({ ...context, ...fields }),
  };
}
