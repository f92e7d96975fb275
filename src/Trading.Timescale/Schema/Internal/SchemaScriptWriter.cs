using System.Globalization;
using System.Text;
using Trading.Timescale.Internal;

namespace Trading.Timescale.Schema.Internal;

/// <summary>
/// Writes the whole schema as one psql script: the same settings, lock, journal and files, in the same order, as
/// <see cref="TradingSchemaInstaller.MigrateAsync(SchemaMigrationOptions, CancellationToken)"/>. Each file is guarded by a journal lookup, so running the script
/// again applies only what is missing.
/// </summary>
internal static class SchemaScriptWriter
{
    private const string RunVariable = "trading_timescale_run";
    private const string StartedVariable = "trading_timescale_started";

    public static string Write(
        TimescaleEdition edition, string timeZone, IReadOnlyList<KeyValuePair<string, string>> settings, IReadOnlyList<MigrationScript> scripts,
        IReadOnlySet<string> changeable, bool allowDataRemoval)
    {
        var editionName = SchemaSettings.EditionName(edition);
        var license = edition == TimescaleEdition.Apache ? "apache" : "timescale";
        var sql = new StringBuilder();
        sql.Append(CultureInfo.InvariantCulture, $"""
            -- Trading.Timescale {ProductInfo.Version}: the trading schema for the {editionName} edition of TimescaleDB.
            -- Run it with psql, which stops at the first error:
            --   psql -v ON_ERROR_STOP=1 -d trading_db -f this-file.sql
            -- Files already in trading.schema_migrations are skipped, so running it again applies only what is missing.
            \set ON_ERROR_STOP on

            -- Settings the schema files read (trading_timescale.*), as the installer sets them.
            SELECT

            """);
        for (var i = 0; i < settings.Count; i++)
        {
            var (name, value) = settings[i];
            sql.Append(CultureInfo.InvariantCulture, $"    set_config({SqlLiteral.Quote(name)}, {SqlLiteral.Quote(value)}, false) AS setting_{i}");
            sql.Append(i < settings.Count - 1 ? ",\n" : "\n");
        }

        sql.Append(CultureInfo.InvariantCulture, $$"""
            \gset trading_timescale_

            CREATE EXTENSION IF NOT EXISTS timescaledb;
            DO $trading_timescale$
            BEGIN
                IF current_setting('timescaledb.license', true) IS DISTINCT FROM {{SqlLiteral.Quote(license)}} THEN
                    RAISE EXCEPTION 'This script is for the {{editionName}} edition of TimescaleDB (timescaledb.license = {{license}}), but this server reports timescaledb.license = %: export the script for the server''s edition.',
                        coalesce(current_setting('timescaledb.license', true), 'unset');
                END IF;
                IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = {{SqlLiteral.Quote(timeZone)}}) THEN
                    RAISE EXCEPTION 'TradingTimescale:ExchangeTimeZone ({{timeZone.Replace("'", "''", StringComparison.Ordinal)}}) is not known to this server (pg_timezone_names).';
                END IF;
            END
            $trading_timescale$;

            -- One installer at a time (the same advisory lock as the library's installer).
            SELECT pg_advisory_lock({{SchemaLock.Key}}) AS trading_timescale_locked \gset

            DO $trading_timescale$
            BEGIN
                IF to_regclass('trading.schema_migrations') IS NULL THEN
            {{Indent(SchemaJournal.CreateSql, 8)}}
                END IF;
            END
            $trading_timescale$;

            """);
        WriteSettingsGuard(sql, changeable, allowDataRemoval);

        foreach (var script in scripts)
        {
            WriteScript(sql, script, editionName);
        }

        sql.Append("""
            SELECT pg_advisory_unlock(
            """).Append(SchemaLock.Key.ToString(CultureInfo.InvariantCulture)).Append("""
            ) AS trading_timescale_unlocked \gset

            """);
        return sql.ToString();
    }

