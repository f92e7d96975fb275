namespace Trading.Timescale.Tests.Infrastructure;

/// <summary>The repository this test assembly was built from.</summary>
public static class Repository
{
    /// <summary>The directory holding Trading.Timescale.sln above the test assembly.</summary>
    public static string Root { get; } = FindRoot();

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
}
