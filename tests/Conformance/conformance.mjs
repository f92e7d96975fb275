// Conformance of the trading schema on a real TimescaleDB, installed with the scripts the installer exports
// (`trading-timescale script`): the harness runs the CLI for every script it applies, settings variants included.
//   node conformance.mjs --cli PATH                   community edition, in process (PGlite with TimescaleDB)
//   node conformance.mjs --cli PATH --script FILE     the same, with the main script exported beforehand
//   node conformance.mjs --cli PATH --edition apache --server "host=127.0.0.1 port=55432 user=postgres dbname=postgres"
// PATH is the trading-timescale executable, or its .dll (run with dotnet).
// Ends with "Conformance: N passed, N failed[, N skipped]" and exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pgliteBackend, psqlBackend } from './backends.mjs';
import { copiedEvents, sampleData } from './data.mjs';
import { runPsqlScript } from './psql-script.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: options } = parseArgs({
  options: {
    edition: { type: 'string', default: 'community' },
    cli: { type: 'string' },
    script: { type: 'string' },
    server: { type: 'string' },
    database: { type: 'string', default: `tt_conformance_${process.pid}` },
  },
});
const edition = options.edition;
if (!['community', 'apache'].includes(edition)) throw new Error(`--edition must be community or apache, not ${edition}`);
if (!options.cli) throw new Error('--cli is required: the trading-timescale executable (or .dll) that exports the schema scripts');

