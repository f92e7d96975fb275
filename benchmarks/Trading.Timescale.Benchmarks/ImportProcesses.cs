using System.Diagnostics;
using Npgsql;

namespace Trading.Timescale.Benchmarks;

/// <summary>
/// The two processes <c>importVsPsqlCopy</c> compares: <c>trading-timescale import stock_prices --file F</c> and
/// <c>psql -c "\copy trading.stock_prices(...) from F csv header"</c>, each run as a user would, start-up included.
/// Both get the connection through the environment (psql's password in PGPASSWORD), never on the command line.
/// </summary>
internal sealed class ImportProcesses(string connectionString, string cli, string psql)
{
    public static ImportProcesses Locate(string connectionString)
    {
        var cli = FindUp(Path.Combine("src", "Trading.Timescale.Cli", "bin", "Release", "net10.0", "trading-timescale.dll"))
            ?? throw new InvalidOperationException("The CLI is not built: run dotnet build src/Trading.Timescale.Cli -c Release first (./build.sh bench does).");
        var psql = new[] { "/usr/bin/psql" }
            .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Order().Reverse().Select(d => Path.Combine(d, "bin", "psql")) : [])
            .FirstOrDefault(File.Exists) ?? throw new InvalidOperationException("psql is not installed.");
        return new ImportProcesses(connectionString, cli, psql);
    }

    /// <summary>Runs the CLI import of <paramref name="file"/>; returns the wall-clock seconds of the whole process.</summary>
    public double Cli(string file)
    {
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { cli, "import", "stock_prices", "--file", file } };
        start.Environment["TRADING_TIMESCALE_CONNECTION"] = connectionString;
        return Run(start);
    }

    /// <summary>Runs psql's <c>\copy</c> of <paramref name="file"/>; returns the wall-clock seconds of the whole process.</summary>
    public double Psql(string file)
    {
        var c = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(psql)
        {
            ArgumentList =
            {
                "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                $"\\copy trading.stock_prices({BarsCsv.Header}) from '{file.Replace("'", "''", StringComparison.Ordinal)}' csv header",
            },
        };
        start.Environment["PGHOST"] = c.Host;
        start.Environment["PGPORT"] = c.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PGDATABASE"] = c.Database;
        start.Environment["PGUSER"] = c.Username;
        start.Environment["PGPASSWORD"] = c.Password;
        return Run(start);
    }

    private static double Run(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var seconds = watch.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(start.FileName)} exited with {process.ExitCode}: {error.Result}{output.Result}");
        }

        return seconds;
    }

    private static string? FindUp(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
