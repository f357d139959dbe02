import { defineConfig } from "drizzle-kit";

/**
 * drizzle-kit only generates migrations here (`npm run db:generate`); they are applied at start by drizzle's migrator
 * from code (lib/db/migrate.ts) on either driver, never by `drizzle-kit migrate`. See docs/db.md.
 */
export default defineConfig({
  dialect: "postgresql",
  schema: ["./lib/db/schema.ts", "./lib/db/schema-platform.ts", "./lib/db/schema-ai.ts"],
  out: "./drizzle",
  strict: true,
  verbose: false,
});
