using System.Text.RegularExpressions;
using Trading.Timescale.Tests.Infrastructure;

namespace Trading.Timescale.Tests.Documentation;

/// <summary>
/// Every C# sample of README.md and docs/*.md is quoted from code the solution compiles: each ```csharp block appears,
/// line for line (indentation aside), in a .cs file under samples/ (samples/DocumentationExamples holds the pages'
/// samples, samples/WorkerService and samples/GettingStarted whole programs).
/// </summary>
public sealed partial class SnippetTests
{
    public static TheoryData<string> Pages => [.. DocumentationPages.All];

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_csharp_block_is_compiled_sample_code(string page)
    {
        var blocks = CSharpBlocks(page);
        var sources = SampleSources();

        foreach (var block in blocks)
        {
            Assert.True(sources.Any(s => Contains(s.Lines, block)),
                $"{page}: this ```csharp block is not in any file under samples/; copy it from (or into) compiled sample code:\n{string.Join('\n', block)}");
        }
    }

    [Fact]
    public void The_pages_have_csharp_samples_and_the_check_sees_them()
    {
        var counts = DocumentationPages.All.ToDictionary(p => p, p => CSharpBlocks(p).Count);

        Assert.True(counts["README.md"] >= 2, $"README.md has {counts["README.md"]} csharp blocks");
        Assert.True(counts["docs/queries.md"] >= 5, $"docs/queries.md has {counts["docs/queries.md"]} csharp blocks");
        Assert.True(counts.Values.Sum() >= 25, $"only {counts.Values.Sum()} csharp blocks in all pages");
        Assert.False(Contains(Lines("var a = 1;\nvar b = 2;"), Lines("var b = 2;\nvar a = 1;")), "a block out of order must not match");
    }

    private static List<List<string>> CSharpBlocks(string page) =>
        [.. CSharpBlock().Matches(File.ReadAllText(Path.Combine(Repository.Root, page)).Replace("\r\n", "\n", StringComparison.Ordinal))
            .Select(m => Lines(m.Groups[1].Value))];

    private static List<(string File, List<string> Lines)> SampleSources() =>
        [.. Directory.EnumerateFiles(Path.Combine(Repository.Root, "samples"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !DocumentationPages.IsBuildOutput(f))
            .Select(f => (File: Path.GetRelativePath(Repository.Root, f), Lines: Lines(File.ReadAllText(f))))];

    private static List<string> Lines(string code) =>
        [.. code.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];

    private static bool Contains(List<string> file, List<string> block)
    {
        for (var start = 0; start + block.Count <= file.Count; start++)
        {
            if (file.Skip(start).Take(block.Count).SequenceEqual(block, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"^```csharp\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
