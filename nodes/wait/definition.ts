import { z } from "zod";
import { defineNode } from "@/lib/workflow/node-definition";
import { HetumindError } from "@/lib/errors";

const UNIT_MS = { seconds: 1_000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

/**
 * Waits for an interval or until a date. Durable: the execution becomes `waiting` with a due time stored in Postgres and a
 * checkpoint; a worker resumes it when due, even after restarts. No timer lives in memory.
 */
export const wait = defineNode({
  type: "hetumind.wait",
  version: 1,
  displayName: "Wait",
  description: "Pauses the execution for a while or until a date, then continues.",
  group: "flow",
  icon: "hourglass",
  inputs: [{ kind: "main" }],
  outputs: [{ kind: "main" }],
  pauses: true,
  parameters: z
    .object({
      resume: z.enum(["timeInterval", "specificTime"]).default("timeInterval"),
      amount: z.number().min(0).default(1),
      unit: z.enum(["seconds", "minutes", "hours", "days"]).default("seconds"),
      dateTime: z.string().optional(),
    })
    .superRefine((value, context) => {
      if (value.resume === "specificTime" && !value.dateTime) {
        context.addIssue({ code: "custom", path: ["dateTime"], message: "waiting until a date needs the date" });
      }
    }),
  parameterHints: {
    amount: { displayWhen: { resume: ["timeInterval"] } },
    unit: { displayWhen: { resume: ["timeInterval"] } },
    dateTime: { label: "Until", placeholder: "2026-12-01T09:00:00Z", displayWhen: { resume: ["specificTime"] } },
  },
  sideEffects: false,
  execute(context) {
    const parameters = context.parameters(0);
    let resumeAt: number;
    if (parameters.resume === "specificTime") {
      resumeAt = new Date(parameters.dateTime ?? "").getTime();
      if (Number.isNaN(resumeAt)) {
        throw new HetumindError("wait_date", `"${parameters.dateTime}" is not a date`, { parameter: "dateTime" });
      }
    } else {
      resumeAt = Date.now() + parameters.amount * UNIT_MS[parameters.unit];
    }
    context.pause({ kind: "timer", resumeAt: new Date(resumeAt).toISOString() });
    return [context.items];
  },
});
