using Trading.Timescale.Queries;

namespace Trading.Timescale.Tests.Queries;

public sealed class BarIntervalTests
{
    [Theory]
    [InlineData("1m", "1 minute")]
    [InlineData("5m", "5 minutes")]
    [InlineData("15m", "15 minutes")]
    [InlineData("1h", "1 hour")]
    [InlineData("4h", "4 hours")]
    [InlineData("1d", "1 day")]
    [InlineData("1w", "7 days")]
    [InlineData("30s", "30 seconds")]
    [InlineData("5 minutes", "5 minutes")]
    [InlineData("'5 minutes'", "5 minutes")]
    [InlineData(" 1 hour ", "1 hour")]
    [InlineData("PT15M", "15 minutes")]
    public void Short_forms_and_interval_text_parse(string text, string expected)
    {
        Assert.Equal(expected, BarInterval.Parse(text).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("banana")]
    [InlineData("0m")]
    [InlineData("-5m")]
    [InlineData("5x")]
    [InlineData("-5 minutes")]
    public void Other_text_is_refused_with_the_accepted_forms(string text)
    {
        Assert.False(BarInterval.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => BarInterval.Parse(text));
        Assert.Contains("5m", error.Message, StringComparison.Ordinal);
    }
}
