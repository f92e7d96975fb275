using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Trading.Timescale.IntegrationTests.Infrastructure;

/// <summary>
/// The ```bash blocks of one section of a documentation page, run as written. The only lines a test changes are
/// assignments at the start of a line (<c>NAME=value</c>, several on one line allowed) of the names it passes as
/// settings: a page's site values (cluster name, directories, a target time), which every such test prints.
/// </summary>
internal sealed partial class DocumentedRecipe
{
    private DocumentedRecipe(string page, IReadOnlyList<string> blocks)
    {
        Page = page;
        Blocks = blocks;
    }

    public string Page { get; }

    public IReadOnlyList<string> Blocks { get; }

    /// <summary>The bash blocks under the heading <paramref name="heading"/> of <paramref name="page"/>, up to the next heading of that level or higher.</summary>
    public static DocumentedRecipe FromSection(string page, string heading)
    {
        var lines = File.ReadAllText(Path.Combine(RepositoryRoot, page)).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd() == heading);
        Assert.True(start >= 0, $"{page} has no heading '{heading}'");
        var level = heading.TakeWhile(c => c == '#').Count();
        var end = Array.FindIndex(lines, start + 1, l => l.StartsWith('#') && l.TakeWhile(c => c == '#').Count() <= level && l.Length > level && l[level] == ' ');
        var section = string.Join('\n', lines[start..(end < 0 ? lines.Length : end)]);
        return new DocumentedRecipe(page, [.. BashBlock().Matches(section + "\n").Select(m => m.Groups[1].Value)]);
    }

    /// <summary>Block <paramref name="index"/> with the assignments of <paramref name="settings"/> replaced; fails when the block assigns none of them but should.</summary>
    public string Block(int index, IReadOnlyDictionary<string, string>? settings = null, params string[] expectedSettings)
    {
        Assert.True(index < Blocks.Count, $"{Page}: expected at least {index + 1} bash blocks in the section, found {Blocks.Count}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var text = Assignment().Replace(Blocks[index], match =>
        {
            var replaced = Word().Replace(match.Groups["assignments"].Value, word =>
            {
                var name = word.Groups["name"].Value;
                seen.Add(name);
                return settings is not null && settings.TryGetValue(name, out var value) ? $"{name}={Quote(value)}" : word.Value;
            });
            return match.Groups["indent"].Value + replaced + match.Groups["rest"].Value;
        });
        foreach (var name in expectedSettings)
        {
            Assert.True(seen.Contains(name), $"{Page}: bash block {index + 1} of the section no longer assigns {name}; the test sets it:\n{Blocks[index]}");
        }

        return text;
    }

    /// <summary>Runs <paramref name="script"/> with bash (<c>set -euo pipefail</c>) after <paramref name="prelude"/>, in <paramref name="directory"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string prelude, string script, string directory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken ct)
    {
        var start = new ProcessStartInfo("bash", ["-s"])
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var lockObject = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (lockObject) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (lockObject) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.StandardInput.WriteAsync("set -euo pipefail\n" + prelude + "\n" + script + "\n");
        process.StandardInput.Close();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the recipe did not finish within {timeout}:\n{script}\n{output}");
        }

        process.WaitForExit();
        lock (lockObject)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Trading.Timescale.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Trading.Timescale.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^```bash\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    // A line made only of assignments, optionally followed by a comment.
    [GeneratedRegex(@"^(?<indent>[ \t]*)(?<assignments>(?:[A-Z_][A-Z0-9_]*=(?:'[^']*'|""[^""]*""|\S+)[ \t]*)+)(?<rest>(?:#.*)?)$", RegexOptions.Multiline)]
    private static partial Regex Assignment();

    [GeneratedRegex(@"(?<name>[A-Z_][A-Z0-9_]*)=(?:'[^']*'|""[^""]*""|\S+)")]
    private static partial Regex Word();
}
