using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Trading.Timescale.Operations.Internal;

/// <summary>A PostgreSQL client program (pg_dump, pg_restore) and its version.</summary>
internal sealed partial record PgTool(string Name, string Path, int Major, string Version)
{
    /// <summary>
    /// Finds <paramref name="name"/> whose major version is at least <paramref name="minimumMajor"/>: in
    /// <paramref name="binDirectory"/> when given, else <c>/usr/lib/postgresql/N/bin</c> (the server's major first, then newer),
    /// else on PATH.
    /// </summary>
    public static async Task<PgTool> FindAsync(string name, int minimumMajor, string purpose, string? binDirectory, CancellationToken cancellationToken)
    {
        var tried = new List<string>();
        foreach (var candidate in Candidates(name, minimumMajor, binDirectory))
        {
            var tool = await ProbeAsync(name, candidate, cancellationToken).ConfigureAwait(false);
            if (tool is null)
            {
                continue;
            }

            if (tool.Major >= minimumMajor)
            {
                return tool;
            }

            tried.Add($"{tool.Path} is {tool.Version}");
        }

        var found = tried.Count == 0 ? $"no {name} was found" : string.Join("; ", tried);
        throw new TradingBackupException(
            $"{purpose} needs {name} {minimumMajor} or newer, and {found}: install the PostgreSQL {minimumMajor} client " +
            $"(Debian/Ubuntu: apt-get install postgresql-client-{minimumMajor}) or point the backup at its bin directory.");
    }

    private static IEnumerable<string> Candidates(string name, int minimumMajor, string? binDirectory)
    {
        if (!string.IsNullOrEmpty(binDirectory))
        {
            yield return System.IO.Path.Combine(binDirectory, name);
            yield break;
        }

        const string root = "/usr/lib/postgresql";
        if (Directory.Exists(root))
        {
            var majors = Directory.EnumerateDirectories(root)
                .Select(d => int.TryParse(System.IO.Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 0)
                .Where(m => m > 0)
                .OrderBy(m => m == minimumMajor ? 0 : m > minimumMajor ? 1 : 2).ThenBy(m => m > minimumMajor ? m : -m);
            foreach (var major in majors)
            {
                yield return System.IO.Path.Combine(root, major.ToString(CultureInfo.InvariantCulture), "bin", name);
            }
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return System.IO.Path.Combine(directory, name);
        }
    }

    private static async Task<PgTool?> ProbeAsync(string name, string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--version");
        using var process = Process.Start(start);
        if (process is null)
        {
            return null;
        }

        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var match = VersionPattern().Match(output);
        return process.ExitCode == 0 && match.Success
            ? new PgTool(name, path, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[0].Value)
            : null;
    }

    /// <summary>The major version of a version text such as <c>15.20</c> or <c>16beta1</c>.</summary>
    public static int MajorOf(string version) =>
        VersionPattern().Match(version) is { Success: true } match ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"(\d+)(?:\.\d+)?(?:[a-z]+\d*)?", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
