/**
 * vitest globalSetup: builds the PGlite template databases once per run (really once per migrations version: they are
 * cached in the OS temp directory under a hash of drizzle/), and hands their paths to tests through `provide` (read
 * with `inject` in tests/helpers/db.ts) and the environment (for processes that tests spawn).
 */
import type { TestProject } from "vitest/node";
import { ensureDatabaseTemplates } from "../lib/db/template";

declare module "vitest" {
  export interface ProvidedContext {
    hetumindDbTemplate: string;
    hetumindDbBlankTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const templates = await ensureDatabaseTemplates();
  project.provide("hetumindDbTemplate", templates.migrated);
  project.provide("hetumindDbBlankTemplate", templates.blank);
  process.env.HETUMIND_TEST_DB_TEMPLATE = templates.migrated;
  process.env.HETUMIND_TEST_DB_BLANK_TEMPLATE = templates.blank;
}
