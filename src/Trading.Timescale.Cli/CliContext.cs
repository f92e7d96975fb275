using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Trading.Timescale.Cli;

/// <summary>What a command works with: the writers, the output format, the connection and the options.</summary>
internal sealed class CliContext
{
    private CliContext(ParseResult parseResult)
    {
        ParseResult = parseResult;
        Output = parseResult.InvocationConfiguration.Output;
        Error = parseResult.InvocationConfiguration.Error;
        Json = parseResult.GetValue(CliOptions.Json);
    }

    public ParseResult ParseResult { get; }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public bool Json { get; }

    /// <summary>Runs a command body: exceptions become one line on standard error and exit code 1.</summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Action(Func<CliContext, CancellationToken, Task<int>> body) =>
        async (parseResult, cancellationToken) =>
        {
            var context = new CliContext(parseResult);
            try
            {
                return await body(context, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await context.Error.WriteLineAsync("trading-timescale: cancelled.").ConfigureAwait(false);
                return 130;
            }
            catch (Exception ex) when (ex is CliException or TradingTimescaleException or OptionsValidationException or NpgsqlException or ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                await context.Error.WriteLineAsync("trading-timescale: " + Describe(ex, context.TryConnectionForDisplay())).ConfigureAwait(false);
                return 1;
            }
        };

    /// <summary>The connection string from --connection, else the environment (TradingConnectionString.FromEnvironment).</summary>
    public string ConnectionString(Func<string, string?>? getVariable = null) =>
        Resolve(ParseResult.GetValue(CliOptions.Connection), getVariable)
        ?? throw new CliException(
            $"no database given: pass --connection, or set {TradingConnectionString.EnvironmentVariable}, DATABASE_URL, or DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD.");

    public static string? Resolve(string? option, Func<string, string?>? getVariable) =>
        string.IsNullOrWhiteSpace(option) ? TradingConnectionString.FromEnvironment(getVariable) : TradingConnectionString.Normalize(option);

    /// <summary>Options with --time-zone and --set applied (when the command has them).</summary>
    public TradingTimescaleOptions Options(Option<string?>? timeZone = null, Option<string[]>? settings = null)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var setting in settings is null ? [] : ParseResult.GetValue(settings) ?? [])
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliException($"--set \"{setting}\" is not Path=Value, e.g. --set \"Retention:StockPrices=120 days\".");
            }

            values[setting[..equals].Trim()] = setting[(equals + 1)..].Trim();
        }

        var options = new TradingTimescaleOptions();
        try
        {
            new ConfigurationBuilder().AddInMemoryCollection(values).Build().Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new CliException($"--set: {Flatten(ex.InnerException?.Message ?? ex.Message)} ({Flatten(ex.Message)})", ex);
        }

        if (timeZone is not null && ParseResult.GetValue(timeZone) is { Length: > 0 } zone)
        {
            options.ExchangeTimeZone = zone;
        }

        return options;
    }

    /// <summary>A data source for the connection (with NodaTime types), owned by the caller.</summary>
    public NpgsqlDataSource OpenDataSource()
    {
        var builder = new NpgsqlDataSourceBuilder(ConnectionString());
        builder.UseNodaTime();
        return builder.Build();
    }

    public static string Flatten(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private string? TryConnectionForDisplay()
    {
        try
        {
            var connection = Resolve(ParseResult.GetValue(CliOptions.Connection), null);
            return connection is null ? null : TradingConnectionString.Redact(connection);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string Describe(Exception ex, string? connection)
    {
        var message = Flatten(ex.Message);
        if (ex is NpgsqlException { InnerException: { } inner } && ex is not PostgresException)
        {
            message += $" ({Flatten(inner.Message)})";
        }

        return ex is NpgsqlException && connection is not null
            ? $"{message} [connection: {connection}]"
            : message;
    }
}
