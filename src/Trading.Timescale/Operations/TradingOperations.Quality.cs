using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;
using Trading.Timescale.Internal;
using NodaTime;
using NodaTime.Text;
using Trading.Timescale.Operations.Internal;
using static Trading.Timescale.Operations.Internal.OperationsSql;
using Trading.Timescale.ScaleOut.Internal;

namespace Trading.Timescale.Operations;

public sealed partial class TradingOperations
{
    /// <summary>
    /// Runs the data quality checks over the window ending at <see cref="DataQualityOptions.AsOf"/> and, unless
    /// <see cref="DataQualityOptions.Record"/> is false, writes their outcome to <c>trading.data_quality</c> (a re-run as
    /// of the same moment replaces its rows): gaps in a symbol's bars during the regular session (<c>bar_gap</c>),
    /// symbols with no recent bar (<c>stale_symbol</c>), crossed and locked option quotes (<c>crossed_quote</c>,
    /// <c>locked_quote</c>), close-to-close jumps and non-positive closes (<c>price_outlier</c>), negative and absurd
    /// volumes (<c>negative_volume</c>, <c>absurd_volume</c>) and implied volatility out of range (<c>implied_volatility_range</c>).
    /// </summary>
    /// <param name="options">Thresholds and the market calendar; the defaults when omitted.</param>
    /// <param name="cancellationToken">Cancels the checks; nothing is recorded then.</param>
    /// <returns>A summary row per check and a row per symbol with a problem.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of range; the messages name each one.</exception>
    /// <exception cref="TradingOperationsException">The exchange time zone is unknown, or the schema is not installed.</exception>
    public async Task<DataQualityReport> CheckQualityAsync(DataQualityOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DataQualityOptions();
        Validate(options);
        var connection = await PrimaryConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        if (!await ScalarAsync<bool>(connection, "SELECT to_regclass('trading.data_quality') IS NOT NULL AND to_regclass('trading.options_data') IS NOT NULL", cancellationToken).ConfigureAwait(false))
        {
            throw new TradingOperationsException($"database {connection.Database} has no trading schema: run `trading-timescale migrate` first.");
        }

        // The calendar follows the zone the database was installed with.
        var zoneName = await ScalarAsync<string?>(connection, "SELECT value FROM trading.settings WHERE name = 'exchange_time_zone'", cancellationToken).ConfigureAwait(false)
            ?? _options.ExchangeTimeZone ?? Trading.Timescale.Internal.SchemaSettings.DefaultExchangeTimeZone;
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneName)
            ?? throw new TradingOperationsException($"the exchange time zone '{zoneName}' of database {connection.Database} is not a tz database time zone known to this application; update NodaTime's time zone data.");

        var asOf = options.AsOf ?? NodaTime.Instant.FromUnixTimeTicks(
            await ScalarAsync<long>(connection, $"SELECT {Micros("now()")}", cancellationToken).ConfigureAwait(false) * 10);
        var windowStart = asOf - options.Window;
        var expected = ExchangeCalendar.LastOpenMoment(asOf, zone, options);
        var parameters = Parameters(options, zone.Id, asOf, windowStart, expected);