/** The installer's script for an edition, exported by the CLI with the given extra arguments (--time-zone, --set). */
function exportScript(scriptEdition, ...args) {
  const cli = resolve(options.cli);
  const [command, prefix] = cli.endsWith('.dll') ? ['dotnet', [cli]] : [cli, []];
  const result = spawnSync(command, [...prefix, 'script', '--edition', scriptEdition, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`trading-timescale script exited with ${result.status}: ${result.stderr.trim()}`);
  return result.stdout;
}
const community = edition === 'community';

// ---- checks ---------------------------------------------------------------------------------
const counts = { passed: 0, failed: 0, skipped: 0 };
async function check(name, body, { communityOnly = false, apacheOnly = false } = {}) {
  if ((communityOnly && !community) || (apacheOnly && community)) {
    counts.skipped++;
    console.log(`SKIP  ${name} (needs the ${community ? 'apache' : 'community'} edition)`);
    return;
  }
  const started = Date.now();
  try {
    await body();
    counts.passed++;
    console.log(`PASS  ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    counts.failed++;
    console.log(`FAIL  ${name}\n      ${String(error.message ?? error).replaceAll('\n', '\n      ')}`);
  }
}
function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}
function near(actual, expected, what, tolerance = 1e-9) {
  if (actual === null || Math.abs(Number(actual) - expected) > tolerance) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}
function truthy(condition, what) {
  if (!condition) throw new Error(what);
}

// ---- setup ----------------------------------------------------------------------------------
const startedAt = Date.now();
const db = community
  ? await pgliteBackend()
  : await psqlBackend(options.server ?? (() => { throw new Error('--server is required for the apache edition'); })(), options.database);
const rows = (sql) => db.rows(sql);
const one = async (sql) => (await db.rows(sql))[0];
const value = async (sql) => Object.values((await db.rows(sql))[0] ?? {})[0];
async function errorOf(sql) {
  try {
    await db.rows(sql);
    return null;
  } catch (error) {
    return String(error.message ?? error);
  }
}
console.log(`Trading schema conformance, ${edition} edition, on ${db.name}`);
const script = options.script ? readFileSync(options.script, 'utf8') : exportScript(edition);

// The installer's export is a psql script: psql-script.mjs runs its meta-commands on back ends that take only SQL.
const apply = (sql) => db.execScript(sql);
const exportedFiles = [...script.matchAll(/^-- ===== (\S+) \((versioned|repeatable) (\S+),/gm)].map((m) => m[3]);

await check('psql script runner: \\gset, \\if and :variables', async () => {
  const seen = [];
  const result = await runPsqlScript(
    "SELECT 'f' AS run, 'x''y' AS text \\gset v_\n\\if :v_run\nSELECT 'skipped';\n\\else\nSELECT :'v_text', 'a;b';\n\\endif\n",
    { exec: async (sql) => seen.push(sql), firstRow: async () => ({ run: 'f', text: "x'y" }) });
  equal(JSON.stringify(seen), JSON.stringify(["SELECT 'x''y', 'a;b'"]), 'statements run');
  equal(result.skipped, 1, 'statements skipped in the false branch');
});

await check('schema script applies', async () => {
  await apply(script);
  equal(await value(`SELECT count(*)::int FROM timescaledb_information.hypertables WHERE hypertable_schema = 'trading'`), 7, 'trading hypertables');
});
await check('schema script applies a second time (idempotent)', async () => {
  await apply(script);
  equal(await value(`SELECT count(*)::int FROM trading.settings`), 34, 'stored settings');
});
await check('installer journal: one row per exported file, for this edition, unchanged by the second run', async () => {
  const journal = await rows(`SELECT id, edition FROM trading.schema_migrations ORDER BY id`);
  equal(JSON.stringify(journal.map((r) => r.id).sort()), JSON.stringify([...exportedFiles].sort()), 'journal ids');
  truthy(exportedFiles.length >= 15 && journal.every((r) => r.edition === edition), `every row is ${edition}`);
});
await check('a script exported for the other edition is refused before it changes anything', async () => {
  const other = community ? 'apache' : 'community';
  const before = await value(`SELECT max(applied_at)::text FROM trading.schema_migrations`);
  try {
    await apply(exportScript(other));
    throw new Error('the other edition\'s script was accepted');
  } catch (e) {
    truthy(String(e.message).includes(`This script is for the ${other} edition`), `unexpected error: ${e.message}`);
  }
  equal(await value(`SELECT max(applied_at)::text FROM trading.schema_migrations`), before, 'journal unchanged');
});

await check('sample data loads, COPY included', async () => {
  await db.exec(sampleData);
  await db.copyCsv('trading.system_events', ['event_type', 'severity', 'source', 'message', 'timestamp'], copiedEvents());
  equal(await value(`SELECT count(*)::int FROM trading.stock_prices`), 4 + 3 * 1380 + 48, 'stock_prices rows');
});

// ---- objects --------------------------------------------------------------------------------
const aggregateColumns = {
  stock_prices_1m: 'bucket timestamp with time zone,symbol character varying,open numeric,high numeric,low numeric,close numeric,volume bigint,vwap numeric',
  options_volume_1h: 'bucket timestamp with time zone,underlying_symbol character varying,total_volume bigint,put_volume bigint,call_volume bigint,total_open_interest bigint,avg_implied_volatility numeric,vw_implied_volatility numeric,quote_count bigint',
  signal_performance_1d: 'bucket timestamp with time zone,symbol character varying,total_signals bigint,buy_signals bigint,sell_signals bigint,hold_signals bigint,avg_confidence numeric,max_confidence numeric,min_confidence numeric',
};
for (const name of ['stock_prices_5m', 'stock_prices_1h', 'stock_prices_1d']) aggregateColumns[name] = aggregateColumns.stock_prices_1m;

await check('aggregates have the contract columns and types', async () => {
  for (const [name, columns] of Object.entries(aggregateColumns)) {
    const actual = await value(`SELECT string_agg(column_name || ' ' || data_type, ',' ORDER BY ordinal_position)
      FROM information_schema.columns WHERE table_schema = 'trading' AND table_name = '${name}'`);
    equal(actual, columns, name);
  }
});
await check('aggregates are continuous aggregates with real-time aggregation', async () => {
  const caggs = await rows(`SELECT view_name, materialized_only FROM timescaledb_information.continuous_aggregates
    WHERE view_schema = 'trading' ORDER BY view_name`);
  equal(caggs.map((c) => `${c.view_name}:${c.materialized_only}`),
    ['options_volume_1h:false', 'signal_performance_1d:false', 'stock_prices_1d:false', 'stock_prices_1h:false', 'stock_prices_1m:false', 'stock_prices_5m:false'],
    'continuous aggregates');
  const sources = await rows(`SELECT view_name, substring(view_definition from 'FROM ([a-z_.0-9]+)') AS source
    FROM timescaledb_information.continuous_aggregates WHERE view_schema = 'trading' AND view_name LIKE 'stock_prices_%' ORDER BY view_name`);
  equal(sources.map((s) => `${s.view_name}<${s.source.replace('trading.', '')}`),
    ['stock_prices_1d<stock_prices_1h', 'stock_prices_1h<stock_prices_5m', 'stock_prices_1m<stock_prices', 'stock_prices_5m<stock_prices_1m'],
    'hierarchy');
}, { communityOnly: true });
await check('aggregates are plain views computed from the raw tables (apache)', async () => {
  equal(await value(`SELECT count(*)::int FROM pg_views WHERE schemaname = 'trading'
    AND viewname IN ('stock_prices_1m','stock_prices_5m','stock_prices_1h','stock_prices_1d','options_volume_1h','signal_performance_1d')`), 6, 'views');
  equal(await value(`SELECT count(*)::int FROM timescaledb_information.continuous_aggregates`), 0, 'continuous aggregates');
}, { apacheOnly: true });

const expectedIndexes = [
  'stock_prices_high_volume_idx', 'options_data_underlying_timestamp_idx', 'options_data_chain_idx', 'options_data_type_idx',
  'options_data_iv_idx', 'options_data_delta_idx', 'options_data_traded_idx', 'options_data_high_open_interest_idx',
  'signals_symbol_timestamp_idx', 'signals_high_confidence_idx', 'signals_features_gin_idx', 'performance_metrics_symbol_timestamp_idx',
  'performance_metrics_tags_gin_idx', 'data_quality_symbol_timestamp_idx', 'data_quality_not_passed_idx', 'data_quality_details_gin_idx',
  'system_events_severity_timestamp_idx', 'system_events_details_gin_idx', 'system_events_critical_source_timestamp_idx',
  'positions_account_status_idx', 'positions_symbol_idx',
  'stock_prices_timestamp_idx', 'options_data_timestamp_idx', 'signals_timestamp_idx', 'performance_metrics_timestamp_idx',
  'data_quality_timestamp_idx', 'system_events_timestamp_idx', 'system_events_critical_timestamp_idx'];
await check('indexes exist', async () => {
  const present = (await rows(`SELECT indexname FROM pg_indexes WHERE schemaname = 'trading'`)).map((r) => r.indexname);
  const missing = expectedIndexes.filter((i) => !present.includes(i));
  equal(missing, [], 'missing indexes');
});
const planUses = async (sql, index) => {
  const plan = await db.plan(sql, 'SET enable_seqscan = off');
  truthy(plan.includes(index), `plan does not use ${index}:\n${plan}`);
};
await check('partial and GIN indexes serve their queries (sequential scans off)', async () => {
  await planUses(`SELECT symbol, signal_type, confidence FROM trading.signals WHERE confidence > 0.8 AND timestamp >= NOW() - INTERVAL '1 day' ORDER BY timestamp DESC`, 'signals_high_confidence_idx');
  await planUses(`SELECT * FROM trading.signals WHERE features @> '{"rsi": 70}'`, 'signals_features_gin_idx');
  await planUses(`SELECT * FROM trading.performance_metrics WHERE tags @> '{"env": "prod"}'`, 'performance_metrics_tags_gin_idx');
  await planUses(`SELECT * FROM trading.system_events WHERE details ? 'lag_ms'`, 'system_events_details_gin_idx');
  await planUses(`SELECT * FROM trading.data_quality WHERE details @> '{"gaps": ["09:31"]}'`, 'data_quality_details_gin_idx');
  await planUses(`SELECT * FROM trading.system_events WHERE severity = 'ERROR' AND timestamp > NOW() - INTERVAL '1 day'`, 'system_events_severity_timestamp_idx');
  await planUses(`SELECT * FROM trading.options_data WHERE underlying_symbol = 'AAPL' AND delta BETWEEN 0.4 AND 0.5`, 'options_data_delta_idx');
  await planUses(`SELECT * FROM trading.stock_prices WHERE volume >= 200000 AND timestamp > NOW() - INTERVAL '1 hour'`, 'stock_prices_high_volume_idx');
  equal((await rows(`SELECT metric_name FROM trading.performance_metrics WHERE tags @> '{"env": "prod"}' AND timestamp > NOW() - INTERVAL '1 year'`)).length, 1, 'prod metrics');
});

// ---- aggregates -----------------------------------------------------------------------------
const refresh = async (names, from, to) => {
  for (const name of names) await db.exec(`CALL refresh_continuous_aggregate('trading.${name}', ${from}, ${to})`);
};
const hierarchy = ['stock_prices_1m', 'stock_prices_5m', 'stock_prices_1h', 'stock_prices_1d'];

await check('hierarchical refresh materializes every level', async () => {
  await refresh([...hierarchy, 'signal_performance_1d'], `'2024-03-09'`, `'2024-03-13'`);
  for (const name of [...hierarchy, 'signal_performance_1d']) {
    const table = await one(`SELECT materialization_hypertable_schema AS s, materialization_hypertable_name AS t
      FROM timescaledb_information.continuous_aggregates WHERE view_name = '${name}'`);
    truthy((await value(`SELECT count(*)::int FROM ${table.s}.${table.t}`)) >= 1, `${name} has no materialized rows`);
  }
}, { communityOnly: true });

const ohlcv = (r) => [r.bucket, r.open, r.high, r.low, r.close, r.volume, Number(Number(r.vwap ?? NaN).toFixed(9))];
await check('daily buckets follow New York days across the daylight-saving change', async () => {
  const days = await rows(`SELECT bucket, open, high, low, close, volume, vwap FROM trading.stock_prices_1d WHERE symbol = 'NYD' ORDER BY bucket`);
  equal(days.map(ohlcv), [
    ['2024-03-10T05:00:00+00:00', 10, 12, 9, 11, 400, 10.8],
    ['2024-03-11T04:00:00+00:00', 20, 22, 19, 21, 200, 20],
  ], 'NYD days');
  const signalDays = await rows(`SELECT bucket, total_signals, buy_signals, sell_signals FROM trading.signal_performance_1d WHERE symbol = 'NYD' ORDER BY bucket`);
  equal(signalDays.map((d) => [d.bucket, d.total_signals, d.buy_signals, d.sell_signals]),
    [['2024-03-10T05:00:00+00:00', 1, 1, 0], ['2024-03-11T04:00:00+00:00', 1, 0, 1]], 'NYD signal days');
});
await check('1m, 5m and 1h buckets carry volume-weighted vwap', async () => {
  const at = async (name) => (await rows(`SELECT bucket, open, high, low, close, volume, vwap FROM trading.${name} WHERE symbol = 'NYD' ORDER BY bucket`)).map(ohlcv);
  equal(await at('stock_prices_1m'), [
    ['2024-03-11T03:30:00+00:00', 10, 12, 9, 11, 400, 10.8],
    ['2024-03-11T04:30:00+00:00', 20, 21, 19, 20.5, 50, 20],
    ['2024-03-11T04:31:00+00:00', 20.5, 22, 20, 21, 150, NaN],
  ], '1m');
  equal(await at('stock_prices_5m'), [['2024-03-11T03:30:00+00:00', 10, 12, 9, 11, 400, 10.8], ['2024-03-11T04:30:00+00:00', 20, 22, 19, 21, 200, 20]], '5m');
  equal(await at('stock_prices_1h'), [['2024-03-11T03:00:00+00:00', 10, 12, 9, 11, 400, 10.8], ['2024-03-11T04:00:00+00:00', 20, 22, 19, 21, 200, 20]], '1h');
});
await check('a late row in a materialized bucket appears after refresh through the hierarchy', async () => {
  await db.exec(`INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume, vwap)
    VALUES ('NYD', '2024-03-11 03:31:00+00', 11, 13, 10, 12, 1000, 12.0)`);
  const before = await value(`SELECT volume FROM trading.stock_prices_1d WHERE symbol = 'NYD' AND bucket = '2024-03-10 05:00+00'`);
  equal(before, 400, 'daily volume before refresh (materialized)');
  await refresh(hierarchy, `'2024-03-09'`, `'2024-03-13'`);
  const after = await one(`SELECT volume, vwap FROM trading.stock_prices_1d WHERE symbol = 'NYD' AND bucket = '2024-03-10 05:00+00'`);
  equal(after.volume, 1400, 'daily volume after refresh');
  near(after.vwap, (10.8 * 400 + 12 * 1000) / 1400, 'daily vwap after refresh');
}, { communityOnly: true });
await check('a late row shows at once in the views (apache)', async () => {
  await db.exec(`INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume, vwap)
    VALUES ('NYD', '2024-03-11 03:31:00+00', 11, 13, 10, 12, 1000, 12.0)`);
  equal(await value(`SELECT volume FROM trading.stock_prices_1d WHERE symbol = 'NYD' AND bucket = '2024-03-10 05:00+00'`), 1400, 'daily volume');
}, { apacheOnly: true });

await check('real-time aggregation shows rows inserted after the last refresh', async () => {
  await refresh([...hierarchy, 'options_volume_1h', 'signal_performance_1d'], `'2024-03-09'`, `date_trunc('hour', NOW()) - INTERVAL '2 hours'`);
  await db.exec(`INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume, vwap)
    VALUES ('RT', date_trunc('minute', NOW()), 5, 6, 4, 5.5, 777, 5.25)`);
  for (const name of hierarchy) {
    const row = await one(`SELECT volume, vwap FROM trading.${name} WHERE symbol = 'RT'`);
    equal(row?.volume, 777, `${name} volume of the new row`);
    near(row.vwap, 5.25, `${name} vwap of the new row`);
  }
}, { communityOnly: true });

const mismatches = (name, width, zone) => `
  SELECT count(*)::int FROM (
    SELECT time_bucket(INTERVAL '${width}', timestamp${zone ? `, '${zone}'` : ''}) AS bucket, symbol, first(open_price, timestamp) AS open,
           max(high_price) AS high, min(low_price) AS low, last(close_price, timestamp) AS close, sum(volume) AS volume,
           sum(vwap * volume) FILTER (WHERE vwap IS NOT NULL) / NULLIF(sum(volume) FILTER (WHERE vwap IS NOT NULL), 0) AS vwap
    FROM trading.stock_prices GROUP BY 1, 2) AS r
  FULL JOIN trading.${name} AS a ON a.bucket = r.bucket AND a.symbol = r.symbol
  WHERE a.bucket IS NULL OR r.bucket IS NULL OR a.open <> r.open OR a.high <> r.high OR a.low <> r.low OR a.close <> r.close
     OR a.volume <> r.volume OR abs(coalesce(a.vwap, -1) - coalesce(r.vwap, -1)) > 1e-9`;
await check('every stock_prices aggregate equals the raw rows aggregated directly', async () => {
  equal(await value(mismatches('stock_prices_1m', '1 minute')), 0, '1m mismatches');
  equal(await value(mismatches('stock_prices_5m', '5 minutes')), 0, '5m mismatches');
  equal(await value(mismatches('stock_prices_1h', '1 hour')), 0, '1h mismatches');
  equal(await value(mismatches('stock_prices_1d', '1 day', 'America/New_York')), 0, '1d mismatches');
  truthy((await value(`SELECT count(*)::int FROM trading.stock_prices_1m`)) > 4000, '1m rows');
});
await check('options_volume_1h and signal_performance_1d equal the raw rows aggregated directly', async () => {
  const options = await one(`SELECT sum(total_volume)::int AS total, sum(put_volume)::int AS puts, sum(call_volume)::int AS calls,
    sum(quote_count)::int AS quotes, sum(total_open_interest)::int AS oi FROM trading.options_volume_1h WHERE underlying_symbol = 'AAPL'`);
  equal(options, { total: 830, puts: 440, calls: 390, quotes: 10, oi: 1500 * 8 + 800 + 100 }, 'AAPL options totals');
  const hour = await one(`SELECT total_volume, avg_implied_volatility, vw_implied_volatility, quote_count FROM trading.options_volume_1h
    WHERE underlying_symbol = 'MSFT'`);
  equal([hour.total_volume, hour.quote_count], [70, 1], 'MSFT hour');
  near(hour.vw_implied_volatility, 0.21, 'MSFT volume-weighted IV');
  const diff = await value(`SELECT count(*)::int FROM (
      SELECT time_bucket(INTERVAL '1 day', timestamp, 'America/New_York') AS bucket, symbol, count(*) AS n, avg(confidence) AS a,
             max(confidence) AS mx, min(confidence) AS mn, count(*) FILTER (WHERE signal_type = 'BUY') AS b
      FROM trading.signals GROUP BY 1, 2) r
    FULL JOIN trading.signal_performance_1d s ON s.bucket = r.bucket AND s.symbol = r.symbol
    WHERE s.bucket IS NULL OR r.bucket IS NULL OR s.total_signals <> r.n OR s.avg_confidence <> r.a OR s.max_confidence <> r.mx
       OR s.min_confidence <> r.mn OR s.buy_signals <> r.b`);
  equal(diff, 0, 'signal_performance_1d mismatches');
});

// ---- policies -------------------------------------------------------------------------------
const jobConfig = async (proc, relation) =>
  one(`SELECT job_id, schedule_interval::text AS schedule, config FROM timescaledb_information.jobs
    WHERE proc_name = '${proc}' AND hypertable_schema = 'trading' AND hypertable_name = '${relation}'`);
await check('refresh, compression and retention policies exist with the configured settings', async () => {
  const jobs = await rows(`SELECT proc_name, count(*)::int AS n FROM timescaledb_information.jobs
    WHERE hypertable_schema = 'trading' GROUP BY proc_name ORDER BY proc_name`);
  equal(jobs.map((j) => `${j.proc_name}:${j.n}`), ['policy_compression:7', 'policy_refresh_continuous_aggregate:6', 'policy_retention:6'], 'jobs');
  const oneMinute = await jobConfig('policy_refresh_continuous_aggregate', 'stock_prices_1m');
  equal([oneMinute.schedule, oneMinute.config.start_offset, oneMinute.config.end_offset], ['00:01:00', '03:00:00', '00:01:00'], '1m refresh');
  const daily = await jobConfig('policy_refresh_continuous_aggregate', 'stock_prices_1d');
  equal([daily.schedule, daily.config.start_offset, daily.config.end_offset], ['01:00:00', '10 days', '01:00:00'], '1d refresh');
  equal((await jobConfig('policy_compression', 'options_data')).config.compress_after, '7 days', 'compress_after');
  equal((await jobConfig('policy_retention', 'stock_prices')).config.drop_after, '90 days', 'stock_prices retention');
  equal(await value(`SELECT count(*)::int FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention' AND hypertable_name = 'system_events'`),
    0, 'built-in system_events retention (replaced by a job that copies CRITICAL events first)');
  equal(await one(`SELECT schedule_interval::text AS schedule, scheduled FROM timescaledb_information.jobs
    WHERE proc_schema = 'trading' AND proc_name = 'system_events_retention'`), { schedule: '1 day', scheduled: true }, 'system_events retention job');
  equal((await jobConfig('policy_retention', 'system_events_critical')).config.drop_after, '2 years', 'critical retention');
  equal(await value(`SELECT count(*)::int FROM timescaledb_information.jobs j JOIN timescaledb_information.continuous_aggregates c
    ON j.hypertable_name = c.materialization_hypertable_name WHERE j.proc_name = 'policy_retention'`), 0, 'retention on aggregates');
}, { communityOnly: true });
await check('a refresh policy job runs and the aggregate still equals the raw rows', async () => {
  const job = await jobConfig('policy_refresh_continuous_aggregate', 'stock_prices_1m');
  const table = await one(`SELECT materialization_hypertable_schema AS s, materialization_hypertable_name AS t
    FROM timescaledb_information.continuous_aggregates WHERE view_name = 'stock_prices_1m'`);
  const materialized = () => value(`SELECT count(*)::int FROM ${table.s}.${table.t}`);
  const before = await materialized();
  await db.exec(`CALL run_job(${job.job_id})`);
  truthy((await materialized()) > before, `the job materialized nothing (${before} rows before)`);
  equal(await value(mismatches('stock_prices_1m', '1 minute')), 0, '1m mismatches');
  equal(await value(mismatches('stock_prices_5m', '5 minutes')), 0, '5m mismatches');
}, { communityOnly: true });

