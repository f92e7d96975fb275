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

        failures.AddRange(CheckSettings(SchemaSettings.ConfiguredOrDefault(options)));
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

        if (options.MaxReplicaLag is { } lag && lag < TimeSpan.Zero)
        {
            failures.Add($"{Section}MaxReplicaLag ({lag.ToString("c", CultureInfo.InvariantCulture)}) cannot be negative: use a limit such as 00:00:05, or leave it unset for none.");
        }

        if (!Enum.IsDefined(options.ReadFrom))
        {
            failures.Add($"{Section}ReadFrom ({options.ReadFrom}) must be Primary, PreferStandby or Standby.");
        }

        CheckRetry(options.Retry, failures);
        return failures;
    }

    private static void CheckRetry(RetryOptions? retry, List<string> failures)
    {
        if (retry is null)
        {
            failures.Add($"{Section}Retry is null: leave it unset for the defaults, or set MaxAttempts, MaxRetryTime, BaseDelay and MaxDelay.");
            return;
        }

        static string Text(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
        if (retry.MaxAttempts is < 1 or > RetryOptions.MaxAttemptsLimit)
        {
            failures.Add($"{Section}Retry:MaxAttempts ({retry.MaxAttempts}) must be 1 (no retry) to {RetryOptions.MaxAttemptsLimit}.");
        }

        if (retry.MaxRetryTime < TimeSpan.Zero)
        {
            failures.Add($"{Section}Retry:MaxRetryTime ({Text(retry.MaxRetryTime)}) cannot be negative: use 00:00:00 to never retry.");
        }

        if (retry.BaseDelay <= TimeSpan.Zero)
        {
            failures.Add($"{Section}Retry:BaseDelay ({Text(retry.BaseDelay)}) must be positive, such as 00:00:00.200.");
        }

        if (retry.MaxDelay <= TimeSpan.Zero)
        {
            failures.Add($"{Section}Retry:MaxDelay ({Text(retry.MaxDelay)}) must be positive, such as 00:00:05.");
        }
        else if (retry.BaseDelay > retry.MaxDelay)
        {
            failures.Add($"{Section}Retry:BaseDelay ({Text(retry.BaseDelay)}) is longer than {Section}Retry:MaxDelay ({Text(retry.MaxDelay)}).");
        }
    }

    /// <summary>
    /// Checks a whole set of schema settings by name (each configured value, else the default; or the settings a
    /// migration is about to apply). Every message names the setting's configuration path and value.
    /// </summary>
    public static List<string> CheckSettings(IReadOnlyDictionary<string, string> values)
    {
        var failures = new List<string>();
        string Value(string name) => values.TryGetValue(name, out var value) ? value : SchemaSettings.All.First(s => s.Name == name).Default;
        var intervals = new Dictionary<string, TimescaleInterval>(StringComparer.Ordinal);
        foreach (var setting in SchemaSettings.All)
        {
            var value = Value(setting.Name);
            if (!setting.IsInterval)
            {
                if (string.IsNullOrWhiteSpace(value) || DateTimeZoneProviders.Tzdb.GetZoneOrNull(value) is null)
                {
                    failures.Add($"{Section}{setting.Path} ({value}) is not a tz database time zone name: use a name such as America/New_York or Europe/London.");
                }
            }
            else if (!TimescaleInterval.TryParse(value, out var interval) || !interval.IsPositive)
            {
                failures.Add($"{Section}{setting.Path} ({value}) must be a positive interval, such as '1 day' or '90 days'.");
            }
            else
            {
                intervals[setting.Path] = interval;
            }
        }

        foreach (var aggregate in AggregateCatalog.All)
        {
            CheckRefresh(intervals, aggregate, failures);
        }

        if (intervals.TryGetValue("Retention:SystemEvents", out var events) && intervals.TryGetValue("Retention:SystemEventsCritical", out var critical) && critical < events)
        {
            failures.Add(
                $"{Section}Retention:SystemEventsCritical ({critical}) is shorter than {Section}Retention:SystemEvents ({events}): " +
                "CRITICAL events would be dropped before ordinary ones. Keep SystemEventsCritical at least as long as SystemEvents.");
        }

        return failures;
    }

    private static void CheckRefresh(Dictionary<string, TimescaleInterval> intervals, AggregateInfo aggregate, List<string> failures)
    {
        var option = $"Refresh:{aggregate.OptionName}";
        var path = Section + option;
        if (!intervals.TryGetValue(option + ":StartOffset", out var start) || !intervals.TryGetValue(option + ":EndOffset", out var end))
        {
            return;
        }

        if (start <= end)
        {
            failures.Add($"{path}:StartOffset ({start}) must be longer than {path}:EndOffset ({end}): the refresh window runs from StartOffset ago to EndOffset ago.");
        }
        else if (start.ComparableMicroseconds - end.ComparableMicroseconds < 2 * aggregate.Bucket.ComparableMicroseconds)
        {
            failures.Add($"{path}: the refresh window from StartOffset ({start}) to EndOffset ({end}) covers less than two {aggregate.Bucket} buckets of {aggregate.Name}; TimescaleDB refuses such a refresh policy.");
        }

        if (intervals.TryGetValue("Retention:" + aggregate.RetentionOptionName, out var retention) && start >= retention)
        {
            failures.Add($"{path}:StartOffset ({start}) reaches past {Section}Retention:{aggregate.RetentionOptionName} ({retention}): a refresh over dropped raw data would erase aggregate history. Keep StartOffset below the retention.");
        }
    }
}
