/**
 * The embedded database runs a statement with parameters as a named prepared statement (lib/db/pglite-prepared.mjs):
 * parsed once, then one call per run. These tests hold it to PGlite's own `query`: the same rows for every type, the
 * same errors, the same locking around transactions, and a bounded number of statements kept.
 */
import * as pgliteModule from "@electric-sql/pglite";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, queryRows } from "@/lib/db/client";
import { createPreparedStatements, type PreparedStatements } from "@/lib/db/pglite-prepared.mjs";

const preparedNames = async (db: PGlite) =>
  (await db.query<{ name: string }>("select name from pg_prepared_statements where name like 'hetumind_%' order by name")).rows.map((row) => row.name);

describe("named prepared statements on PGlite", () => {
  let db: PGlite;
  let prepared: PreparedStatements;
  beforeAll(async () => {
    db = new PGlite();
    await db.exec(`
      create table items (id int primary key, label text not null, data jsonb, raw bytea, at timestamptz, big int8, tags text[], ok boolean);
    `);
    prepared = createPreparedStatements(db, pgliteModule, 3);
  });
  afterAll(async () => {
    await db.close();
  });

  it("answers with the rows PGlite's own query gives, for every type, in object and array mode", async () => {
    const row = [1, "one", { nested: [1, "a"] }, new Uint8Array([0, 1, 255]), new Date("2026-11-24T10:00:00Z"), 9007199254740993n, ["x", "y"], true];
    await prepared.query("insert into items values ($1, $2, $3, $4, $5, $6, $7, $8)", row, undefined);
    await prepared.query("insert into items values ($1, $2, $3, $4, $5, $6, $7, $8)", [2, "two", null, null, null, null, null, false], undefined);
    const text = "select * from items where id = any($1::int[]) order by id";
    for (const options of [undefined, { rowMode: "array" as const }, { parsers: { 1184: (value: string) => value } }]) {
      const own = await db.query(text, [[1, 2]], options);
      const ours = await prepared.query(text, [[1, 2]], options);
      expect(ours.rows).toEqual(own.rows);
      expect(ours.fields).toEqual(own.fields);
    }
    const [first] = (await prepared.query<{ data: unknown; raw: Uint8Array; big: bigint }>(text, [[1]], undefined)).rows;
    expect(first.data).toEqual({ nested: [1, "a"] });
    expect([...first.raw]).toEqual([0, 1, 255]);
    expect(first.big).toBe(9007199254740993n);
    const update = await prepared.query("update items set label = $1 where id > $2", ["many", 0], undefined);
    expect(update.affectedRows).toBe(2);
  });

  it("parses a statement once and runs it by name afterwards", async () => {
    const text = "select label from items where id = $1";
    const before = await preparedNames(db);
    for (const id of [1, 2, 1]) await prepared.query(text, [id], undefined);
    const after = await preparedNames(db);
    expect(after.length).toBe(Math.min(before.length + 1, 3));
    const kept = (await db.query<{ statement: string }>("select statement from pg_prepared_statements where name like 'hetumind_%'")).rows;
    expect(kept.filter((row) => row.statement === text)).toHaveLength(1);
  });

  it("keeps at most its bound, closing the least recently used statement", async () => {
    for (let id = 0; id < 6; id++) await prepared.query(`select $1::int + ${id} as n`, [1], undefined);
    expect(prepared.size()).toBe(3);
    const kept = (await db.query<{ statement: string }>("select statement from pg_prepared_statements where name like 'hetumind_%'")).rows.map((row) => row.statement);
    expect(kept.sort()).toEqual(["select $1::int + 3 as n", "select $1::int + 4 as n", "select $1::int + 5 as n"]);
    expect((await prepared.query<{ n: number }>("select $1::int + 0 as n", [1], undefined)).rows).toEqual([{ n: 1 }]);
  });

  it("gives Postgres's error with the statement, and the statement stays usable", async () => {
    const insert = "insert into items (id, label) values ($1, $2)";
    await prepared.query(insert, [10, "ten"], undefined);
    const error = await prepared.query(insert, [10, "again"], undefined).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "23505", constraint: "items_pkey", query: insert });
    await prepared.query(insert, [11, "eleven"], undefined);
    expect((await db.query("select label from items where id = 11")).rows).toEqual([{ label: "eleven" }]);
    const syntax = await prepared.query("selec $1", [1], undefined).catch((caught: unknown) => caught);
    expect(syntax).toMatchObject({ code: "42601" });
    expect((await db.query<{ n: number }>("select 1 as n")).rows).toEqual([{ n: 1 }]);
  });

  it("prepares again a statement whose table changed shape", async () => {
    const text = "select * from items where id = $1";
    expect(Object.keys((await prepared.query<Record<string, unknown>>(text, [1], undefined)).rows[0])).not.toContain("extra");
    await db.exec("alter table items add column extra text default 'x'");
    // Postgres refuses the kept plan once ("cached plan must not change result type"); the statement is dropped.
    const refused = await prepared.query(text, [1], undefined).then(
      (result) => result,
      (error: unknown) => error,
    );
    if (refused instanceof Error) expect(refused).toMatchObject({ code: "0A000" });
    expect((await prepared.query<Record<string, unknown>>(text, [1], undefined)).rows[0]).toMatchObject({ id: 1, extra: "x" });
  });

  it("runs inside a transaction on its handle, and outside waits for a running transaction", async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = db.transaction(async (tx) => {
      await prepared.query("insert into items (id, label) values ($1, $2)", [20, "in tx"], undefined, tx);
      order.push("inserted in the transaction");
      await held;
      await tx.rollback();
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const outside = prepared.query<{ n: number }>("select count(*)::int as n from items where id = $1", [20], undefined).then((result) => {
      order.push("read outside");
      return result.rows[0].n;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual(["inserted in the transaction"]);
    release();
    await transaction;
    expect(await outside).toBe(0);
    expect(order).toEqual(["inserted in the transaction", "read outside"]);
  });
});

describe("the embedded database's drivers", () => {
  for (const thread of [false, true]) {
    it(`run drizzle's statements with parameters prepared (${thread ? "on a worker thread" : "in process"})`, async () => {
      const database = await openDatabase({ memory: true, thread });
      try {
        await database.db.execute(sql`select ${1}::int as n`);
        await database.db.execute(sql`select ${2}::int as n`);
        const names = await queryRows<{ statement: string }>(database.db, sql`select statement from pg_prepared_statements where name like 'hetumind_%'`);
        expect(names.map((row) => row.statement)).toContain("select $1::int as n");
        const inTransaction = await database.db.transaction((tx) => queryRows<{ n: number }>(tx, sql`select ${3}::int as n`));
        expect(inTransaction).toEqual([{ n: 3 }]);
      } finally {
        await database.close();
      }
    });
  }
});