        var rows = new List<DataQualityCheck>();
        var problems = new List<DataQualityCheck>();
        foreach (var check in QualityChecks.Build(options, expected is not null))
        {
            var found = new List<DataQualityCheck>();
            if (check.Sql.Length > 0)
            {
                using var command = new NpgsqlCommand(check.Sql, connection) { CommandTimeout = 0 };
                foreach (var (name, value) in parameters)
                {
                    command.Parameters.AddWithValue(name, value);
                }

                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var details = new JsonObject
                        {
                            ["problems"] = reader.GetInt64(1),
                            ["examples"] = JsonNode.Parse(reader.IsDBNull(3) ? "[]" : reader.GetString(3)),
                        };
                        found.Add(new DataQualityCheck
                        {
                            CheckName = check.Name, TableName = check.Table, Symbol = reader.GetString(0), Status = check.ProblemStatus,
                            MeasuredValue = reader.Double(2), ThresholdValue = check.Threshold,
                            Details = details.ToJsonString(), Timestamp = asOf,
                        });
                    }
                }
            }

            var summary = new JsonObject
            {
                ["symbols"] = new JsonArray([.. found.Select(f => (JsonNode?)f.Symbol)]),
                ["problems"] = found.Sum(f => (long)JsonNode.Parse(f.Details!)!["problems"]!),
                ["window_start"] = InstantPattern.ExtendedIso.Format(windowStart),
                ["as_of"] = InstantPattern.ExtendedIso.Format(asOf),
            };
            if (check.Sql.Length == 0)
            {
                summary["skipped"] = "no regular session in the 30 days before as_of";
            }

            rows.Add(new DataQualityCheck
            {
                CheckName = check.Name, TableName = check.Table, Status = found.Count == 0 ? DataQualityStatus.Pass : check.ProblemStatus,
                MeasuredValue = (double)(long)summary["problems"]!, ThresholdValue = check.Threshold, Details = summary.ToJsonString(), Timestamp = asOf,
            });
            problems.AddRange(found);
        }

        rows.AddRange(problems);
        if (options.Record)
        {
            await RecordAsync(connection, rows, asOf, cancellationToken).ConfigureAwait(false);
        }

        return new DataQualityReport(asOf, windowStart, rows, options.Record);
    }

    private static void Validate(DataQualityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.Holidays);
        ArgumentNullException.ThrowIfNull(options.EarlyCloses);
        static string Rule(string name, object value, string rule) => $"DataQualityOptions.{name} = {value} {rule}.";
        new OptionsFailures<DataQualityOptions>()
            .Require(options.Window > Duration.Zero, Rule(nameof(options.Window), options.Window, "must be positive"))
            .Require(options.MaxBarGap > Duration.Zero, Rule(nameof(options.MaxBarGap), options.MaxBarGap, "must be positive"))
            .Require(options.StaleAfter > Duration.Zero, Rule(nameof(options.StaleAfter), options.StaleAfter, "must be positive"))
            .Require(options.StaleLookback > Duration.Zero, Rule(nameof(options.StaleLookback), options.StaleLookback, "must be positive"))
            .Require(options.SessionOpen < options.SessionClose, Rule(nameof(options.SessionOpen), options.SessionOpen, $"must be before SessionClose ({options.SessionClose})"))
            .Require(options.MaxPriceJump > 0, Rule(nameof(options.MaxPriceJump), options.MaxPriceJump, "must be positive"))
            .Require(options.MaxStockVolume > 0, Rule(nameof(options.MaxStockVolume), options.MaxStockVolume, "must be positive"))
            .Require(options.MaxOptionVolume > 0, Rule(nameof(options.MaxOptionVolume), options.MaxOptionVolume, "must be positive"))
            .Require(options.MinImpliedVolatility < options.MaxImpliedVolatility, Rule(nameof(options.MinImpliedVolatility), options.MinImpliedVolatility,
                $"must be below MaxImpliedVolatility ({options.MaxImpliedVolatility})"))
            .ThrowIfAny();
    }

    private static List<(string Name, object Value)> Parameters(DataQualityOptions options, string zone, Instant asOf, Instant windowStart, Instant? expected)
    {
        static string Time(Instant instant) => InstantPattern.ExtendedIso.Format(instant);
        static string Interval(Duration duration) => (duration.BclCompatibleTicks / 10).ToString(CultureInfo.InvariantCulture) + " microseconds";
        static string Clock(LocalTime time) => LocalTimePattern.ExtendedIso.Format(time);
        static string Date(LocalDate date) => LocalDatePattern.Iso.Format(date);
        static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);
        var early = options.EarlyCloses.OrderBy(e => e.Key).ToList();
        return
        [
            ("as_of", Time(asOf)), ("window_start", Time(windowStart)), ("tz", zone), ("open", Clock(options.SessionOpen)),
            ("close", Clock(options.SessionClose)), ("holidays", options.Holidays.Select(Date).ToArray()),
            ("early_dates", early.Select(e => Date(e.Key)).ToArray()), ("early_closes", early.Select(e => Clock(e.Value)).ToArray()),
            ("max_gap", Interval(options.MaxBarGap)), ("expected", expected is { } e ? Time(e) : Time(asOf)),
            ("stale_after", Interval(options.StaleAfter)), ("universe_start", Time(asOf - options.StaleLookback)),
            ("max_jump", Number(options.MaxPriceJump)), ("max_stock_volume", options.MaxStockVolume.ToString(CultureInfo.InvariantCulture)),
            ("max_option_volume", options.MaxOptionVolume.ToString(CultureInfo.InvariantCulture)),
            ("min_iv", Number(options.MinImpliedVolatility)), ("max_iv", Number(options.MaxImpliedVolatility)),
        ];
    }

    private static async Task RecordAsync(NpgsqlConnection connection, List<DataQualityCheck> rows, Instant asOf, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO trading.data_quality (check_name, table_name, symbol, status, measured_value, threshold_value, details, timestamp)
            SELECT u.c, u.t, u.s, u.st, u.m, u.th, u.d::jsonb, $8::timestamptz
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[]) AS u(c, t, s, st, m, th, d)
            ON CONFLICT (check_name, table_name, symbol, timestamp) DO UPDATE SET
                status = EXCLUDED.status, measured_value = EXCLUDED.measured_value, threshold_value = EXCLUDED.threshold_value,
                details = EXCLUDED.details, updated_at = now()
            """;
        await ExecuteAsync(connection, sql, cancellationToken,
            rows.Select(r => r.CheckName).ToArray(), rows.Select(r => r.TableName).ToArray(), rows.Select(r => r.Symbol).ToArray(),
            rows.Select(r => r.Status.ToString().ToUpperInvariant()).ToArray(), rows.Select(r => r.MeasuredValue).ToArray(),
            rows.Select(r => r.ThresholdValue).ToArray(), rows.Select(r => r.Details).ToArray(), InstantPattern.ExtendedIso.Format(asOf)).ConfigureAwait(false);
    }
}
