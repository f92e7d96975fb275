using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Trading.Timescale.Cli;

/// <summary>What a command works with: the writers, the output format, the connection and the options.</summary>
internal sealed class CliContext
{
    private string? _connectionString;

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

    /// <summary>The start of every error line the CLI writes to standard error.</summary>
    public const string ErrorPrefix = "trading-timescale: ";

    /// <summary>
    /// Runs a command body: an exception becomes one line on standard error, <c>trading-timescale: MESSAGE</c>, and exit
    /// code 1 (a <see cref="CliException"/> may carry another); cancellation (Ctrl+C) exits 130.
    /// </summary>
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
                await context.Error.WriteLineAsync(ErrorPrefix + "cancelled.").ConfigureAwait(false);
                return 130;
            }
            catch (CliException ex)
            {
                await context.Error.WriteLineAsync(ErrorPrefix + Describe(ex, context.TryConnectionForDisplay())).ConfigureAwait(false);
                return ex.ExitCode;
            }
            catch (Exception ex) when (ex is TradingTimescaleException or OptionsValidationException or NpgsqlException or ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                await context.Error.WriteLineAsync(ErrorPrefix + Describe(ex, context.TryConnectionForDisplay())).ConfigureAwait(false);
                return 1;
            }
            catch (Exception ex)
            {
                // Not a failure the commands expect (a bug, or a library's own exception type): still one line, with its type.
                await context.Error.WriteLineAsync($"{ErrorPrefix}{Describe(ex, context.TryConnectionForDisplay())} ({ex.GetType().FullName})").ConfigureAwait(false);
                return 1;
            }
        };

    /// <summary>Writes parse errors (unknown option, missing or bad argument) in the common format; returns exit code 1.</summary>
    public static async Task<int> ReportParseErrorsAsync(ParseResult parseResult, TextWriter error)
    {
        foreach (var parseError in parseResult.Errors)
        {
            await error.WriteLineAsync(ErrorPrefix + Flatten(parseError.Message)).ConfigureAwait(false);
        }

        var names = new List<string>();
        for (var result = parseResult.CommandResult; result is { Command: not RootCommand }; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command.Name);
        }

        await error.WriteLineAsync($"{ErrorPrefix}run 'trading-timescale {string.Concat(names.Select(n => n + " "))}--help' for usage.").ConfigureAwait(false);
        return 1;
    }

    /// <summary>What <c>-</c> reads (for --connection-file and import --file) when a caller of <see cref="CliApp"/> passed a reader.</summary>
    internal static AsyncLocal<TextReader?> StandardInputOverride { get; } = new();

    /// <summary>Standard input, or the reader passed to <see cref="CliApp.RunAsync(string[], TextWriter, TextWriter, TextReader, CancellationToken)"/>.</summary>
    public static TextReader StandardInput => StandardInputOverride.Value ?? Console.In;

    /// <summary>Standard input as bytes, or the reader set in <see cref="StandardInputOverride"/> as UTF-8.</summary>
    public static Stream OpenStandardInputStream() => StandardInputOverride.Value is { } reader
        ? new MemoryStream(System.Text.Encoding.UTF8.GetBytes(reader.ReadToEnd()))
        : Console.OpenStandardInput();

    /// <summary>The connection string: --connection, else --connection-file, else the environment (TradingConnectionString.FromEnvironment).</summary>
    public string ConnectionString(Func<string, string?>? getVariable = null) =>
        _connectionString ??= ResolveConnection(ParseResult, getVariable);

    /// <summary>The connection rules of every command: --connection, else --connection-file (a file, or - for standard input), else the environment.</summary>
    /// <exception cref="CliException">No connection is given, both options are, or the file cannot be read.</exception>
    public static string ResolveConnection(ParseResult parseResult, Func<string, string?>? getVariable = null)
    {
        var option = parseResult.GetValue(CliOptions.Connection);
        var file = parseResult.GetValue(CliOptions.ConnectionFile);
        if (!string.IsNullOrWhiteSpace(option) && file is not null)
        {
            throw new CliException("pass either --connection or --connection-file, not both.");
        }

        return file is not null
            ? ReadConnectionFile(file)
            : Resolve(option, getVariable) ?? throw new CliException(
                $"no database given: pass --connection-file PATH (or - to read standard input) or --connection, or set {TradingConnectionString.EnvironmentVariable}, DATABASE_URL, or DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD.");
    }

    public static string? Resolve(string? option, Func<string, string?>? getVariable) =>
        string.IsNullOrWhiteSpace(option) ? TradingConnectionString.FromEnvironment(getVariable) : TradingConnectionString.Normalize(option);

    /// <summary>Reads a connection string from a file or standard input; its text is never echoed, since it holds the password.</summary>
    private static string ReadConnectionFile(string path)
    {
        var name = path == "-" ? "- (standard input)" : path;
        string text;
        try
        {
            text = path == "-" ? StandardInput.ReadToEnd() : File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliException($"--connection-file {name} cannot be read: {ex.Message}", ex);
        }

        var value = text.Trim();
        if (value.Length == 0)
        {
            throw new CliException($"--connection-file {name} is empty: write an Npgsql connection string or a postgresql:// URL in it.");
        }

        try
        {
            return TradingConnectionString.Normalize(value);
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"--connection-file {name} holds no Npgsql connection string or postgresql:// URL that can be read.", ex);
        }
    }

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

    /// <summary>A data source for the connection (TradingDataSource.Create: NodaTime types), owned by the caller.</summary>
    public NpgsqlDataSource OpenDataSource() => TradingDataSource.Create(ConnectionString());

    /// <summary>The database for the connection (with the given options), through the library's public API; owned by the caller.</summary>
    public TradingDatabase OpenDatabase(TradingTimescaleOptions? options = null) =>
        TradingDatabase.Create(ConnectionString(), o =>
        {
            if (options is not null)
            {
                o.ExchangeTimeZone = options.ExchangeTimeZone;
            }
        });

    /// <summary>
    /// Reads a password from a file, or from standard input when the path is <c>-</c> (one line per password, in the
    /// order asked). Only the line's end is removed. Never from an argument, so it stays out of process listings.
    /// </summary>
    public async Task<string> ReadPasswordAsync(string path, string option, CancellationToken cancellationToken)
    {
        string? text;
        if (path == "-")
        {
            text = await StandardInput.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (text is null)
            {
                throw new CliException($"{option} -: standard input ended before the password; write one password per line.");
            }
        }
        else
        {
            if (!File.Exists(path))
            {
                throw new CliException($"{option} {path}: no such file; write the password into it (one line).");
            }

            text = (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Split('\n')[0];
        }

        text = text.TrimEnd('\r', '\n');
        return text.Length > 0 ? text : throw new CliException($"{option} {path}: the password is empty.");
    }

    public static string Flatten(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private string? TryConnectionForDisplay()
    {
        if (_connectionString is null)
        {
            return null;
        }

        return TradingConnectionString.Redact(_connectionString);
    }

    private static string Describe(Exception ex, string? connection)
    {
        var message = Flatten(ex.Message);
        if (ex is NpgsqlException { InnerException: { } inner } && ex is not PostgresException)
        {
            message += $" ({Flatten(inner.Message)})";
        }

        // A failure to reach or use the server, also when the library wrapped it (import's TradingIngestException), names the connection.
        var npgsql = false;
        for (var e = ex; e is not null && !npgsql; e = e.InnerException)
        {
            npgsql = e is NpgsqlException;
        }

        return npgsql && connection is not null
            ? $"{message} [connection: {connection}]"
            : message;
    }
}
