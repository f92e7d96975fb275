using Trading.Timescale.Tests.Infrastructure;

namespace Trading.Timescale.Tests.Documentation;

/// <summary>The pages users read: README.md and every page under docs/, as paths relative to the repository.</summary>
internal static class DocumentationPages
{
    public static IReadOnlyList<string> All { get; } =
    [
        "README.md",
        .. Directory.EnumerateFiles(Path.Combine(Repository.Root, "docs"), "*.md")
            .Select(f => Path.GetRelativePath(Repository.Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal),
    ];

    public static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        || path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
}
