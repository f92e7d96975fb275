using System.Text.RegularExpressions;
using Trading.Timescale.Tests.Infrastructure;

namespace Trading.Timescale.Tests.Documentation;

/// <summary>
/// Every C# sample of the README and the getting-started page is quoted from code the solution compiles: each
/// ```csharp block appears, line for line (indentation aside), in a .cs file under samples/.
/// </summary>
public sealed partial class ReadmeSnippetTests
{
    public static TheoryData<string> Pages => ["README.md", "docs/getting-started.md"];

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_csharp_block_is_compiled_sample_code(string page)
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, page));
        var blocks = CSharpBlock().Matches(text).Select(m => Lines(m.Groups[1].Value)).ToList();
        Assert.NotEmpty(blocks);
        var sources = Directory.EnumerateFiles(Path.Combine(Repository.Root, "samples"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (File: Path.GetRelativePath(Repository.Root, f), Lines: Lines(File.ReadAllText(f))))
            .ToList();

        foreach (var block in blocks)
        {
            Assert.True(sources.Any(s => Contains(s.Lines, block)),
                $"{page}: this ```csharp block is not in any file under samples/; copy it from (or into) compiled sample code:\n{string.Join('\n', block)}");
        }
    }

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