// ---- critical events ------------------------------------------------------------------------
const systemEventsRetentionJob = async () =>
  value(`SELECT job_id FROM timescaledb_information.jobs WHERE proc_schema = 'trading' AND proc_name = 'system_events_retention'`);
await check('trading.refresh_aggregates refreshes every level in order and refuses an unknown aggregate', async () => {
  await db.exec(`INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume, vwap)
    VALUES ('RAGG', '2024-03-11 10:00:00+00', 10, 11, 9, 10.5, 100, 10.2), ('RAGG', '2024-03-11 18:00:00+00', 12, 13, 11, 12.5, 50, 12.2)`);
  await db.exec(`CALL trading.refresh_aggregates('2024-03-11 00:00:00+00', '2024-03-11 12:00:00+00')`);
  const table = await one(`SELECT format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name) AS t
    FROM timescaledb_information.continuous_aggregates WHERE view_name = 'stock_prices_1m'`);
  // The first level is refreshed up to the newest raw row, past window_end.
  equal(await value(`SELECT count(*)::int FROM ${table.t} WHERE symbol = 'RAGG'`), 2, 'materialized RAGG bars of stock_prices_1m');
  equal(await value(mismatches('stock_prices_5m', '5 minutes')), 0, '5m mismatches');
  equal(await value(mismatches('stock_prices_1h', '1 hour')), 0, '1h mismatches');
  equal(await value(mismatches('stock_prices_1d', '1 day', 'America/New_York')), 0, '1d mismatches');
  try {
    await db.exec(`CALL trading.refresh_aggregates(NULL, NULL, ARRAY['stock_prices_2m'])`);
    throw new Error('an unknown aggregate was accepted');
  } catch (e) {
    truthy(String(e.message).includes('{stock_prices_2m}'), `unexpected error: ${e.message}`);
  }
}, { communityOnly: true });

