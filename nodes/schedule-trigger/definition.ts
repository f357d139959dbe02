import { Cron } from "croner";
import { z } from "zod";
import { defineNode } from "@/lib/workflow/node-definition";

function validTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

const cronRule = z.object({
  mode: z.literal("cron"),
  /** 5 fields (minute hour day month weekday) or 6 (with seconds first), as croner reads them. */
  expression: z.string().min(1),
});

const intervalRule = z.object({
  mode: z.literal("interval"),
  every: z.coerce.number().int().min(1),
  unit: z.enum(["minutes", "hours", "days"]),
  /** hours and days: at which minute of the hour; days: at which hour of the day. */
  atMinute: z.coerce.number().int().min(0).max(59).default(0),
  atHour: z.coerce.number().int().min(0).max(23).default(0),
});

export const scheduleTriggerParameters = z
  .object({
    rule: z.discriminatedUnion("mode", [cronRule, intervalRule]),
    /** An IANA zone; default: the workflow's `settings.timezone`, else UTC. */
    timezone: z.string().optional(),
  })
  .superRefine((parameters, context) => {
    if (parameters.timezone !== undefined && !validTimezone(parameters.timezone)) {
      context.addIssue({ code: "custom", path: ["timezone"], message: `unknown time zone "${parameters.timezone}"` });
    }
    const { rule } = parameters;
    if (rule.mode === "interval") {
      const max = { minutes: 59, hours: 23, days: 31 }[rule.unit];
      if (rule.every > max) context.addIssue({ code: "custom", path: ["rule", "every"], message: `every ${rule.every} ${rule.unit}: at most ${max}` });
      return;
    }
    try {
      new Cron(rule.expression, { paused: true, mode: "5-or-6-parts" });
    } catch (error) {
      context.addIssue({ code: "custom", path: ["rule", "expression"], message: `invalid cron expression: ${error instanceof Error ? error.message : String(error)}` });
    }
  });

export type ScheduleTriggerParameters = z.infer<typeof scheduleTriggerParameters>;

/**
 * The cron expression a rule stands for. Intervals are aligned like n8n's: every N minutes fires at the minutes divisible
 * by N (`*\/N`), every N hours at `atMinute` of the hours divisible by N, every N days at `atHour:atMinute` of the days
 * of the month divisible by N (from the 1st).
 */
export function cronOfRule(rule: ScheduleTriggerParameters["rule"]): string {
  if (rule.mode === "cron") return rule.expression.trim();
  switch (rule.unit) {
    case "minutes":
      return `*/${rule.every} * * * *`;
    case "hours":
      return `${rule.atMinute} */${rule.every} * * *`;
    case "days":
      return `${rule.atMinute} ${rule.atHour} */${rule.every} * *`;
  }
}

/** The next time the expression fires strictly after `after`, in `timezone`; null when it never fires again. */
export function nextCronRun(cron: string, timezone: string, after: Date): Date | null {
  return new Cron(cron, { paused: true, timezone, mode: "5-or-6-parts" }).nextRun(after);
}

/**
 * Starts the workflow on a schedule. The local driver fires due schedules (lib/triggers/schedules.ts) and hands the
 * trigger one item `{ timestamp, scheduledAt, timezone }`.
 */
export const scheduleTrigger = defineNode({
  type: "hetumind.scheduleTrigger",
  version: 1,
  displayName: "Schedule Trigger",
  description: "Starts the workflow on a cron expression or every N minutes, hours or days, in a time zone.",
  group: "trigger",
  icon: "clock",
  aliases: ["cron", "timer", "interval"],
  trigger: true,
  inputs: [],
  outputs: [{ kind: "main" }],
  parameters: scheduleTriggerParameters,
  sideEffects: false,
  execute: (context) => {
    if (context.items.length > 0) return [context.items];
    const now = new Date().toISOString();
    return [[{ json: { timestamp: now, scheduledAt: now, timezone: context.parameters(0).timezone ?? "UTC" } }]];
  },
});
