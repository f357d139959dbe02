import { readFile } from "node:fs/promises";
import path from "node:path";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";
import { listExecutions, getExecution } from "@/lib/db/queries/executions";
import { listCredentials } from "@/lib/db/queries/credentials";
import { listNodeRuns } from "@/lib/db/queries/node-runs";
import { createWorkflow, getWorkflow } from "@/lib/db/queries/workflows";
import { DEFAULT_WORKSPACE_ID, EXECUTION_STATUSES, type ExecutionStatus } from "@/lib/db/schema";
import { HetumindError, WorkflowValidationError, formatProblem } from "@/lib/errors";
import { Engine, type Decision, type ExecutionOutcome } from "@/lib/engine/engine";
import { LocalDriver } from "@/lib/engine/drivers/local";
import { createLogger } from "@/lib/log";
import { formatImportReport, isN8nWorkflow, prepareImport } from "@/lib/n8n/import";
import type { JsonValue } from "@/lib/workflow/items";
import { parseJsonText } from "@/lib/workflow/parse-json";
import { validateWorkflow } from "@/lib/workflow/validate";
import { nodeRegistry } from "@/nodes";
import { commandApiKey, commandUser } from "./admin";
import { USAGE, UsageError, parseCommandLine, positiveInteger, type CommandLine } from "./args";

interface Output {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

async function readWorkflowFile(file: string): Promise<unknown> {
  const text = await readFile(path.resolve(file), "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${file}: ${error.code === "ENOENT" ? "no such file" : error.message}`);
  });
  return parseJsonText(text);
}

function parseJsonOption(value: string | undefined, name: string): unknown {
  if (value === undefined) return undefined;
  try {
    return parseJsonText(value);
  } catch (error) {
    throw new UsageError(`--${name} is not valid JSON: ${(error as Error).message}`);
  }
}

function requireArgument(line: CommandLine, what: string): string {
  const value = line.args[0];
  if (!value) throw new UsageError(`${line.command} needs ${what}\n\n${USAGE}`);
  return value;
}

async function withEngine<T>(run: (engine: Engine, database: DatabaseHandle) => Promise<T>): Promise<T> {
  const database = await openDatabase();
  try {
    const engine = new Engine({ database, registry: nodeRegistry, loadWorkflowFile: readWorkflowFile, logger: createLogger({ component: "cli" }) });
    return await run(engine, database);
  } finally {
    await database.close();
  }
}

async function printTrace(database: DatabaseHandle, executionId: string, output: Output): Promise<void> {
  const runs = await listNodeRuns(database.db, DEFAULT_WORKSPACE_ID, executionId);
  for (const run of runs) {
    const error = run.error ? `  ${(run.error as { message?: string }).message ?? ""}` : "";
    output.err(`${run.status.padEnd(9)} ${run.durationMs.toFixed(2).padStart(9)} ms  ${String(run.itemsIn).padStart(6)} -> ${String(run.itemsOut).padEnd(6)} ${run.nodeName}${error}`);
  }
}

/** Reports an outcome: output items as JSON on stdout; a pause or failure explained on stderr. Returns the exit code. */
function report(outcome: ExecutionOutcome, output: Output): number {
  switch (outcome.status) {
    case "succeeded":
      output.out(JSON.stringify(outcome.output.map((item) => item.json), null, 2));
      return 0;
    case "waiting":
      if (outcome.pause.kind === "approval") {
        output.err(`Execution ${outcome.executionId} is waiting for approval: ${outcome.pause.message}`);
        output.err(`Resume it with: hetumind resume ${outcome.executionId} --approve | --reject | --data '<json>'`);
      } else {
        output.err(`Execution ${outcome.executionId} is waiting until ${outcome.pause.resumeAt}`);
      }
      output.out(JSON.stringify({ executionId: outcome.executionId, status: "waiting", pause: outcome.pause }, null, 2));
      return 0;
    default:
      output.err(`Execution ${outcome.executionId} ${outcome.status}${outcome.error.node ? ` at node "${outcome.error.node}"` : ""}: ${outcome.error.message}`);
      return 1;
  }
}

/** Runs in this process until the execution finishes or waits for a person; sleeps through timed waits (durably). */
async function runToRest(engine: Engine, first: ExecutionOutcome, workspaceId: string): Promise<ExecutionOutcome> {
  let outcome = first;
  while (outcome.status === "waiting" && outcome.pause.kind === "timer") {
    const due = new Date(outcome.pause.resumeAt).getTime() - Date.now();
    if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
    outcome = await engine.run(await engine.claim(workspaceId, outcome.executionId));
  }
  return outcome;
}

async function commandRun(line: CommandLine, output: Output): Promise<number> {
  const workflow = await readWorkflowFile(requireArgument(line, "a workflow file"));
  const input = parseJsonOption(line.options.input, "input");
  return withEngine(async (engine, database) => {
    const first = await engine.startAndRun({ workflow, input, mode: "cli" });
    const outcome = await runToRest(engine, first, DEFAULT_WORKSPACE_ID);
    if (line.options.trace) await printTrace(database, outcome.executionId, output);
    return report(outcome, output);
  });
}

/** An n8n export is validated as it would import (mapped; the import report goes to stderr). */
function commandValidate(document: unknown, output: Output): number {
  const { workflow, report } = prepareImport(document, nodeRegistry);
  const lines = formatImportReport(report);
  if (lines.length > 0) output.err(lines.join("\n"));
  const result = validateWorkflow(workflow, nodeRegistry);
  if (result.ok) {
    output.out(`valid: ${result.workflow.nodes.length} nodes`);
    return 0;
  }
  output.err(`invalid: ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}`);
  result.problems.forEach((problem) => output.err(`  - ${formatProblem(problem)}`));
  return 1;
}