await check('CRITICAL events written with session_replication_role = replica are copied (ENABLE ALWAYS triggers)', async () => {
  equal(await rows(`SELECT tgname, tgenabled::text AS enabled FROM pg_trigger
    WHERE tgrelid = 'trading.system_events'::regclass AND NOT tgisinternal AND tgname LIKE 'system_events_copy_critical%' ORDER BY tgname`),
    [{ tgname: 'system_events_copy_critical_inserts', enabled: 'A' }, { tgname: 'system_events_copy_critical_updates', enabled: 'A' }], 'triggers');
  await db.exec(`SET session_replication_role = replica;
    INSERT INTO trading.system_events (event_type, severity, source, message, timestamp)
    VALUES ('replicated', 'CRITICAL', 'primary', 'replicated halt', NOW() - INTERVAL '1 hour'),
           ('heartbeat', 'INFO', 'primary', 'replicated heartbeat', NOW() - INTERVAL '1 hour');
    UPDATE trading.system_events SET message = 'replicated halt, resumed' WHERE message = 'replicated halt';
    SET session_replication_role = origin;`);
  const copy = await value(`SELECT string_agg(message, '|') FROM trading.system_events_critical WHERE source = 'primary'`);
  await db.exec(`DELETE FROM trading.system_events WHERE source = 'primary'; DELETE FROM trading.system_events_critical WHERE source = 'primary'`);
  equal(copy, 'replicated halt', 'copies (the first version is kept)');
});
await check('CRITICAL events are copied on INSERT, COPY and UPDATE, idempotently', async () => {
  const copies = async () => (await rows(`SELECT source, message FROM trading.system_events_critical ORDER BY timestamp, id`))
    .map((r) => `${r.source}:${r.message}`);
  equal(await copies(), ['db:server crash', 'db:disk full', 'broker:connection lost, orders halted', 'ingest:feed lost', 'broker:recent outage'], 'copies');
  await db.exec(`INSERT INTO trading.system_events (event_type, severity, source, message, timestamp)
    SELECT event_type, severity, source, 'replayed', timestamp FROM trading.system_events WHERE message = 'disk full'
    ON CONFLICT (source, event_type, timestamp) DO NOTHING`);
  await db.exec(`UPDATE trading.system_events SET message = 'outage resolved' WHERE message = 'recent outage'`);
  await db.exec(`UPDATE trading.system_events SET severity = 'ERROR' WHERE message = 'server crash'`);
  equal(await copies(), ['db:server crash', 'db:disk full', 'broker:connection lost, orders halted', 'ingest:feed lost', 'broker:recent outage'], 'copies after replay, update, downgrade (the first version is kept)');
  equal(await value(`SELECT count(*)::int FROM trading.system_events_critical WHERE severity <> 'CRITICAL'`), 0, 'non-critical copies');
});

