// Builds the SQL script the installer would run for one edition, and splits SQL into statements.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const NO_TRANSACTION = '-- trading:no-transaction';

/** The defaults of schema/README.md, keyed by the name after `trading_timescale.`. */
export function defaultSettings(edition) {
  const settings = {
    edition,
    exchange_time_zone: 'America/New_York',
    chunk_interval_stock_prices: '1 day',
    chunk_interval_options_data: '1 day',
    chunk_interval_signals: '1 day',
    chunk_interval_performance_metrics: '7 days',
    chunk_interval_data_quality: '1 day',
    chunk_interval_system_events: '1 day',
    compress_after: '7 days',
    retention_stock_prices: '90 days',
    retention_options_data: '60 days',
    retention_signals: '1 year',
    retention_performance_metrics: '2 years',
    retention_data_quality: '90 days',
    retention_system_events: '3 months',
    retention_system_events_critical: '2 years',
  };
  const refresh = {
    stock_prices_1m: ['3 hours', '1 minute', '1 minute'],
    stock_prices_5m: ['6 hours', '5 minutes', '5 minutes'],
    stock_prices_1h: ['3 days', '1 hour', '30 minutes'],
    stock_prices_1d: ['10 days', '1 hour', '1 hour'],
    options_volume_1h: ['3 days', '1 hour', '30 minutes'],
    signal_performance_1d: ['10 days', '1 hour', '1 hour'],
  };
  for (const [aggregate, [start, end, schedule]] of Object.entries(refresh)) {
    settings[`refresh_${aggregate}_start_offset`] = start;
    settings[`refresh_${aggregate}_end_offset`] = end;
    settings[`refresh_${aggregate}_schedule`] = schedule;
  }
  return settings;
}

const quote = (value) => `'${String(value).replaceAll("'", "''")}'`;

/**
 * The files of one folder that apply to an edition, in the installer's order: per id
 * (`NNNN_name` or `NN_name`) the `.<edition>.sql` variant, else the plain `.sql` file.
 */
export function filesFor(folder, edition) {
  const byId = new Map();
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.sql')).sort()) {
    const match = /^(.+?)(?:\.(community|apache))?\.sql$/.exec(file);
    const [, id, variant] = match;
    if (variant && variant !== edition) continue;
    const current = byId.get(id);
    if (!current || variant) byId.set(id, file);
  }
  return [...byId.keys()].sort().map((id) => join(folder, byId.get(id)));
}

/** The whole script: set_config preamble, versioned migrations, repeatable scripts. */
export function assembleScript(schemaDir, edition, settings = defaultSettings(edition)) {
  const parts = [`-- trading schema, ${edition} edition`];
  for (const [name, value] of Object.entries(settings)) {
    parts.push(`SELECT set_config('trading_timescale.${name}', ${quote(value)}, false);`);
  }
  for (const file of [...filesFor(join(schemaDir, 'migrations'), edition), ...filesFor(join(schemaDir, 'repeatable'), edition)]) {
    const text = readFileSync(file, 'utf8').replaceAll('\r\n', '\n');
    const noTransaction = text.split('\n', 1)[0].trim() === NO_TRANSACTION;
    parts.push(`-- file: ${file.slice(schemaDir.length + 1)}${noTransaction ? ' (no transaction)' : ''}`);
    parts.push(noTransaction ? text : `BEGIN;\n${text}\nCOMMIT;`);
  }
  return parts.join('\n') + '\n';
}

/**
 * Splits SQL into statements on top-level semicolons, respecting comments, quoted strings,
 * quoted identifiers and dollar quotes. Lines that are psql meta-commands are refused.
 */
export function splitStatements(sql) {
  const statements = [];
  let start = 0;
  let i = 0;
  const n = sql.length;
  const push = (end) => {
    const text = sql.slice(start, end).trim();
    if (text && !/^(\s*--[^\n]*\n?)*\s*$/.test(text)) statements.push(text);
  };
  while (i < n) {
    const c = sql[i];
    if (c === '-' && sql[i + 1] === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') { depth++; i += 2; }
        else if (sql[i] === '*' && sql[i + 1] === '/') { depth--; i += 2; }
        else i++;
      }
    } else if (c === "'" || c === '"') {
      const escapes = c === "'" && /[eE]/.test(sql[i - 1] ?? '') && !/\w/.test(sql[i - 2] ?? '');
      i++;
      while (i < n) {
        if (escapes && sql[i] === '\\') { i += 2; continue; }
        if (sql[i] === c) {
          if (sql[i + 1] === c) { i += 2; continue; }
          break;
        }
        i++;
      }
      i++;
    } else if (c === '$' && !/\w/.test(sql[i - 1] ?? '')) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        if (close < 0) throw new Error(`unterminated dollar quote ${tag[0]} at offset ${i}`);
        i = close + tag[0].length;
      } else i++;
    } else if (c === ';') {
      push(i);
      start = ++i;
    } else if (c === '\\' && (i === 0 || sql[i - 1] === '\n')) {
      throw new Error(`psql meta-command at offset ${i}: ${sql.slice(i, sql.indexOf('\n', i))}`);
    } else i++;
  }
  push(n);
  return statements;
}
