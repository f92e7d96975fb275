using System.Globalization;
using System.Text.RegularExpressions;

namespace Trading.Timescale.Testing.Internal;

/// <summary>A set of PostgreSQL server binaries on this machine and what TimescaleDB they can load.</summary>
internal sealed partial record PostgresInstallation(
    string BinDirectory, int MajorVersion, string? ExtensionDirectory, string? LibraryDirectory, string? TimescaleVersion)
{
    private static readonly string ExeSuffix = OperatingSystem.IsWindows() ? ".exe" : string.Empty;

    public bool HasTimescaleDb => TimescaleVersion is not null;

    /// <summary>Whether the community (TSL) module of the default TimescaleDB version is installed.</summary>
    public bool HasTimescaleTslModule =>
        TimescaleVersion is not null && LibraryDirectory is not null &&
        (File.Exists(Path.Combine(LibraryDirectory, $"timescaledb-tsl-{TimescaleVersion}.so")) ||
         File.Exists(Path.Combine(LibraryDirectory, $"timescaledb-tsl-{TimescaleVersion}.dll")) ||
         File.Exists(Path.Combine(LibraryDirectory, $"timescaledb-tsl-{TimescaleVersion}.dylib")));

    public string Tool(string name) => Path.Combine(BinDirectory, name + ExeSuffix);

    /// <summary>
    /// Finds the installation to use: <paramref name="binDirectory"/> when given, else the newest one with
    /// TimescaleDB among /usr/lib/postgresql/N/bin, <c>pg_config --bindir</c> and the directory of
    /// <c>initdb</c> on PATH.
    /// </summary>
    /// <exception cref="InvalidOperationException">No usable installation; the message names where it looked and what it found.</exception>
    public static PostgresInstallation Find(string? binDirectory)
    {
        var candidates = binDirectory is not null ? [binDirectory] : CandidateBinDirectories();
        var found = new List<PostgresInstallation>();
        foreach (var candidate in candidates)
        {
            var installation = Inspect(candidate);
            if (installation is not null && !found.Exists(f => SamePath(f.BinDirectory, installation.BinDirectory)))
            {
                found.Add(installation);
            }
        }

        var withTimescale = found.Where(i => i.HasTimescaleDb).OrderByDescending(i => i.MajorVersion).FirstOrDefault();
        if (withTimescale is not null)
        {
            return withTimescale;
        }

        var searched = binDirectory is not null
            ? binDirectory
            : "/usr/lib/postgresql/<N>/bin, `pg_config --bindir` and initdb on PATH";
        if (found.Count == 0)
        {
            throw new InvalidOperationException(
                $"no PostgreSQL server binaries (initdb, pg_ctl, postgres) found in {searched}.");
        }

        var without = string.Join("; ", found.Select(i =>
            $"PostgreSQL {i.MajorVersion} in {i.BinDirectory} has no timescaledb.control in {i.ExtensionDirectory ?? "its share/extension directory"}"));
        throw new InvalidOperationException($"TimescaleDB is not installed for the PostgreSQL found: {without}.");
    }

    private static List<string> CandidateBinDirectories()
    {
        var candidates = new List<string>();
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            candidates.AddRange(Directory.GetDirectories(debianRoot)
                .Select(d => (Directory: d, Major: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1))
                .Where(d => d.Major > 0)
                .OrderByDescending(d => d.Major)
                .Select(d => Path.Combine(d.Directory, "bin")));
        }

        var pgConfig = OsCommand.FindOnPath("pg_config" + ExeSuffix);
        if (pgConfig is not null && RunPgConfig(pgConfig, "--bindir") is { } pgConfigBin)
        {
            candidates.Add(pgConfigBin);
        }

        var initdb = OsCommand.FindOnPath("initdb" + ExeSuffix);
        if (initdb is not null && Path.GetDirectoryName(initdb) is { } initdbDirectory)
        {
            candidates.Add(initdbDirectory);
        }

        return candidates;
    }

    private static PostgresInstallation? Inspect(string binDirectory)
    {
        var probe = new PostgresInstallation(binDirectory, 0, null, null, null);
        if (!File.Exists(probe.Tool("initdb")) || !File.Exists(probe.Tool("pg_ctl")) || !File.Exists(probe.Tool("postgres")))
        {
            return null;
        }

        var major = ReadMajorVersion(probe.Tool("postgres"));
        if (major is null)
        {
            return null;
        }

        var pgConfig = probe.Tool("pg_config");
        var hasPgConfig = File.Exists(pgConfig);
        var shareDirectories = new List<string?>
        {
            hasPgConfig ? RunPgConfig(pgConfig, "--sharedir") : null,
            $"/usr/share/postgresql/{major}",
            Path.GetFullPath(Path.Combine(binDirectory, "..", "share", "postgresql")),
            Path.GetFullPath(Path.Combine(binDirectory, "..", "share")),
        };
        var libraryDirectories = new List<string?>
        {
            hasPgConfig ? RunPgConfig(pgConfig, "--pkglibdir") : null,
            $"/usr/lib/postgresql/{major}/lib",
            Path.GetFullPath(Path.Combine(binDirectory, "..", "lib", "postgresql")),
            Path.GetFullPath(Path.Combine(binDirectory, "..", "lib")),
        };

        var extensionDirectory = shareDirectories
            .Where(d => d is not null)
            .Select(d => Path.Combine(d!, "extension"))
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "timescaledb.control")));
        var libraryDirectory = libraryDirectories
            .FirstOrDefault(d => d is not null && Directory.Exists(d) && Directory.EnumerateFiles(d, "timescaledb*").Any());
        var timescaleVersion = extensionDirectory is null ? null : ReadDefaultVersion(Path.Combine(extensionDirectory, "timescaledb.control"));
        return new PostgresInstallation(
            binDirectory,
            major.Value,
            extensionDirectory ?? shareDirectories.Where(d => d is not null).Select(d => Path.Combine(d!, "extension")).FirstOrDefault(Directory.Exists),
            libraryDirectory ?? libraryDirectories.FirstOrDefault(d => d is not null && Directory.Exists(d)),
            libraryDirectory is null ? null : timescaleVersion);
    }

    private static int? ReadMajorVersion(string postgres)
    {
        // `postgres --version` runs as root too: only starting a server refuses root.
        var match = VersionPattern().Match(RunDirect(postgres, "--version").Output);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    private static string? RunPgConfig(string pgConfig, string option)
    {
        var result = RunDirect(pgConfig, option);
        var value = result.Output.Trim();
        return result.Succeeded && value.Length > 0 && !value.Contains('\n', StringComparison.Ordinal) ? value : null;
    }

    private static OsCommandResult RunDirect(string executable, string argument) =>
        OsCommand.Direct.RunNow(executable, [argument], null, TimeSpan.FromSeconds(10));

    private static string? ReadDefaultVersion(string controlFile)
    {
        foreach (var line in File.ReadLines(controlFile))
        {
            var match = DefaultVersionPattern().Match(line);
            if (match.Success)
            {
                return match.Groups[1].Value;
            }
        }

        return null;
    }

    public static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);

    [GeneratedRegex(@"PostgreSQL\)?\s+(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^\s*default_version\s*=\s*'([^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex DefaultVersionPattern();
}