// ---- compression ----------------------------------------------------------------------------
await check('compression policy compresses chunks older than compress_after; data reads the same', async () => {
  const before = await one(`SELECT count(*)::int AS n, sum(volume)::bigint AS v FROM trading.stock_prices`);
  const job = await jobConfig('policy_compression', 'stock_prices');
  await db.exec(`CALL run_job(${job.job_id})`);
  const chunks = await one(`SELECT count(*) FILTER (WHERE is_compressed)::int AS compressed,
      count(*) FILTER (WHERE range_end <= NOW() - INTERVAL '7 days')::int AS old
    FROM timescaledb_information.chunks WHERE hypertable_schema = 'trading' AND hypertable_name = 'stock_prices'`);
  equal(chunks, { compressed: 5, old: 5 }, 'compressed and old chunks');
  equal(await one(`SELECT count(*)::int AS n, sum(volume)::bigint AS v FROM trading.stock_prices`), before, 'rows after compression');
  equal(await value(`SELECT count(*)::int FROM (SELECT compress_chunk(c) FROM show_chunks('trading.options_data', older_than => INTERVAL '7 days') c) x`), 1, 'compress_chunk');
  equal(await value(`SELECT sum(volume)::int FROM trading.options_data WHERE underlying_symbol = 'AAPL' AND option_symbol = 'AAPL-OLD-C150'`), 10, 'compressed option row');
}, { communityOnly: true });
await check('natural-key replay into a compressed chunk inserts nothing, a new row goes in', async () => {
  await db.exec(`INSERT INTO trading.stock_prices (symbol, timestamp, open_price, close_price, volume)
    VALUES ('NYD', '2024-03-11 03:30:00+00', 1, 1, 1) ON CONFLICT (symbol, timestamp) DO NOTHING`);
  await db.exec(`INSERT INTO trading.stock_prices (symbol, timestamp, open_price, close_price, volume)
    VALUES ('NYD', '2024-03-11 06:00:00+00', 1, 1, 1) ON CONFLICT (symbol, timestamp) DO NOTHING`);
  equal(await value(`SELECT string_agg(volume::text, ',' ORDER BY timestamp) FROM trading.stock_prices WHERE symbol = 'NYD'`), '100,300,1000,50,150,1', 'NYD volumes');
}, { communityOnly: true });

// ---- spec queries, verbatim -----------------------------------------------------------------
await check('spec: latest prices for all symbols', async () => {
  const latest = await rows(`-- Get latest prices for all symbols
SELECT DISTINCT ON (symbol) 
    symbol, timestamp, close_price, volume
FROM trading.stock_prices 
ORDER BY symbol, timestamp DESC;`);
  const expected = await rows(`SELECT symbol, max(timestamp) AS timestamp FROM trading.stock_prices GROUP BY symbol ORDER BY symbol`);
  equal(latest.map((r) => [r.symbol, r.timestamp]), expected.map((r) => [r.symbol, r.timestamp]), 'latest per symbol');
});
await check('spec: 5-minute OHLCV for AAPL', async () => {
  const bars = await rows(`-- Get 5-minute OHLCV data for AAPL
SELECT * FROM trading.stock_prices_5m 
WHERE symbol = 'AAPL' 
AND bucket >= NOW() - INTERVAL '1 day'
ORDER BY bucket DESC;`);
  const expected = await one(`SELECT count(DISTINCT time_bucket(INTERVAL '5 minutes', timestamp))::int AS n, sum(volume)::bigint AS v
    FROM trading.stock_prices WHERE symbol = 'AAPL' AND timestamp >= NOW() - INTERVAL '23 hours 5 minutes'`);
  equal([bars.length, bars.reduce((s, b) => s + Number(b.volume), 0)], [expected.n, Number(expected.v)], 'AAPL 5m buckets and volume');
  truthy(bars[0].bucket > bars.at(-1).bucket, 'newest first');
});
await check('spec: options chain for AAPL expiring this week', async () => {
  const chain = await rows(`-- Get options chain for AAPL expiring this week
SELECT 
    option_symbol, strike_price, option_type,
    last_price, volume, open_interest, implied_volatility
FROM trading.options_data 
WHERE underlying_symbol = 'AAPL'
AND expiration_date BETWEEN CURRENT_DATE AND CURRENT_DATE + INTERVAL '7 days'
AND timestamp >= NOW() - INTERVAL '1 hour'
ORDER BY option_type, strike_price;`);
  equal(chain.map((c) => `${c.option_type} ${c.strike_price} ${c.volume}`), ['CALL 180 100', 'CALL 190 200', 'PUT 180 150', 'PUT 190 250'], 'chain');
});
await check('spec: put/call ratio', async () => {
  const ratios = await rows(`-- Calculate put/call ratio
SELECT 
    underlying_symbol,
    SUM(CASE WHEN option_type = 'PUT' THEN volume ELSE 0 END) as put_volume,
    SUM(CASE WHEN option_type = 'CALL' THEN volume ELSE 0 END) as call_volume,
    CASE 
        WHEN SUM(CASE WHEN option_type = 'CALL' THEN volume ELSE 0 END) > 0 
        THEN SUM(CASE WHEN option_type = 'PUT' THEN volume ELSE 0 END)::DECIMAL / 
             SUM(CASE WHEN option_type = 'CALL' THEN volume ELSE 0 END)::DECIMAL
        ELSE NULL 
    END as put_call_ratio
FROM trading.options_data 
WHERE timestamp >= NOW() - INTERVAL '1 day'
GROUP BY underlying_symbol;`);
  const bySymbol = Object.fromEntries(ratios.map((r) => [r.underlying_symbol, r]));
  equal(Object.keys(bySymbol).sort(), ['AAPL', 'MSFT'], 'underlyings');
  equal([bySymbol.AAPL.put_volume, bySymbol.AAPL.call_volume], [440, 380], 'AAPL volumes');
  near(bySymbol.AAPL.put_call_ratio, 440 / 380, 'AAPL ratio', 1e-12);
  equal(bySymbol.MSFT.put_call_ratio, null, 'MSFT ratio without calls');
});
await check('spec: recent high-confidence signals', async () => {
  const signals = await rows(`-- Get recent high-confidence signals
SELECT 
    symbol, signal_type, confidence, target_price, reasoning, timestamp
FROM trading.signals 
WHERE confidence > 0.8
AND timestamp >= NOW() - INTERVAL '1 day'
ORDER BY timestamp DESC;`);
  equal(signals.map((s) => `${s.symbol} ${s.signal_type} ${s.confidence}`), ['MSFT BUY 0.95', 'AAPL BUY 0.9', 'AAPL SELL 0.85'], 'signals');
});
await check('spec: signal performance by symbol', async () => {
  const performance = await rows(`-- Signal performance by symbol
SELECT 
    symbol,
    COUNT(*) as total_signals,
    AVG(confidence) as avg_confidence,
    COUNT(CASE WHEN signal_type = 'BUY' THEN 1 END) as buy_signals,
    COUNT(CASE WHEN signal_type = 'SELL' THEN 1 END) as sell_signals,
    COUNT(CASE WHEN signal_type = 'HOLD' THEN 1 END) as hold_signals
FROM trading.signals 
WHERE timestamp >= NOW() - INTERVAL '7 days'
GROUP BY symbol
ORDER BY total_signals DESC;`);
  equal(performance.map((p) => `${p.symbol} ${p.total_signals} ${p.buy_signals}/${p.sell_signals}/${p.hold_signals}`),
    ['AAPL 3 1/1/1', 'MSFT 2 1/1/0', 'SPY 1 0/0/1'], 'performance');
  near(performance[0].avg_confidence, 0.75, 'AAPL average confidence');
});
await check('spec: hypertable health and continuous aggregate status', async () => {
  const hypertables = await rows(`-- Check hypertable health
SELECT * FROM timescaledb_information.hypertables;`);
  equal(hypertables.filter((h) => h.hypertable_schema === 'trading').length, 7, 'trading hypertables');
  const caggs = await rows(`-- Check continuous aggregate status
SELECT * FROM timescaledb_information.continuous_aggregates;`);
  equal(caggs.filter((c) => c.view_schema === 'trading').length, community ? 6 : 0, 'continuous aggregates');
});
await check('spec: compression status (TimescaleDB 2 shape: trading.compression_status)', async () => {
  const verbatim = await errorOf(`-- Check compression status
SELECT 
    hypertable_name,
    compression_enabled,
    compressed_chunks,
    uncompressed_chunks
FROM timescaledb_information.hypertables 
WHERE schema_name = 'trading';`);
  truthy(verbatim && verbatim.includes('does not exist'), `the spec's query was expected to fail on TimescaleDB 2, got: ${verbatim}`);
  const status = await rows(`SELECT hypertable_name, compression_enabled, compressed_chunks, uncompressed_chunks
    FROM trading.compression_status ORDER BY hypertable_name`);
  equal(status.length, 7, 'hypertables');
  const prices = status.find((s) => s.hypertable_name === 'stock_prices');
  equal([prices.compression_enabled, prices.compressed_chunks], community ? [true, 5] : [false, 0], 'stock_prices compression');
});
await check('spec: chunk compression (TimescaleDB 2 shape: trading.chunk_compression)', async () => {
  const verbatim = await errorOf(`-- Monitor chunk compression
SELECT 
    chunk_schema, chunk_name, compression_status,
    before_compression_total_bytes, after_compression_total_bytes
FROM timescaledb_information.chunks 
WHERE compression_status = 'Compressed';`);
  truthy(verbatim && verbatim.includes('does not exist'), `the spec's query was expected to fail on TimescaleDB 2, got: ${verbatim}`);
  const chunks = await rows(`SELECT chunk_schema, chunk_name, compression_status, before_compression_total_bytes, after_compression_total_bytes
    FROM trading.chunk_compression WHERE compression_status = 'Compressed'`);
  equal(chunks.length, community ? 6 : 0, 'compressed chunks');
  truthy(chunks.every((c) => c.before_compression_total_bytes > 0 && c.after_compression_total_bytes > 0), 'sizes');
});
await check('spec: table sizes', async () => {
  const sizes = await rows(`SELECT 
    schemaname, tablename,
    pg_size_pretty(pg_total_relation_size(schemaname||'.'||tablename)) as size
FROM pg_tables 
WHERE schemaname = 'trading'
ORDER BY pg_total_relation_size(schemaname||'.'||tablename) DESC;`);
  truthy(sizes.some((s) => s.tablename === 'stock_prices'), 'stock_prices listed');
});

