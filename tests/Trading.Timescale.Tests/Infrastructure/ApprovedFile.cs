using System.Runtime.CompilerServices;

namespace Trading.Timescale.Tests.Infrastructure;

/// <summary>
/// Approved-file snapshots: the expected text lives next to the test as <c>Approved/&lt;name&gt;.approved.txt</c>.
/// A mismatch writes <c>&lt;name&gt;.received.txt</c> beside it and fails; set <c>TRADING_TIMESCALE_APPROVE=1</c>
/// to accept the received text as the new approved file.
/// </summary>
internal static class ApprovedFile
{
    public static void Verify(string actual, string name, [CallerFilePath] string callerFile = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(SourcePath(callerFile))!, "Approved");
        var approvedPath = Path.Combine(directory, $"{name}.approved.txt");
        var receivedPath = Path.Combine(directory, $"{name}.received.txt");
        var normalized = actual.ReplaceLineEndings("\n");

        if (Environment.GetEnvironmentVariable("TRADING_TIMESCALE_APPROVE") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(approvedPath, normalized);
            File.Delete(receivedPath);
            return;
        }

        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : null;
        if (approved == normalized)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, normalized);
        var firstDifference = FirstDifferentLine(approved ?? string.Empty, normalized);
        Assert.Fail(approved is null
            ? $"No approved snapshot {approvedPath}. Review {receivedPath}, then rename it or run with TRADING_TIMESCALE_APPROVE=1."
            : $"Snapshot {name} differs from {approvedPath} at line {firstDifference}. Review {receivedPath} (diff it against the approved file), then approve with TRADING_TIMESCALE_APPROVE=1.");
    }

    /// <summary>
    /// The caller's source path on this machine. Deterministic CI builds map the repository root to <c>/_/</c>, so
    /// such a path is resolved against the repository found above the test assembly.
    /// </summary>
    private static string SourcePath(string callerFile)
    {
        return callerFile.StartsWith("/_/", StringComparison.Ordinal) ? Path.Combine(Repository.Root, callerFile[3..]) : callerFile;
    }

    private static int FirstDifferentLine(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            if (i >= e.Length || i >= a.Length || e[i] != a[i])
            {
                return i + 1;
            }
        }

        return 0;
    }
}
