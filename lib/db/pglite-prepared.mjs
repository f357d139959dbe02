/**
 * Named prepared statements for PGlite. PGlite's `query` sends every statement as an unnamed one: Parse, Describe,
 * Bind, Describe, Execute and Sync, each a call into WASM, and Postgres parses, analyses and plans the text every time
 * (an agent run's end statement, seven CTEs, spent ~0.7 of its ~1.2 ms there). Here a statement with parameters is
 * parsed once under a name; each later run is one call: Bind, Describe, Execute, Sync. Postgres keeps the plan (a
 * generic one once it is as good as the custom ones, its usual rule for prepared statements) and re-plans by itself
 * when a table it uses changes. postgres.js does the same on a real Postgres. See
 * docs/decisions/pglite-named-prepared-statements.md.
 *
 * Plain JavaScript, and `createPreparedStatements` refers to nothing outside itself: the database thread's code
 * (lib/db/pglite-worker.mjs) embeds its source, and the in-process driver (lib/db/client.ts) calls it directly, so both
 * run the same code.
 */

/**
 * `db`: an open PGlite; `pglite`: PGlite's module (its `protocol` and `parse` exports); `max`: how many statements to
 * keep (the least recently used one is closed beyond that). Returns `query(sql, params, options, transaction)`,
 * which answers as PGlite's `query` does (rows parsed by its parsers and the caller's `parsers`, `rowMode`);
 * `transaction` is the handle of PGlite's `transaction` callback the statement belongs to, if any. And `size()`, the
 * number of statements kept.
 */
export function createPreparedStatements(db, pglite, max) {
  const { serialize } = pglite.protocol;
  const { parseResults } = pglite.parse;
  /** SQL text -> { name, types }, in order of last use (a Map keeps insertion order). */
  const statements = new Map();
  let nextName = 1;

  const join = (parts) => {
    let length = 0;
    for (const part of parts) length += part.length;
    const message = new Uint8Array(length);
    let offset = 0;
    for (const part of parts) {
      message.set(part, offset);
      offset += part.length;
    }
    return message;
  };
  // Every message ends with Sync: whatever fails, Postgres is ready for the next statement when the call returns.
  const send = (parts) => db.execProtocolStream(join([...parts, serialize.sync()]), { syncToFs: false });

  async function prepare(sql) {
    const name = `hetumind_${nextName++}`;
    const messages = await send([serialize.parse({ name, text: sql }), serialize.describe({ type: "S", name })]);
    const description = messages.find((message) => message.name === "parameterDescription");
    const statement = { name, types: description ? description.dataTypeIDs : [] };
    statements.set(sql, statement);
    if (statements.size > max) {
      const [oldestSql, oldest] = statements.entries().next().value;
      statements.delete(oldestSql);
      await send([serialize.close({ type: "S", name: oldest.name })]);
    }
    return statement;
  }

  async function run(sql, params, options) {
    let statement = statements.get(sql);
    if (statement) {
      statements.delete(sql);
      statements.set(sql, statement);
    } else {
      statement = await prepare(sql);
    }
    const values = params.map((value, index) => {
      if (value === null || value === undefined) return null;
      const type = statement.types[index];
      const serializer = (options && options.serializers && options.serializers[type]) || db.serializers[type];
      return serializer ? serializer(value) : value.toString();
    });
    try {
      const messages = await send([
        serialize.bind({ statement: statement.name, values }),
        serialize.describe({ type: "P" }),
        serialize.execute({}),
      ]);
      return parseResults(messages, db.parsers, options)[0];
    } catch (error) {
      // "cached plan must not change result type": a table it reads changed shape; prepared again next time.
      if (error && error.code === "0A000" && statements.get(sql) === statement) {
        statements.delete(sql);
        await send([serialize.close({ type: "S", name: statement.name })]);
      }
      throw error;
    }
  }

  async function query(sql, params, options, transaction) {
    // A statement without parameters (DDL, a migration, a script) is not worth a name: PGlite's own path.
    if (!params || params.length === 0) return (transaction || db).query(sql, params, options);
    const execute = () =>
      db._runExclusiveQuery(async () => {
        let result;
        try {
          result = await run(sql, params, options);
        } catch (error) {
          // As PGlite's `query` does: the error says which statement and which parameters.
          if (error && typeof error === "object" && "code" in error) Object.assign(error, { query: sql, params, queryOptions: options });
          throw error;
        }
        if (!transaction) await db.syncToFs();
        return result;
      });
    // Inside a transaction its callback holds the transaction lock already; outside, wait for any running one first,
    // as PGlite's `query` does.
    return transaction ? execute() : db._runExclusiveTransaction(execute);
  }

  return { query, size: () => statements.size };
}
