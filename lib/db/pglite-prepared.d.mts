import type { PGlite, QueryOptions, Results, Transaction } from "@electric-sql/pglite";

export interface PreparedStatements {
  /** Runs one statement as PGlite's `query` would; one with parameters as a named prepared statement. */
  query<Row = unknown>(sql: string, params: unknown[] | undefined, options: QueryOptions | undefined, transaction?: Transaction): Promise<Results<Row>>;
  /** How many statements are kept prepared. */
  size(): number;
}

export function createPreparedStatements(
  db: PGlite,
  pglite: Pick<typeof import("@electric-sql/pglite"), "protocol" | "parse">,
  max: number,
): PreparedStatements;