// ---- retention ------------------------------------------------------------------------------
await check('retention policies drop old raw chunks; aggregates and CRITICAL events survive', async () => {
  for (const table of ['stock_prices', 'options_data', 'signals', 'performance_metrics', 'data_quality', 'system_events_critical']) {
    await db.exec(`CALL run_job(${(await jobConfig('policy_retention', table)).job_id})`);
  }
  await db.exec(`CALL run_job(${await systemEventsRetentionJob()})`);
  equal(await value(`SELECT count(*)::int FROM trading.stock_prices WHERE timestamp < NOW() - INTERVAL '90 days'`), 0, 'old bars');
  equal(await value(`SELECT count(*)::int FROM trading.system_events WHERE timestamp < NOW() - INTERVAL '3 months'`), 0, 'old events');
  equal(await value(`SELECT string_agg(message, '|' ORDER BY timestamp, id) FROM trading.system_events_critical`),
    'disk full|connection lost, orders halted|feed lost|recent outage', 'CRITICAL copies (800-day-old one past 2 years)');
  equal((await rows(`SELECT volume FROM trading.stock_prices_1d WHERE symbol = 'NYD' ORDER BY bucket`)).map((r) => r.volume), [1400, 200], 'daily history after raw retention');
  equal(await value(`SELECT count(*)::int FROM trading.signal_performance_1d WHERE symbol = 'NYD'`), 2, 'signal days after raw retention');
}, { communityOnly: true });
await check('the system_events retention job copies a CRITICAL event that has no copy before it drops its chunk', async () => {
  // A copy lost by any path (deleted here): the job's sweep, not the trigger, must save the event.
  await db.exec(`INSERT INTO trading.system_events (event_type, severity, source, message, timestamp)
    VALUES ('bypass', 'CRITICAL', 'replica', 'copy lost', date_trunc('day', NOW() - INTERVAL '200 days') + INTERVAL '10 hours')`);
  await db.exec(`DELETE FROM trading.system_events_critical WHERE message = 'copy lost'`);
  await db.exec(`CALL run_job(${await systemEventsRetentionJob()})`);
  equal(await value(`SELECT count(*)::int FROM trading.system_events WHERE message = 'copy lost'`), 0, 'event chunk dropped');
  equal(await value(`SELECT count(*)::int FROM trading.system_events_critical WHERE message = 'copy lost' AND source = 'replica'`), 1, 'copied before the drop');
  await db.exec(`DELETE FROM trading.system_events_critical WHERE message = 'copy lost'`);
}, { communityOnly: true });
await check('trading.apply_retention() drops old chunks per table and keeps CRITICAL events, even untriggered ones', async () => {
  if (community) {
    // Fresh old rows, since the policies above already dropped the sample's.
    await db.exec(`INSERT INTO trading.stock_prices (symbol, timestamp, close_price, volume) VALUES ('OLD', NOW() - INTERVAL '120 days', 1, 1)`);
    await db.exec(`INSERT INTO trading.system_events (event_type, severity, source, message, timestamp)
      VALUES ('noise', 'INFO', 'ingest', 'old heartbeat', NOW() - INTERVAL '100 days')`);
  }
  // Written with triggers off, as a replica or a bulk restore would: only apply_retention's sweep saves it.
  await db.exec(`SET session_replication_role = replica;
    INSERT INTO trading.system_events (event_type, severity, source, message, timestamp)
    VALUES ('restore', 'CRITICAL', 'backup', 'restored without triggers', date_trunc('day', NOW() - INTERVAL '100 days') + INTERVAL '15 hours');
    SET session_replication_role = origin;`);
  const dropped = await rows(`SELECT hypertable, dropped_chunks FROM trading.apply_retention()`);
  const expected = community
    ? { stock_prices: 1, options_data: 0, signals: 0, performance_metrics: 0, data_quality: 0, system_events: 1, system_events_critical: 0 }
    : { stock_prices: 3, options_data: 1, signals: 2, performance_metrics: 1, data_quality: 1, system_events: 2, system_events_critical: 1 };
  equal(Object.fromEntries(dropped.map((d) => [d.hypertable.replace('trading.', ''), d.dropped_chunks])), expected, 'dropped chunks');
  equal(await value(`SELECT string_agg(message, '|' ORDER BY timestamp, id) FROM trading.system_events_critical WHERE timestamp < NOW() - INTERVAL '3 months'`),
    'disk full|connection lost, orders halted|feed lost|restored without triggers', 'old CRITICAL copies');
  equal(await value(`SELECT count(*)::int FROM trading.system_events WHERE timestamp < NOW() - INTERVAL '3 months'`), 0, 'old events');
  equal((await rows(`SELECT hypertable, dropped_chunks FROM trading.apply_retention()`)).every((d) => d.dropped_chunks === 0), true, 'second run drops nothing');
});

