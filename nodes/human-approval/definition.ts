import { z } from "zod";
import { defineNode } from "@/lib/workflow/node-definition";
import type { Item, JsonValue } from "@/lib/workflow/items";
import { toItems } from "@/lib/workflow/items";

/**
 * Pauses the execution until a person approves, rejects, or edits the data. Approved items (or the edited data) leave on
 * `approved`; on rejection the items leave on `rejected` with the reviewer's comment.
 */
export const humanApproval = defineNode({
  type: "hetumind.humanApproval",
  version: 1,
  displayName: "Human Approval",
  description: "Waits for a person to approve, edit or reject the data before going on.",
  group: "flow",
  icon: "user-check",
  aliases: ["approve", "review", "human in the loop", "hitl"],
  inputs: [{ kind: "main" }],
  outputs: [{ kind: "main", name: "approved" }, { kind: "main", name: "rejected" }],
  pauses: true,
  parameters: z.object({
    message: z.string().min(1, "tell the reviewer what to decide").default("Please review"),
  }),
  sideEffects: false,
  execute(context) {
    const { message } = context.parameters(0);
    const data: JsonValue = context.items.map((item) => item.json);
    const decision = context.pause({ kind: "approval", message, data });
    if (decision.kind !== "approval") return [context.items, null];
    if (decision.decision === "reject") {
      const rejected: Item[] = context.items.map((item) => ({ ...item, json: { ...item.json, _rejection: decision.comment ?? null } }));
      return [null, rejected];
    }
    return [decision.data === undefined ? context.items : toItems(decision.data), null];
  },
});