async function commandResume(line: CommandLine, output: Output): Promise<number> {
  const executionId = requireArgument(line, "an execution id");
  const chosen = [line.options.approve, line.options.reject, line.options.data !== undefined].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError("resume needs exactly one of --approve, --reject or --data '<json>'");
  const decision: Decision = line.options.reject
    ? { approve: false, comment: line.options.comment }
    : { approve: true, data: parseJsonOption(line.options.data, "data") as JsonValue | undefined, comment: line.options.comment };
  return withEngine(async (engine) => {
    await engine.decide(DEFAULT_WORKSPACE_ID, executionId, decision);
    const outcome = await runToRest(engine, await engine.run(await engine.claim(DEFAULT_WORKSPACE_ID, executionId)), DEFAULT_WORKSPACE_ID);
    return report(outcome, output);
  });
}

async function commandWorker(line: CommandLine, output: Output): Promise<number> {
  const concurrency = positiveInteger(line.options.concurrency, "concurrency", 4);
  return withEngine(async (engine, database) => {
    const driver = new LocalDriver(engine, database, { concurrency });
    if (line.options["until-idle"]) {
      await driver.runUntilIdle();
      return 0;
    }
    output.err(`worker ${engine.workerId} running (concurrency ${concurrency}); SIGTERM or Ctrl-C drains and stops`);
    await driver.start();
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
    });
    output.err(`draining ${driver.active} running execution(s)...`);
    await driver.stop({ drain: true });
    return 0;
  });
}

async function commandExecutions(line: CommandLine, output: Output): Promise<number> {
  const status = line.options.status;
  if (status !== undefined && !(EXECUTION_STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`--status must be one of ${EXECUTION_STATUSES.join(", ")}`);
  }
  const limit = positiveInteger(line.options.limit, "limit", 50);
  return withEngine(async (_engine, database) => {
    const rows = await listExecutions(database.db, DEFAULT_WORKSPACE_ID, { status: status as ExecutionStatus | undefined, limit });
    output.out(
      JSON.stringify(
        rows.map((row) => ({ id: row.id, status: row.status, mode: row.mode, workflowId: row.workflowId, createdAt: row.createdAt, startedAt: row.startedAt, finishedAt: row.finishedAt, error: row.error })),
        null,
        2,
      ),
    );
    return 0;
  });
}

/** Prints the new workflow's id on stdout; for an n8n export, the import report (lib/n8n) on stderr. */
async function commandImport(line: CommandLine, output: Output): Promise<number> {
  const document = await readWorkflowFile(requireArgument(line, "a workflow file"));
  return withEngine(async (_engine, database) => {
    const existing = isN8nWorkflow(document) ? await listCredentials(database.db, DEFAULT_WORKSPACE_ID) : [];
    const { workflow, report } = prepareImport(document, nodeRegistry, existing);
    const result = validateWorkflow(workflow, nodeRegistry);
    if (!result.ok) throw new WorkflowValidationError(result.problems);
    const { id: _id, active: _active, versionId: _versionId, ...definition } = workflow as Record<string, unknown>;
    const row = await createWorkflow(database.db, { workspaceId: DEFAULT_WORKSPACE_ID, name: result.workflow.name, definition });
    const lines = formatImportReport(report);
    if (lines.length > 0) output.err(lines.join("\n"));
    output.out(row.id);
    return 0;
  });
}

async function commandExport(line: CommandLine, output: Output): Promise<number> {
  const id = requireArgument(line, "a workflow id");
  return withEngine(async (_engine, database) => {
    const row = await getWorkflow(database.db, DEFAULT_WORKSPACE_ID, id);
    if (!row) throw new HetumindError("not_found", `no workflow with id ${id}`);
    output.out(JSON.stringify({ ...row.definition, id: row.id, name: row.name, active: row.active, versionId: row.versionId }, null, 2));
    return 0;
  });
}

/** The `hetumind` command. Returns the exit code: 0 ok, 1 failed or invalid, 2 usage. */
export async function main(argv: string[], output: Output = stdio): Promise<number> {
  let line: CommandLine;
  try {
    line = parseCommandLine(argv);
  } catch (error) {
    output.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (line.options.help || !line.command) {
    output.out(USAGE);
    return line.command || line.options.help ? 0 : 2;
  }
  try {
    switch (line.command) {
      case "validate":
        return commandValidate(await readWorkflowFile(requireArgument(line, "a workflow file")), output);
      case "run":
        return await commandRun(line, output);
      case "worker":
        return await commandWorker(line, output);
      case "executions":
        return await commandExecutions(line, output);
      case "resume":
        return await commandResume(line, output);
      case "import":
        return await commandImport(line, output);
      case "export":
        return await commandExport(line, output);
      case "user":
        return await commandUser(line, output);
      case "apikey":
        return await commandApiKey(line, output);
      case "show": {
        const id = requireArgument(line, "an execution id");
        return await withEngine(async (_engine, database) => {
          const execution = await getExecution(database.db, DEFAULT_WORKSPACE_ID, id);
          if (!execution) throw new HetumindError("not_found", `no execution with id ${id}`);
          output.out(JSON.stringify({ ...execution, workflowSnapshot: undefined }, null, 2));
          await printTrace(database, id, output);
          return 0;
        });
      }
      default:
        output.err(`unknown command "${line.command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(error.message);
      return 2;
    }
    if (HetumindError.isInstance(error)) {
      output.err(error.message);
      return 1;
    }
    output.err(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}
