-- Custom migration: node runs carry the token usage and cost of the model calls they made (AI nodes), read through the
-- `node_runs` view as a last column (CREATE OR REPLACE VIEW may only add columns at the end).
CREATE OR REPLACE VIEW "node_runs" AS
SELECT
  b."id" AS "batch_id",
  r."position" AS "position",
  b."execution_id",
  b."workspace_id",
  r."nodeName" AS "node_name",
  r."nodeType" AS "node_type",
  r."runIndex" AS "run_index",
  r."attempt" AS "attempt",
  r."status" AS "status",
  r."startedAt" AS "started_at",
  r."finishedAt" AS "finished_at",
  r."durationMs" AS "duration_ms",
  r."itemsIn" AS "items_in",
  r."itemsOut" AS "items_out",
  r."input" AS "input",
  r."output" AS "output",
  r."error" AS "error",
  r."usage" AS "usage"
FROM "node_run_batches" b
CROSS JOIN LATERAL ROWS FROM (json_to_recordset(b."runs") AS (
  "nodeName" text, "nodeType" text, "runIndex" integer, "attempt" integer, "status" text,
  "startedAt" timestamptz, "finishedAt" timestamptz, "durationMs" double precision, "itemsIn" integer, "itemsOut" integer,
  "input" jsonb, "output" jsonb, "error" jsonb, "usage" jsonb
)) WITH ORDINALITY AS r(
  "nodeName", "nodeType", "runIndex", "attempt", "status", "startedAt", "finishedAt", "durationMs", "itemsIn", "itemsOut",
  "input", "output", "error", "usage", "position"
);
