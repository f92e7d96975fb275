// Runs a psql script (such as `trading-timescale script` output) on a backend that only takes SQL:
// statements one by one, plus the psql meta-commands such scripts use: \set, \gset [prefix],
// \if / \elif / \else / \endif, and :name, :'name', :"name" interpolation. It stops at the
// first error, as psql -v ON_ERROR_STOP=1 does.

const truthy = (value, where) => {
  const v = String(value ?? '').trim().toLowerCase();
  if (['t', 'true', 'on', 'yes', 'y', '1'].includes(v)) return true;
  if (['f', 'false', 'off', 'no', 'n', '0'].includes(v)) return false;
  throw new Error(`${where}: '${value}' is not a boolean`);
};

const quoteLiteral = (v) => `'${String(v).replaceAll("'", "''")}'`;
const quoteIdent = (v) => `"${String(v).replaceAll('"', '""')}"`;

/**
 * @param {string} script the psql script
 * @param {{ exec: (sql: string) => Promise<unknown>, firstRow: (sql: string) => Promise<Record<string, unknown>|undefined> }} backend
 * @returns {Promise<{ statements: number, skipped: number, variables: Map<string,string> }>}
 */
export async function runPsqlScript(script, backend) {
  const vars = new Map();
  const branches = []; // { active, taken, parentActive }
  const active = () => branches.every((b) => b.active);
  let buffer = '';
  let statements = 0;
  let skipped = 0;
  const n = script.length;
  let i = 0;
  let line = 1;

  const flush = async () => {
    const sql = buffer.trim();
    buffer = '';
    if (!sql || /^(\s*--[^\n]*\n?)*\s*$/.test(sql)) return;
    if (!active()) { skipped++; return; }
    try {
      await backend.exec(sql);
      statements++;
    } catch (error) {
      throw new Error(`line ${line}: ${error.message}\n  in: ${sql.slice(0, 200)}`);
    }
  };

  const meta = async (raw) => {
    const text = raw.replace(/:(?:'(\w+)'|(\w+))/g, (whole, quoted, plain) =>
      vars.has(quoted ?? plain) ? (quoted ? quoteLiteral(vars.get(quoted)) : vars.get(plain)) : whole);
    const [command, ...args] = text.trim().split(/\s+/);
    const rest = text.trim().slice(command.length).trim();
    switch (command) {
      case '\\set': {
        if (active()) vars.set(args[0], args.slice(1).join(' '));
        return;
      }
      case '\\gset': {
        const sql = buffer.trim();
        buffer = '';
        if (!active()) { skipped++; return; }
        const row = await backend.firstRow(sql);
        if (!row) throw new Error(`line ${line}: \\gset query returned no rows`);
        for (const [name, value] of Object.entries(row)) vars.set(`${args[0] ?? ''}${name}`, value === null ? '' : String(value));
        statements++;
        return;
      }
      case '\\if': {
        const parentActive = active();
        const condition = parentActive && truthy(rest, `line ${line}: \\if`);
        branches.push({ active: condition, taken: condition, parentActive });
        return;
      }
      case '\\elif': {
        const b = branches.at(-1);
        if (!b) throw new Error(`line ${line}: \\elif without \\if`);
        const condition = b.parentActive && !b.taken && truthy(rest, `line ${line}: \\elif`);
        b.active = condition;
        b.taken ||= condition;
        return;
      }
      case '\\else': {
        const b = branches.at(-1);
        if (!b) throw new Error(`line ${line}: \\else without \\if`);
        b.active = b.parentActive && !b.taken;
        b.taken = true;
        return;
      }
      case '\\endif': {
        if (!branches.pop()) throw new Error(`line ${line}: \\endif without \\if`);
        return;
      }
      default:
        throw new Error(`line ${line}: psql meta-command ${command} is not supported by this runner`);
    }
  };

  while (i < n) {
    const c = script[i];
    if (c === '\n') { line++; buffer += c; i++; continue; }
    if (c === '-' && script[i + 1] === '-') {
      const eol = script.indexOf('\n', i);
      const end = eol < 0 ? n : eol;
      buffer += script.slice(i, end);
      i = end;
      continue;
    }
    if (c === '/' && script[i + 1] === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (script[j] === '/' && script[j + 1] === '*') { depth++; j += 2; } else if (script[j] === '*' && script[j + 1] === '/') { depth--; j += 2; } else j++;
      }
      line += (script.slice(i, j).match(/\n/g) ?? []).length;
      buffer += script.slice(i, j);
      i = j;
      continue;
    }
    if (c === ':' && script[i - 1] !== ':' && script[i + 1] !== ':') {
      const m = /^:(?:'([A-Za-z_][A-Za-z0-9_]*)'|"([A-Za-z_][A-Za-z0-9_]*)"|([A-Za-z_][A-Za-z0-9_]*))/.exec(script.slice(i, i + 80));
      const name = m && (m[1] ?? m[2] ?? m[3]);
      if (m && vars.has(name)) {
        const value = vars.get(name);
        buffer += m[1] ? quoteLiteral(value) : m[2] ? quoteIdent(value) : value;
        i += m[0].length;
        continue;
      }
    }
    if (c === "'" || c === '"') {
      const escapes = c === "'" && /[eE]/.test(script[i - 1] ?? '') && !/\w/.test(script[i - 2] ?? '');
      let j = i + 1;
      while (j < n) {
        if (escapes && script[j] === '\\') { j += 2; continue; }
        if (script[j] === c) { if (script[j + 1] === c) { j += 2; continue; } break; }
        j++;
      }
      line += (script.slice(i, j + 1).match(/\n/g) ?? []).length;
      buffer += script.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '$' && !/\w/.test(script[i - 1] ?? '')) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i, i + 64));
      if (tag) {
        const close = script.indexOf(tag[0], i + tag[0].length);
        if (close < 0) throw new Error(`line ${line}: unterminated dollar quote ${tag[0]}`);
        const end = close + tag[0].length;
        line += (script.slice(i, end).match(/\n/g) ?? []).length;
        buffer += script.slice(i, end);
        i = end;
        continue;
      }
    }
    if (c === ';') { i++; await flush(); continue; }
    if (c === '\\') {
      const eol = script.indexOf('\n', i);
      const end = eol < 0 ? n : eol;
      await meta(script.slice(i, end));
      i = end;
      continue;
    }
    buffer += c;
    i++;
  }
  await flush();
  if (branches.length) throw new Error(`the script ends inside ${branches.length} \\if block(s)`);
  return { statements, skipped, variables: vars };
}