// ---- maintenance (trading.retention_plan(), the library's dry run and the catalog it reads) ----
await check('trading.retention_plan() names exactly the chunks apply_retention() then drops, and drops nothing itself', async () => {
  await db.exec(`INSERT INTO trading.stock_prices (symbol, timestamp, close_price, volume)
    VALUES ('PLAN', NOW() - INTERVAL '150 days', 1, 1), ('PLAN', NOW() - INTERVAL '130 days', 1, 1), ('PLAN', NOW(), 1, 1)`);
  const plan = await rows(`SELECT hypertable, chunk FROM trading.retention_plan() ORDER BY chunk`);
  equal(plan.map((p) => p.hypertable), ['trading.stock_prices', 'trading.stock_prices'], 'planned hypertables');
  equal(await value(`SELECT count(*)::int FROM trading.stock_prices WHERE symbol = 'PLAN'`), 3, 'the plan dropped nothing');
  const dropped = await rows(`SELECT hypertable, dropped_chunks FROM trading.apply_retention() WHERE dropped_chunks > 0`);
  equal(dropped.map((d) => [d.hypertable, d.dropped_chunks]), [['trading.stock_prices', 2]], 'dropped as planned');
  equal(await value(`SELECT count(*)::int FROM trading.stock_prices WHERE symbol = 'PLAN'`), 1, 'the recent row stays');
  equal(await value(`SELECT count(*)::int FROM trading.retention_plan()`), 0, 'nothing left to plan');
});
await check('stats and maintenance read job errors, compression stats and each aggregate\'s newest materialized bucket', async () => {
  const jobs = await one(`SELECT count(*)::int AS n, count(e.err_message)::int AS errors
    FROM timescaledb_information.jobs j LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
    LEFT JOIN LATERAL (SELECT x.err_message, x.finish_time FROM timescaledb_information.job_errors x
                       WHERE x.job_id = j.job_id ORDER BY x.finish_time DESC NULLS LAST LIMIT 1) e ON true
    WHERE j.hypertable_schema = 'trading' AND (s.last_successful_finish IS NULL OR s.last_successful_finish <= NOW())`);
  truthy(jobs.n >= 14, `jobs: ${JSON.stringify(jobs)}`); // job_stats has a row only once a job ran
  const compressed = await one(`SELECT count(*)::int AS n, bool_and(z.after_compression_total_bytes > 0) AS sized
    FROM timescaledb_information.chunks c
    JOIN LATERAL chunk_compression_stats(format('%I.%I', c.hypertable_schema, c.hypertable_name)::regclass) z
      ON z.chunk_schema = c.chunk_schema AND z.chunk_name = c.chunk_name AND z.compression_status = 'Compressed'
    WHERE c.hypertable_schema = 'trading'`);
  equal(compressed.n, await value(`SELECT count(*)::int FROM timescaledb_information.chunks WHERE hypertable_schema = 'trading' AND is_compressed`), 'compressed chunks');
  const minute = await one(`SELECT format('%I.%I', c.materialization_hypertable_schema, c.materialization_hypertable_name) AS mat, d.column_name
    FROM timescaledb_information.continuous_aggregates c JOIN timescaledb_information.dimensions d
      ON d.hypertable_schema = c.materialization_hypertable_schema AND d.hypertable_name = c.materialization_hypertable_name AND d.dimension_number = 1
    WHERE c.view_schema = 'trading' AND c.view_name = 'stock_prices_1m'`);
  equal(minute.column_name, 'bucket', 'time column of the materialization hypertable');
  const minuteAgo = await value(`SELECT date_trunc('minute', NOW() - INTERVAL '10 minutes')::text`);
  await db.exec(`INSERT INTO trading.stock_prices (symbol, timestamp, close_price, volume) VALUES ('LAG', '${minuteAgo}', 1, 1)`);
  await db.exec(`CALL refresh_continuous_aggregate('trading.stock_prices_1m', '${minuteAgo}'::timestamptz - INTERVAL '1 hour', '${minuteAgo}'::timestamptz + INTERVAL '2 minutes')`);
  equal(await value(`SELECT count(*)::int FROM ${minute.mat} WHERE ${minute.column_name} = '${minuteAgo}' AND symbol = 'LAG'`), 1, 'the row\'s bucket is materialized where stats looks');
}, { communityOnly: true });

// ---- changed settings -----------------------------------------------------------------------
const changedSettings = [
  '--set', 'ChunkIntervals:StockPrices=12 hours',
  '--set', 'Retention:StockPrices=100 days',
  '--set', 'CompressAfter=14 days',
  '--set', 'Refresh:StockPrices1h:StartOffset=4 days',
  '--set', 'Refresh:StockPrices1h:Schedule=20 minutes',
];
await check('changed settings are applied by a script exported with --set', async () => {
  await apply(exportScript(edition, ...changedSettings));
  equal(await value(`SELECT time_interval::text FROM timescaledb_information.dimensions
    WHERE hypertable_schema = 'trading' AND hypertable_name = 'stock_prices'`), '12:00:00', 'chunk interval');
  equal(await value(`SELECT value FROM trading.settings WHERE name = 'retention_stock_prices'`), '100 days', 'stored retention');
  if (community) {
    equal((await jobConfig('policy_retention', 'stock_prices')).config.drop_after, '100 days', 'retention policy');
    equal((await jobConfig('policy_compression', 'signals')).config.compress_after, '14 days', 'compression policy');
    const hourly = await jobConfig('policy_refresh_continuous_aggregate', 'stock_prices_1h');
    equal([hourly.schedule, hourly.config.start_offset], ['00:20:00', '4 days'], '1h refresh policy');
    equal(await value(`SELECT count(*)::int FROM timescaledb_information.jobs WHERE hypertable_schema = 'trading' OR proc_schema = 'trading'`), 20, 'jobs (no duplicates)');
  }
});
await check('a changed exchange_time_zone is refused with the installed zone named', async () => {
  try {
    await apply(exportScript(edition, ...changedSettings, '--time-zone', 'Europe/London'));
    throw new Error('the zone change was accepted');
  } catch (e) {
    truthy(String(e.message).includes(`differs from 'America/New_York'`), `unexpected error: ${e.message}`);
  }
  equal(await value(`SELECT value FROM trading.settings WHERE name = 'exchange_time_zone'`), 'America/New_York', 'stored zone');
});

