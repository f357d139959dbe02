/**
 * A migrated PGlite database saved as a tarball (`dumpDataDir`) and loaded into fresh in-memory instances
 * (`loadDataDir`). initdb costs ~5 s; loading a template ~1-1.5 s. Tests build one template per run (in fact once per
 * migrations version: the file name carries a hash of drizzle/ and of the PGlite versions, so later runs reuse it).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { type DatabaseHandle, openDatabase } from "./client";
import type { PGlite } from "@electric-sql/pglite";
import { migratePglite, resolveMigrationsFolder } from "./migrations";

export interface DatabaseTemplateOptions {
  /** Where to keep templates. Default: the OS temp directory. */
  directory?: string;
  migrationsFolder?: string;
}

export interface DatabaseTemplates {
  /** initdb only: for tests that apply the migrations themselves. */
  blank: string;
  /** initdb + every migration. */
  migrated: string;
}

/**
 * Returns the paths of the templates for the current migrations, building them if they do not exist yet (one initdb
 * for both). Safe to call from several processes at once: each writes its own temporary file and renames it into place.
 */
export async function ensureDatabaseTemplates(options: DatabaseTemplateOptions = {}): Promise<DatabaseTemplates> {
  const migrationsFolder = resolveMigrationsFolder(options.migrationsFolder);
  const prefix = path.join(options.directory ?? os.tmpdir(), `hetumind-db-template-${templateKey(migrationsFolder)}`);
  const templates: DatabaseTemplates = { blank: `${prefix}-blank.tar`, migrated: `${prefix}-migrated.tar` };
  if (fs.existsSync(templates.blank) && fs.existsSync(templates.migrated)) return templates;

  fs.mkdirSync(path.dirname(prefix), { recursive: true });
  removeOutdatedTemplates(path.dirname(prefix), path.basename(prefix));
  const handle = await openDatabase({ memory: true, migrate: false });
  try {
    const pglite = handle.pglite;
    if (!pglite) throw new Error("ensureDatabaseTemplates: expected a PGlite database");
    await writeDump(pglite, templates.blank);
    await migratePglite(pglite, migrationsFolder);
    await writeDump(pglite, templates.migrated);
  } finally {
    await handle.close();
  }
  return templates;
}

/** The migrated template's path (see `ensureDatabaseTemplates`). */
export async function ensureDatabaseTemplate(options: DatabaseTemplateOptions = {}): Promise<string> {
  return (await ensureDatabaseTemplates(options)).migrated;
}

/** Templates of earlier migrations (~40 MB each) go once they are a day old. */
function removeOutdatedTemplates(directory: string, currentPrefix: string): void {
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const name of fs.readdirSync(directory)) {
    if (!name.startsWith("hetumind-db-template-") || name.startsWith(currentPrefix)) continue;
    const file = path.join(directory, name);
    try {
      if (fs.statSync(file).mtimeMs < dayAgo) fs.rmSync(file, { force: true });
    } catch {
      // another process removed it
    }
  }
}

async function writeDump(pglite: PGlite, file: string): Promise<void> {
  const dump = await pglite.dumpDataDir("none");
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(temporary, new Uint8Array(await dump.arrayBuffer()));
  fs.renameSync(temporary, file);
}

/**
 * A fresh database in memory, loaded from a template file (or an already read template). Migrations are applied
 * (a no-op on the migrated template) unless `migrate: false`.
 */
export async function openDatabaseFromTemplate(
  template: string | Blob,
  options: { migrate?: boolean } = {},
): Promise<DatabaseHandle> {
  const blob = typeof template === "string" ? await readTemplate(template) : template;
  return openDatabase({ memory: { loadDataDir: blob }, migrate: options.migrate });
}

export async function readTemplate(file: string): Promise<Blob> {
  return new Blob([new Uint8Array(await fs.promises.readFile(file))]);
}

/** Hash of every migration file and of the PGlite packages' versions. */
function templateKey(migrationsFolder: string): string {
  const hash = createHash("sha256");
  const files: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".sql") || entry.name === "_journal.json") files.push(full);
    }
  };
  walk(migrationsFolder);
  for (const file of files.sort()) {
    hash.update(path.relative(migrationsFolder, file));
    hash.update(fs.readFileSync(file));
  }
  const require = createRequire(import.meta.url);
  for (const name of ["@electric-sql/pglite", "@electric-sql/pglite-pgvector"]) {
    hash.update(`${name}@${packageVersion(require, name)}`);
  }
  return hash.digest("hex").slice(0, 16);
}

function packageVersion(require: NodeRequire, name: string): string {
  try {
    const entry = require.resolve(name);
    let directory = path.dirname(entry);
    while (directory !== path.dirname(directory)) {
      const manifest = path.join(directory, "package.json");
      if (fs.existsSync(manifest)) {
        const parsed = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string; version?: string };
        if (parsed.name === name) return parsed.version ?? "unknown";
      }
      directory = path.dirname(directory);
    }
  } catch {
    // fall through
  }
  return "unknown";
}