    /// <summary>
    /// Stops the script before anything changes when the database keeps settings that differ from the script's, except
    /// settings exported on purpose (and a shorter retention only when exported with data removal allowed).
    /// </summary>
    private static void WriteSettingsGuard(StringBuilder sql, IReadOnlySet<string> changeable, bool allowDataRemoval)
    {
        var rows = string.Join(",\n            ", SchemaSettings.All.Select(s =>
            $"({SqlLiteral.Quote(s.Name)}, {SqlLiteral.Quote(s.Path)}, {(s.IsInterval ? "TRUE" : "FALSE")}, {(s.RetainedTable is null ? "FALSE" : "TRUE")}, {(changeable.Contains(s.Name) ? "TRUE" : "FALSE")})"));
        var cli = "trading-timescale script --set";
        sql.Append(CultureInfo.InvariantCulture, $$"""
            -- Settings change only on purpose: a database that keeps other settings stops the script here.
            DO $trading_timescale$
            DECLARE
                refused TEXT;
                removing TEXT;
            BEGIN
                IF to_regclass('trading.settings') IS NULL THEN
                    RETURN;
                END IF;
                WITH wanted (name, path, is_interval, is_retention, changeable) AS (VALUES
                        {{rows}}),
                    compared AS (
                        SELECT w.*, s.value AS kept, current_setting('trading_timescale.' || w.name) AS value
                        FROM wanted AS w JOIN trading.settings AS s ON s.name = w.name)
                SELECT string_agg(CASE WHEN NOT changeable
                                      THEN format('%s: the database keeps %s, this script holds %s', path, kept, value) END, '; '),
                       string_agg(CASE WHEN changeable AND is_retention AND value::INTERVAL < kept::INTERVAL
                                      THEN format('%s: %s -> %s', path, kept, value) END, '; ')
                INTO refused, removing
                FROM compared
                WHERE CASE WHEN is_interval THEN kept::INTERVAL <> value::INTERVAL ELSE kept <> value END;
                IF refused IS NOT NULL THEN
                    RAISE EXCEPTION 'This script would change settings the database keeps (%). Nothing was changed. Export the script again with {{cli}} "Path=Value" for each setting: the value the database keeps, or the new value to change it on purpose.', refused;
                END IF;
                IF removing IS NOT NULL AND NOT {{(allowDataRemoval ? "TRUE" : "FALSE")}} THEN
                    RAISE EXCEPTION 'This script shortens a retention (%), so the next retention run drops rows the database keeps today. Nothing was changed. Export it with --yes to drop them on purpose.', removing;
                END IF;
            END
            $trading_timescale$;


            """);
    }

    private static void WriteScript(StringBuilder sql, MigrationScript script, string editionName)
    {
        var condition = script.Kind == SchemaMigrationKind.Versioned
            ? $"id = {SqlLiteral.Quote(script.Id)}"
            : $"id = {SqlLiteral.Quote(script.Id)} AND checksum = {SqlLiteral.Quote(script.Checksum)}";
        var mode = script.NoTransaction ? "runs outside a transaction, statement by statement" : "runs in one transaction with its journal row";
        sql.Append(CultureInfo.InvariantCulture, $"""
            -- ===== {script.Path} ({script.KindName} {script.Id}, {mode})
            SELECT NOT EXISTS (SELECT 1 FROM trading.schema_migrations WHERE {condition}) AS {RunVariable} \gset
            \if :{RunVariable}
            SELECT clock_timestamp() AS {StartedVariable} \gset

            """);
        if (!script.NoTransaction)
        {
            sql.Append("BEGIN;\n");
        }

        sql.Append(script.Text);
        if (!script.Text.EndsWith('\n'))
        {
            sql.Append('\n');
        }

        var statements = SqlSplitter.Split(script.Text);
        if (statements.Count > 0 && !statements[^1].Text.EndsWith(';'))
        {
            sql.Append(";\n");
        }

        sql.Append(CultureInfo.InvariantCulture, $"""
            INSERT INTO trading.schema_migrations (id, kind, edition, file_name, checksum, applied_at, execution_ms, installed_by, product_version)
            VALUES ({SqlLiteral.Quote(script.Id)}, {SqlLiteral.Quote(script.KindName)}, {SqlLiteral.Quote(editionName)}, {SqlLiteral.Quote(script.Path)}, {SqlLiteral.Quote(script.Checksum)}, clock_timestamp(),
                (extract(epoch FROM clock_timestamp() - :'{StartedVariable}'::timestamptz) * 1000)::integer, current_user, {SqlLiteral.Quote(ProductInfo.Version)})
            ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, edition = EXCLUDED.edition, file_name = EXCLUDED.file_name,
                checksum = EXCLUDED.checksum, applied_at = EXCLUDED.applied_at, execution_ms = EXCLUDED.execution_ms,
                installed_by = EXCLUDED.installed_by, product_version = EXCLUDED.product_version;

            """);
        if (!script.NoTransaction)
        {
            sql.Append("COMMIT;\n");
        }

        sql.Append("\\endif\n\n");
    }

    private static string Indent(string text, int spaces)
    {
        var pad = new string(' ', spaces);
        var lines = text.TrimEnd().Split('\n').Select(l => pad + l);
        return string.Join('\n', lines);
    }
}
