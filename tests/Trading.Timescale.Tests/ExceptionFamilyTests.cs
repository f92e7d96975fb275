using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Trading.Timescale.Tests.Infrastructure;

namespace Trading.Timescale.Tests;

public class ExceptionFamilyTests
{
    private static readonly Assembly Library = typeof(TradingTimescaleException).Assembly;

    [Fact]
    public void Every_public_exception_of_the_library_belongs_to_the_family_or_is_a_cancellation()
    {
        var outside = Library.GetExportedTypes()
            .Where(t => typeof(Exception).IsAssignableFrom(t))
            .Where(t => !typeof(TradingTimescaleException).IsAssignableFrom(t) && !typeof(OperationCanceledException).IsAssignableFrom(t))
            .Select(t => t.FullName)
            .ToList();

        Assert.Empty(outside);
    }

    [Fact]
    public void Every_capability_of_the_database_is_named_Trading_and_its_property_name()
    {
        var capabilities = typeof(TradingDatabase).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType.Assembly == Library && p.PropertyType != typeof(TradingTimescaleOptions))
            .ToList();

        Assert.Equal(["Backups", "Ingest", "Live", "Operations", "Positions", "Queries", "Schema"], capabilities.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(capabilities, p => Assert.StartsWith("Trading" + p.Name, p.PropertyType.Name, StringComparison.Ordinal));
    }

    [Fact]
    public void A_capability_exception_is_named_Trading_and_a_specific_case_derives_from_it()
    {
        var capabilityNamespaces = typeof(TradingDatabase).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType.Assembly == Library && p.PropertyType != typeof(TradingTimescaleOptions))
            .Select(p => p.PropertyType.Namespace)
            .ToHashSet();
        var exceptions = Library.GetExportedTypes().Where(t => typeof(TradingTimescaleException).IsAssignableFrom(t) && t != typeof(TradingTimescaleException)).ToList();
        var capabilityExceptions = exceptions.Where(t => t.BaseType == typeof(TradingTimescaleException) && capabilityNamespaces.Contains(t.Namespace)).ToList();

        Assert.Equal(
            ["TradingBackupException", "TradingIngestException", "TradingOperationsException", "TradingPositionException", "TradingQueryException", "TradingSchemaException"],
            capabilityExceptions.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(exceptions.Where(t => t.BaseType != typeof(TradingTimescaleException)),
            t => Assert.Contains(t.BaseType, capabilityExceptions));
    }

    [Theory]
    [InlineData("Queries")]
    [InlineData("Ingest")]
    [InlineData("Positions")]
    [InlineData("Records")]
    [InlineData("Live")]
    [InlineData("Operations")]
    [InlineData("DependencyInjection")]
    public void Only_the_error_translator_reads_a_server_error_code(string capability)
    {
        var folder = Path.Combine(Repository.Root, "src", "Trading.Timescale", capability);
        var files = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories);
        var offenders = files
            .Where(f => File.ReadAllText(f) is var text && (text.Contains(".SqlState", StringComparison.Ordinal) || text.Contains("PostgresErrorCodes", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(Repository.Root, f))
            .ToList();

        Assert.NotEmpty(files);
        Assert.True(offenders.Count == 0, "these files read an SQLSTATE themselves; add the rule to Internal/PostgresErrors.cs instead: " + string.Join(", ", offenders));
    }

    [Theory]
    [InlineData("scripts/")]
    [InlineData("schema/")]
    [InlineData("docs/")]
    [InlineData("build.sh")]
    [InlineData(".sh ")]
    public void No_message_points_to_a_file_that_exists_only_in_the_repository(string fragment)
    {
        using var stream = File.OpenRead(Library.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var strings = new List<string>();
        var handle = MetadataTokens.UserStringHandle(1);
        while (!handle.IsNil)
        {
            strings.Add(metadata.GetUserString(handle));
            handle = metadata.GetNextHandle(handle);
        }

        Assert.NotEmpty(strings);
        Assert.DoesNotContain(strings, s => s.Contains(fragment, StringComparison.OrdinalIgnoreCase));
    }
}
