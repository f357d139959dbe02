/** The data layer: client, schema, queries. See docs/db.md. */
export * from "./client";
export * from "./schema";
export * from "./schema-platform";
export * from "./schema-ai";
export * from "./errors";
export { acquireDataDirLock, dataDirLockPath, type DataDirLock } from "./data-dir-lock";
export * from "./queries/workspaces";
export * from "./queries/workflows";
export * from "./queries/executions";
export * from "./queries/node-runs";
export * from "./queries/approvals";
export { ensureDatabaseTemplate, ensureDatabaseTemplates, openDatabaseFromTemplate, readTemplate } from "./template";
export { resolveMigrationsFolder } from "./migrations";
