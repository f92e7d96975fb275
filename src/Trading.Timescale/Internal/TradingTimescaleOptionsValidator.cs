using System.Globalization;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Trading.Timescale.Internal;

/// <summary>Checks <see cref="TradingTimescaleOptions"/>; every message names the setting and its value.</summary>
internal sealed class TradingTimescaleOptionsValidator(Func<bool> requireConnectionString) : IValidateOptions<TradingTimescaleOptions>
{
    private const string Section = TradingTimescaleOptions.SectionName + ":";

    public TradingTimescaleOptionsValidator()
        : this(static () => false)
    {
    }

    public ValidateOptionsResult Validate(string? name, TradingTimescaleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Check(options, requireConnectionString());
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem.</summary>
    public static void ThrowIfInvalid(TradingTimescaleOptions options, bool requireConnectionString)
    {
        var failures = Check(options, requireConnectionString);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TradingTimescaleOptions), failures);
        }
    }

    public static List<string> Check(TradingTimescaleOptions options, bool requireConnectionString)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            if (requireConnectionString)
            {
                failures.Add($"{Section}ConnectionString is empty: set it to an Npgsql connection string or a postgresql:// URL.");
            }
        }
        else
        {
            try
            {
                TradingConnectionString.Normalize(options.ConnectionString);
            }
            catch (ArgumentException ex)
            {
                failures.Add($"{Section}ConnectionString cannot be read: {ex.Message}");
            }
        }

        if (string.IsNullOrWhiteSpace(options.ExchangeTimeZone) || DateTimeZoneProviders.Tzdb.GetZoneOrNull(options.ExchangeTimeZone) is null)
        {
            failures.Add(
                $"{Section}ExchangeTimeZone ({options.ExchangeTimeZone}) is not a tz database time zone name: use a name such as America/New_York or Europe/London.");
        }

        foreach (var (path, _, value) in SchemaSettings.Intervals(options))
        {
            if (!value.IsPositive)
            {
                failures.Add($"{Section}{path} ({value}) must be a positive interval, such as '1 day' or '90 days'.");
            }
        }

        foreach (var aggregate in AggregateCatalog.All)
        {
            CheckRefresh(options, aggregate, failures);
        }

        var retention = options.Retention;
        if (retention.SystemEvents.IsPositive && retention.SystemEventsCritical.IsPositive && retention.SystemEventsCritical < retention.SystemEvents)
        {
            failures.Add(
                $"{Section}Retention:SystemEventsCritical ({retention.SystemEventsCritical}) is shorter than {Section}Retention:SystemEvents ({retention.SystemEvents}): " +
                "CRITICAL events would be dropped before ordinary ones. Keep SystemEventsCritical at least as long as SystemEvents.");
        }

        if (options.LockTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Section}LockTimeout ({options.LockTimeout.ToString("c", CultureInfo.InvariantCulture)}) must be positive.");
        }

        if (options.SchemaCommandTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Section}SchemaCommandTimeout ({options.SchemaCommandTimeout.ToString("c", CultureInfo.InvariantCulture)}) must be positive.");
        }

        if (options.StartupRetryTimeout < TimeSpan.Zero)
        {
            failures.Add($"{Section}StartupRetryTimeout ({options.StartupRetryTimeout.ToString("c", CultureInfo.InvariantCulture)}) cannot be negative: use 00:00:00 to try once.");
        }

        return failures;
    }

    private static void CheckRefresh(TradingTimescaleOptions options, AggregateInfo aggregate, List<string> failures)
    {
        var policy = aggregate.Policy(options.Refresh);
        var path = $"{Section}Refresh:{aggregate.OptionName}";
        if (!policy.StartOffset.IsPositive || !policy.EndOffset.IsPositive)
        {
            return;
        }

        if (policy.StartOffset <= policy.EndOffset)
        {
            failures.Add($"{path}:StartOffset ({policy.StartOffset}) must be longer than {path}:EndOffset ({policy.EndOffset}): the refresh window runs from StartOffset ago to EndOffset ago.");
        }
        else if (policy.StartOffset.ComparableMicroseconds - policy.EndOffset.ComparableMicroseconds < 2 * aggregate.Bucket.ComparableMicroseconds)
        {
            failures.Add($"{path}: the refresh window from StartOffset ({policy.StartOffset}) to EndOffset ({policy.EndOffset}) covers less than two {aggregate.Bucket} buckets of {aggregate.Name}; TimescaleDB refuses such a refresh policy.");
        }

        var retention = aggregate.Retention(options.Retention);
        if (retention.IsPositive && policy.StartOffset >= retention)
        {
            failures.Add($"{path}:StartOffset ({policy.StartOffset}) reaches past {Section}Retention:{aggregate.RetentionOptionName} ({retention}): a refresh over dropped raw data would erase aggregate history. Keep StartOffset below the retention.");
        }
    }
}
