using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

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
