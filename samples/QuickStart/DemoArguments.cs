using System.Globalization;
using Trading.Timescale;

namespace QuickStart;

/// <summary>
/// The demo's command line. Without arguments it runs on a throwaway server it starts; only an explicit
/// <c>--database-url</c> or <c>--connection-file</c> points it at a database of yours.
/// </summary>
internal sealed record DemoArguments(string? ConnectionString, string? Source, int Symbols, bool Help)
{
    public const int DefaultSymbols = 300;

    public const string Usage = """
        usage: ./build.sh demo [--database-url URL | --connection-file PATH] [--symbols N]

        Without options the demo starts a throwaway server, runs there and deletes it at exit; TRADING_TIMESCALE_CONNECTION,
        DATABASE_URL and DB_* are ignored.
          --database-url URL      run in this database instead (postgresql:// URL or Npgsql connection string). Leave the
                                  password out of the URL (PGPASSFILE or ~/.pgpass supply it) or use --connection-file.
          --connection-file PATH  the same, read from a file (- for standard input), so no password is in the arguments.
          --symbols N             how many symbols to simulate, 4 to 1000 (default 300).
        A named database must be empty or one the demo marked as its own (COMMENT ON DATABASE); any other is refused.
        """;

    /// <summary>Reads the arguments.</summary>
    /// <exception cref="ArgumentException">An unknown option, a missing value, or both connection options.</exception>
    public static DemoArguments Parse(IReadOnlyList<string> args, Func<TextReader>? standardInput = null)
    {
        string? url = null, file = null;
        var symbols = DefaultSymbols;
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--database-url":
                    url = Value();
                    break;
                case "--connection-file":
                    file = Value();
                    break;
                case "--symbols":
                    var text = Value();
                    symbols = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 4 and <= 1000
                        ? n
                        : throw new ArgumentException($"--symbols {text}: give a whole number from 4 to 1000.");
                    break;
                case "-h" or "--help":
                    help = true;
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'.");
            }
        }

        if (url is not null && file is not null)
        {
            throw new ArgumentException("pass either --database-url or --connection-file, not both.");
        }

        if (url is not null)
        {
            return new DemoArguments(Normalize(url, "--database-url"), "--database-url", symbols, help);
        }

        if (file is not null)
        {
            var name = file == "-" ? "- (standard input)" : file;
            string text;
            try
            {
                text = file == "-" ? (standardInput ?? (() => Console.In))().ReadToEnd() : File.ReadAllText(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                throw new ArgumentException($"--connection-file {name} cannot be read: {ex.Message}", ex);
            }

            return new DemoArguments(Normalize(text.Trim(), $"--connection-file {name}"), $"--connection-file {name}", symbols, help);
        }

        return new DemoArguments(null, null, symbols, help);
    }

    // The value holds the password: it is never part of a message.
    private static string Normalize(string value, string origin)
    {
        try
        {
            return TradingConnectionString.Normalize(value);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{origin}: not a postgresql:// URL or Npgsql connection string that can be read.", ex);
        }
    }
}
