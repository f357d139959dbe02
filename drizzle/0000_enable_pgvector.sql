-- Custom migration (drizzle-kit does not emit CREATE EXTENSION).
-- pgvector is needed by the RAG tables. PGlite loads it as an extension; a Postgres server may not have it
-- (e.g. a stock PostgreSQL 15), and a managed server may refuse the privilege. Create it when the server offers it,
-- otherwise carry on with a notice so that the same migrations apply everywhere; features that need vectors check
-- `SELECT 1 FROM pg_extension WHERE extname = 'vector'` at run time.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS vector;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'hetumind: not allowed to create the pgvector extension; vector features are disabled';
    END;
  ELSE
    RAISE NOTICE 'hetumind: pgvector is not available on this server; vector features are disabled';
  END IF;
END
$$;
