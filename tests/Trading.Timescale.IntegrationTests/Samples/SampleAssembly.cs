namespace Trading.Timescale.IntegrationTests.Samples;

/// <summary>Finds a sample's program, built in the same configuration as this test assembly (the solution build builds both).</summary>
internal static class SampleAssembly
{
    /// <summary>The path of <c>samples/NAME/bin/CONFIGURATION/net10.0/NAME.dll</c>; fails the test when it is not built.</summary>
    public static string Path(string name)
    {
        var separator = System.IO.Path.DirectorySeparatorChar;
        var configuration = AppContext.BaseDirectory.Contains($"{separator}Debug{separator}", StringComparison.Ordinal) ? "Debug" : "Release";
        var path = System.IO.Path.Combine(Repository(), "samples", name, "bin", configuration, "net10.0", name + ".dll");
        Assert.True(File.Exists(path), $"{path} is missing: build the solution (or samples/{name}) in {configuration} first.");
        return path;
    }

    /// <summary>The repository's root directory, the one holding Trading.Timescale.sln.</summary>
    public static string Repository()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "Trading.Timescale.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        return directory.FullName;
    }
}
