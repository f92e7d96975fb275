using Trading.Timescale.Schema;

namespace Trading.Timescale.Tests;

public class EditionParsingTests
{
    [Theory]
    [InlineData(null, null, TimescaleEdition.None)]
    [InlineData(null, "apache", TimescaleEdition.None)]
    [InlineData("2.19.3", "apache", TimescaleEdition.Apache)]
    [InlineData("2.23.0", "timescale", TimescaleEdition.Community)]
    public void License_setting_maps_to_edition(string? version, string? license, TimescaleEdition expected) =>
        Assert.Equal(expected, TimescaleServerInfo.ParseEdition(version, license));
}
