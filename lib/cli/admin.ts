/**
 * Admin commands for operators and scripts, on the data dir or `DATABASE_URL` (PGlite: while the server is stopped —
 * the data-dir lock says so otherwise):
 *
 *   hetumind user create --email E [--password P] [--name N] [--workspace NAME]
 *   hetumind user reset-password --email E [--password P]
 *   hetumind apikey create --email E [--workspace NAME|ID] [--name N]
 *
 * Secrets made here (a generated password, an API key) go to stdout alone, once, so `$(hetumind ...)` captures them;
 * what else there is to say goes to stderr.
 */
import { generatePassword, hashPassword } from "../auth/password";
import { signInRateLimitKeys } from "../auth/sign-in";
import { signUp } from "../auth/sign-up";
import { openDatabase, type Database } from "../db/client";
import { createApiKey } from "../db/queries/api-keys";
import { listUserWorkspaces, type UserWorkspace } from "../db/queries/memberships";
import { resetRateLimit } from "../db/queries/rate-limits";
import { getUserByEmail, setUserPassword } from "../db/queries/users";
import { getWorkspace } from "../db/queries/workspaces";
import { NotFoundError } from "../errors";
import { type CommandLine, UsageError } from "./args";

export interface AdminOutput {
  out(text: string): void;
  err(text: string): void;
}

async function withDatabase<T>(run: (db: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase();
  try {
    return await run(database.db);
  } finally {
    await database.close();
  }
}

function requireOption(line: CommandLine, name: "email"): string {
  const value = line.options[name];
  if (typeof value !== "string" || value.trim() === "") throw new UsageError(`${line.command} ${line.args[0]} needs --${name}`);
  return value;
}

async function requireUser(db: Database, email: string) {
  const user = await getUserByEmail(db, email);
  if (!user) throw new NotFoundError("User", email);
  return user;
}

/** The membership named by --workspace (id, or name ignoring case), or the only one. */
function chooseWorkspace(workspaces: UserWorkspace[], wanted: string | undefined, email: string): UserWorkspace {
  const describe = () => workspaces.map((workspace) => `  ${workspace.workspaceId}  ${workspace.name} (${workspace.role})`).join("\n");
  if (workspaces.length === 0) throw new UsageError(`${email} is not a member of any workspace`);
  if (wanted === undefined) {
    if (workspaces.length === 1) return workspaces[0];
    throw new UsageError(`${email} belongs to ${workspaces.length} workspaces; choose one with --workspace:\n${describe()}`);
  }
  const byId = workspaces.find((workspace) => workspace.workspaceId === wanted);
  if (byId) return byId;
  const byName = workspaces.filter((workspace) => workspace.name.toLowerCase() === wanted.toLowerCase());
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) throw new UsageError(`several of ${email}'s workspaces are named "${wanted}"; give the id:\n${describe()}`);
  throw new UsageError(`${email} is not a member of a workspace "${wanted}"; theirs:\n${describe()}`);
}

async function userCreate(line: CommandLine, output: AdminOutput): Promise<number> {
  const email = requireOption(line, "email");
  const generated = line.options.password === undefined ? generatePassword() : undefined;
  return withDatabase(async (db) => {
    const result = await signUp(db, {
      email,
      password: line.options.password ?? generated!,
      name: line.options.name,
      workspaceName: line.options.workspace,
    });
    const workspace = await getWorkspace(db, result.workspaceId);
    output.err(
      `created ${result.user.email} (${result.user.id}), ${result.role} of workspace "${workspace?.name}" (${result.workspaceId})` +
        (result.firstUser ? " — the first account: owner of the default workspace" : ""),
    );
    if (generated) {
      output.err("its password (shown once):");
      output.out(generated);
    }
    return 0;
  });
}

async function userResetPassword(line: CommandLine, output: AdminOutput): Promise<number> {
  const email = requireOption(line, "email");
  const password = line.options.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  return withDatabase(async (db) => {
    const user = await requireUser(db, email);
    await setUserPassword(db, user.id, passwordHash);
    await resetRateLimit(db, signInRateLimitKeys(user.email).account);
    output.err(`password of ${user.email} reset; its sign-in lock (if any) lifted`);
    if (line.options.password === undefined) {
      output.err("the new password (shown once):");
      output.out(password);
    }
    return 0;
  });
}

async function apiKeyCreate(line: CommandLine, output: AdminOutput): Promise<number> {
  const email = requireOption(line, "email");
  return withDatabase(async (db) => {
    const user = await requireUser(db, email);
    const workspace = chooseWorkspace(await listUserWorkspaces(db, user.id), line.options.workspace, user.email);
    const { apiKey, key } = await createApiKey(db, { workspaceId: workspace.workspaceId, userId: user.id, name: line.options.name ?? "cli" });
    output.err(`API key ${apiKey.id} "${apiKey.name}" for ${user.email} in workspace "${workspace.name}" (${workspace.workspaceId}), role ${workspace.role} (shown once):`);
    output.out(key);
    return 0;
  });
}

export async function commandUser(line: CommandLine, output: AdminOutput): Promise<number> {
  switch (line.args[0]) {
    case "create":
      return userCreate(line, output);
    case "reset-password":
      return userResetPassword(line, output);
    default:
      throw new UsageError(`user needs a subcommand: create | reset-password`);
  }
}

export async function commandApiKey(line: CommandLine, output: AdminOutput): Promise<number> {
  if (line.args[0] !== "create") throw new UsageError(`apikey needs a subcommand: create`);
  return apiKeyCreate(line, output);
}
