using System.Text.RegularExpressions;
using Trading.Timescale.Tests.Infrastructure;

namespace Trading.Timescale.Tests.Documentation;

/// <summary>
/// The pages and the XML docs (what IntelliSense shows) describe what the library does, for readers who have only
/// README.md, docs/ and the packages: no reference to a document they do not have, no narrated history, and an error
/// table that names every exception the library throws.
/// </summary>
public sealed partial class DocsWordingTests
{
    public static TheoryData<string> Pages => [.. DocumentationPages.All];

    [Theory]
    [MemberData(nameof(Pages))]
    public void No_page_refers_to_the_spec(string page)
    {
        var hits = Lines(page).Where(l => SpecReference().IsMatch(l.Text)).Select(l => $"{page}:{l.Number}: {l.Text.Trim()}").ToList();

        Assert.True(hits.Count == 0, "Say what the library does instead of citing a document readers do not have:\n" + string.Join('\n', hits));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void No_page_narrates_history(string page)
    {
        var hits = Lines(page).Where(l => History().IsMatch(l.Text)).Select(l => $"{page}:{l.Number}: {l.Text.Trim()}").ToList();

        Assert.True(hits.Count == 0, "Describe the behaviour, not how it changed:\n" + string.Join('\n', hits));
    }

    [Fact]
    public void No_xml_doc_comment_refers_to_the_spec()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(Repository.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !DocumentationPages.IsBuildOutput(f))
            .ToList();
        Assert.True(sources.Count > 50, $"only {sources.Count} source files under src/");

        var hits = sources
            .SelectMany(f => File.ReadLines(f).Select((text, index) => (File: f, Number: index + 1, Text: text.Trim())))
            .Where(l => l.Text.StartsWith("///", StringComparison.Ordinal) && SpecReference().IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(Repository.Root, l.File)}:{l.Number}: {l.Text}")
            .ToList();

        Assert.True(hits.Count == 0, "XML docs reach users through IntelliSense; say what the code does instead:\n" + string.Join('\n', hits));
    }

    [Fact]
    public void The_readme_error_table_lists_every_exception_of_the_family()
    {
        var family = new[] { typeof(TradingTimescaleException).Assembly, typeof(Trading.Timescale.Operations.S3BackupStore).Assembly }
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => typeof(TradingTimescaleException).IsAssignableFrom(t) && t != typeof(TradingTimescaleException))
            .Select(t => t.Name)
            .Distinct()
            .ToList();
        Assert.Contains("TradingSchemaException", family);
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var errors = readme[readme.IndexOf("### Errors", StringComparison.Ordinal)..];
        var table = string.Join('\n', errors.Split('\n').SkipWhile(l => !l.StartsWith("| exception", StringComparison.Ordinal)).TakeWhile(l => l.StartsWith('|')));

        var missing = family.Where(name => !table.Contains($"`{name}`", StringComparison.Ordinal)).ToList();

        Assert.True(missing.Count == 0, "README.md's error table misses: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_docs_index_links_every_page_once()
    {
        var index = File.ReadAllText(Path.Combine(Repository.Root, "docs", "README.md"));
        var links = IndexLink().Matches(index).Select(m => m.Groups[1].Value).ToList();
        var pages = DocumentationPages.All.Where(p => p.StartsWith("docs/", StringComparison.Ordinal) && p != "docs/README.md")
            .Select(p => p["docs/".Length..]).ToList();

        Assert.True(pages.Count > 10, $"only {pages.Count} pages under docs/");
        Assert.Empty(pages.Except(links));
        Assert.Empty(links.Except(pages));
        Assert.Equal(links.Count, links.Distinct().Count());
    }

    private static IEnumerable<(int Number, string Text)> Lines(string page) =>
        File.ReadLines(Path.Combine(Repository.Root, page)).Select((text, index) => (index + 1, text));

    [GeneratedRegex(@"\bthe\s+spec\b|\bspec's\b", RegexOptions.IgnoreCase)]
    private static partial Regex SpecReference();

    [GeneratedRegex(@"^\d+\. \[[^\]]+\]\(([a-z-]+\.md)\): ", RegexOptions.Multiline)]
    private static partial Regex IndexLink();

    [GeneratedRegex(@"\bmoved to\b|\bno longer\b|\bformerly\b|\bpreviously\b", RegexOptions.IgnoreCase)]
    private static partial Regex History();
}