// ---- indicators ---------------------------------------------------------------------------
// The expected values come from tests/fixtures/indicators/indicators.json (generate.py, a reference
// independent of the SQL), the same file the .NET integration tests read.
const indicatorFixture = JSON.parse(readFileSync(resolve(here, '../fixtures/indicators/indicators.json'), 'utf8'));
const sameValue = (actual, expected, kind) => {
  if (actual === null || expected === null) return actual === expected;
  if (kind === 'timestamp') return Date.parse(actual) === Date.parse(expected);
  if (kind === 'exact') return typeof expected === 'string' && Number.isNaN(Number(expected)) ? actual === expected : Number(actual) === Number(expected);
  const { relative, floor } = indicatorFixture.tolerance;
  return Math.abs(Number(actual) - expected) <= relative * Math.max(Math.abs(expected), floor);
};
// The fixture lies below the aggregates' watermark (refreshed up to recent hours by the checks above),
// so on the community edition it is read from the materialized aggregates after a refresh.
await check('indicator fixture loads and is materialized in the continuous aggregates', async () => {
  const raw = JSON.stringify(indicatorFixture.raw).replaceAll("'", "''");
  await db.exec(`INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume, vwap)
    SELECT r.symbol, r.timestamp, r.open, r.high, r.low, r.close, r.volume, r.vwap
    FROM jsonb_to_recordset('${raw}'::jsonb) AS r(symbol text, timestamp timestamptz, open numeric, high numeric, low numeric,
                                                  close numeric, volume bigint, vwap numeric)`);
  equal(await value(`SELECT count(*)::int FROM trading.stock_prices WHERE symbol IN ('FIX', 'FLAT', 'FEW')`), indicatorFixture.raw.length, 'raw rows');
  if (community) {
    await refresh(hierarchy, `'2026-03-01'`, `'2026-03-20'`);
    const table = await one(`SELECT materialization_hypertable_schema AS s, materialization_hypertable_name AS t
      FROM timescaledb_information.continuous_aggregates WHERE view_name = 'stock_prices_5m'`);
    const materialized = await value(`SELECT count(*)::int FROM ${table.s}.${table.t} WHERE symbol = 'FIX'`);
    const total = await value(`SELECT count(*)::int FROM trading.stock_prices_5m WHERE symbol = 'FIX'`);
    truthy(materialized === total && total === 930, `FIX 5-minute bars: ${materialized} materialized of ${total}`);
  }
});
await check(`indicator functions equal the shared expected values (${indicatorFixture.cases.length} cases, ${community ? 'continuous aggregates' : 'views'})`, async () => {
  const problems = [];
  for (const testCase of indicatorFixture.cases) {
    const actual = await rows(testCase.sql);
    if (actual.length !== testCase.rows.length) problems.push(`${testCase.name}: ${actual.length} rows, expected ${testCase.rows.length}`);
    testCase.rows.forEach((expected, r) => testCase.columns.forEach(({ name, kind }, c) => {
      const got = actual[r]?.[name] ?? null;
      if (!sameValue(got, expected[c], kind)) problems.push(`${testCase.name}: row ${r} ${name} expected ${expected[c]}, got ${got}`);
    }));
  }
  truthy(problems.length === 0, `${problems.length} differences:\n${problems.slice(0, 20).join('\n')}`);
});
await check('indicator errors name the argument; an unknown symbol gives no rows', async () => {
  const expectations = {
    "SELECT * FROM trading.calculate_rsi('FIX', 0, '5 minutes')": 'p_period must be > 0, got 0',
    "SELECT * FROM trading.calculate_rsi('FIX', 14, 'banana')": "p_interval 'banana' is not an interval",
    "SELECT * FROM trading.calculate_bollinger_bands('FIX', 20, -2.0, '5 minutes')": 'p_stddev_multiplier must be >= 0, got -2.0',
  };
  for (const [sql, message] of Object.entries(expectations)) {
    const error = await errorOf(sql);
    truthy(error?.includes(message), `${sql}: ${error}`);
  }
  equal((await rows(`SELECT * FROM trading.calculate_rsi('NOPE', 14, '5 minutes')`)).length, 0, 'unknown symbol rows');
});
await check('spec: technical analysis queries, verbatim, against indicators computed here from the 5-minute bars', async () => {
  const rsiRows = await rows(`-- Calculate RSI for AAPL
SELECT * FROM trading.calculate_rsi('AAPL', 14, '5 minutes')
WHERE timestamp >= NOW() - INTERVAL '1 day'
ORDER BY timestamp DESC;`);
  const bandRows = await rows(`-- Get Bollinger Bands
SELECT * FROM trading.calculate_bollinger_bands('AAPL', 20, 2.0, '5 minutes')
WHERE timestamp >= NOW() - INTERVAL '1 day'
ORDER BY timestamp DESC;`);
  const averageRows = await rows(`-- Moving averages
SELECT * FROM trading.calculate_moving_average('AAPL', 50, '5 minutes')
WHERE timestamp >= NOW() - INTERVAL '1 day'
ORDER BY timestamp DESC;`);
  const bars = await rows(`SELECT bucket, close FROM trading.stock_prices_5m WHERE symbol = 'AAPL' ORDER BY bucket`);
  const closes = bars.map((b) => Number(b.close));
  const at = new Map(bars.map((b, i) => [Date.parse(b.bucket), i]));
  const recent = await value(`SELECT count(*)::int FROM trading.stock_prices_5m WHERE symbol = 'AAPL' AND bucket >= NOW() - INTERVAL '1 day'`);
  truthy(recent > 200, `recent AAPL bars: ${recent}`);
  for (const result of [rsiRows, bandRows, averageRows]) {
    equal(result.length, recent, 'rows in the last day');
    truthy(Date.parse(result[0].timestamp) > Date.parse(result.at(-1).timestamp), 'newest first');
  }
  const wilder = [];
  let gains = 0, losses = 0;
  closes.forEach((c, i) => {
    if (i === 0) return;
    const change = c - closes[i - 1];
    const [g, l] = [Math.max(change, 0), Math.max(-change, 0)];
    if (i <= 14) { gains += g / 14; losses += l / 14; } else { gains = (gains * 13 + g) / 14; losses = (losses * 13 + l) / 14; }
    wilder[i] = i < 14 ? null : losses === 0 ? 100 : (100 * gains) / (gains + losses);
  });
  const window = (i, n) => closes.slice(i - n + 1, i + 1);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const r of rsiRows) {
    const i = at.get(Date.parse(r.timestamp));
    truthy(i >= 14 && sameValue(r.rsi, wilder[i], 'approx'), `RSI at ${r.timestamp}: ${r.rsi}, expected ${wilder[i]}`);
  }
  for (const r of averageRows) {
    const i = at.get(Date.parse(r.timestamp));
    const expected = i >= 49 ? mean(window(i, 50)) : null;
    truthy(sameValue(r.moving_average, expected, 'approx'), `SMA at ${r.timestamp}: ${r.moving_average}, expected ${expected}`);
  }
  for (const r of bandRows) {
    const i = at.get(Date.parse(r.timestamp));
    if (i < 19) { truthy(r.middle_band === null, `bands during warm-up at ${r.timestamp}`); continue; }
    const w = window(i, 20);
    const m = mean(w);
    const sd = Math.sqrt(mean(w.map((c) => (c - m) ** 2)));
    truthy(sameValue(r.middle_band, m, 'approx') && sameValue(r.upper_band, m + 2 * sd, 'approx') && sameValue(r.lower_band, m - 2 * sd, 'approx'),
      `bands at ${r.timestamp}: ${r.middle_band} ${r.upper_band} ${r.lower_band}, expected ${m} ± ${2 * sd}`);
  }
});

await db.close();

await check('an exchange zone with a half-hour offset builds stock_prices_1d on stock_prices_5m, by its days', async () => {
  const kolkata = await pgliteBackend();
  try {
    await kolkata.execScript(exportScript(edition, '--time-zone', 'Asia/Kolkata'));
    const source = await kolkata.rows(`SELECT substring(view_definition from 'FROM ([a-z_.0-9]+)') AS source
      FROM timescaledb_information.continuous_aggregates WHERE view_name = 'stock_prices_1d'`);
    equal(source[0].source.replace('trading.', ''), 'stock_prices_5m', 'daily source');
    // 18:15 and 18:45 UTC fall on two Kolkata days (+05:30): midnight there is 18:30 UTC.
    await kolkata.exec(`INSERT INTO trading.stock_prices (symbol, timestamp, open_price, high_price, low_price, close_price, volume, vwap) VALUES
      ('INF', '2024-03-11 18:15:00+00', 10, 10, 10, 10, 100, 10), ('INF', '2024-03-11 18:45:00+00', 20, 20, 20, 20, 300, 20)`);
    for (const name of hierarchy) await kolkata.exec(`CALL refresh_continuous_aggregate('trading.${name}', '2024-03-10', '2024-03-14')`);
    const days = await kolkata.rows(`SELECT bucket, volume FROM trading.stock_prices_1d WHERE symbol = 'INF' ORDER BY bucket`);
    equal(days.map((d) => [d.bucket, d.volume]), [['2024-03-10T18:30:00+00:00', 100], ['2024-03-11T18:30:00+00:00', 300]], 'Kolkata days');
  } finally {
    await kolkata.close();
  }
}, { communityOnly: true });

console.log(`Finished in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
console.log(`Conformance: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
process.exit(counts.failed === 0 ? 0 : 1);
