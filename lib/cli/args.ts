import { parseArgs } from "node:util";
import { z } from "zod";
import { HetumindError } from "@/lib/errors";

export class UsageError extends HetumindError {
  constructor(message: string) {
    super("usage", message);
  }
}

export const USAGE = `hetumind <command>

  validate <file>                       check a workflow file (ours or an n8n export); prints every problem (exit 1 when invalid)
  run <file> [--input '<json>'] [--trace]
                                        run a workflow and print its output items as JSON
                                        --trace also prints each node's status and ms (on stderr)
  worker [--concurrency N] [--until-idle]
                                        run the local driver until SIGTERM (drains gracefully)
  executions [--status s] [--limit N]   list executions
  resume <executionId> [--approve | --reject [--comment c] | --data '<json>']
                                        resume a waiting execution
  import <file>                         store a workflow (ours or an n8n export, mapped); prints its id, the report on stderr
  export <id>                           print a stored workflow as JSON
  user create --email E [--password P] [--name N] [--workspace NAME]
                                        create an account (the first one owns the default workspace; else a new
                                        workspace, named NAME if given); without --password prints a generated one once
  user reset-password --email E [--password P]
                                        set a new password (printed once when generated) and lift the sign-in lock
  apikey create --email E [--workspace NAME|ID] [--name N]
                                        create an API key for the user in that workspace; prints the key once

Environment: HETUMIND_DATA_DIR (embedded database directory, default .hetumind/data), DATABASE_URL (use a Postgres server),
HETUMIND_ALLOW_PRIVATE_NETWORK=true (let HTTP nodes call private addresses), HETUMIND_LOG_LEVEL (debug|info|warn|error|silent).`;

export function parseCommandLine(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      input: { type: "string" },
      trace: { type: "boolean" },
      status: { type: "string" },
      limit: { type: "string" },
      approve: { type: "boolean" },
      reject: { type: "boolean" },
      comment: { type: "string" },
      data: { type: "string" },
      concurrency: { type: "string" },
      "until-idle": { type: "boolean" },
      email: { type: "string" },
      password: { type: "string" },
      workspace: { type: "string" },
      name: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  return { command: positionals[0], args: positionals.slice(1), options: values };
}

export type CommandLine = ReturnType<typeof parseCommandLine>;

export function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = z.coerce.number().int().positive().safeParse(value);
  if (!parsed.success) throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
  return parsed.data;
}
