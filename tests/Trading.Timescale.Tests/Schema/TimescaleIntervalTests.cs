namespace Trading.Timescale.Tests.Schema;

public class TimescaleIntervalTests
{
    [Theory]
    [InlineData("90 days", 0, 90, 0L, "90 days")]
    [InlineData("3 months", 3, 0, 0L, "3 months")]
    [InlineData("1 year", 12, 0, 0L, "1 year")]
    [InlineData("2 years", 24, 0, 0L, "2 years")]
    [InlineData("1 year 6 months", 18, 0, 0L, "1 year 6 months")]
    [InlineData("1 week", 0, 7, 0L, "7 days")]
    [InlineData("30 minutes", 0, 0, 1_800_000_000L, "30 minutes")]
    [InlineData("90 minutes", 0, 0, 5_400_000_000L, "1 hour 30 minutes")]
    [InlineData("1 day 12 hours", 0, 1, 43_200_000_000L, "1 day 12 hours")]
    [InlineData("  7DAYS ", 0, 7, 0L, "7 days")]
    [InlineData("P90D", 0, 90, 0L, "90 days")]
    [InlineData("P3M", 3, 0, 0L, "3 months")]
    [InlineData("P1Y2M3W4D", 14, 25, 0L, "1 year 2 months 25 days")]
    [InlineData("PT1H30M", 0, 0, 5_400_000_000L, "1 hour 30 minutes")]
    [InlineData("P1DT6H", 0, 1, 21_600_000_000L, "1 day 6 hours")]
    [InlineData("500 ms", 0, 0, 500_000L, "500 milliseconds")]
    public void Parses_words_and_iso_periods_and_prints_postgres_input(string text, int months, int days, long microseconds, string printed)
    {
        var interval = TimescaleInterval.Parse(text);

        Assert.Equal((months, days, microseconds), (interval.Months, interval.Days, interval.Microseconds));
        Assert.Equal(printed, interval.ToString());
        Assert.Equal(interval, TimescaleInterval.Parse(interval.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("90")]
    [InlineData("days")]
    [InlineData("90 dayz")]
    [InlineData("1.5 days")]
    [InlineData("P")]
    [InlineData("P1H")]
    [InlineData("PT1D")]
    [InlineData("99999999999 years")]
    public void Rejects_text_that_is_not_an_interval(string text)
    {
        Assert.False(TimescaleInterval.TryParse(text, out _));
        var ex = Assert.Throws<FormatException>(() => TimescaleInterval.Parse(text));
        Assert.Contains("is not an interval", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compares_as_postgres_does_with_thirty_day_months()
    {
        Assert.True(TimescaleInterval.Parse("4 months") > TimescaleInterval.Parse("90 days"));
        Assert.True(TimescaleInterval.Parse("3 months") >= TimescaleInterval.Parse("90 days"));
        Assert.True(TimescaleInterval.Parse("3 months") <= TimescaleInterval.Parse("90 days"));
        Assert.NotEqual(TimescaleInterval.Parse("3 months"), TimescaleInterval.Parse("90 days"));
        Assert.Equal(0, TimescaleInterval.Parse("1 year").CompareTo(TimescaleInterval.Parse("360 days")));
        Assert.True(TimescaleInterval.Parse("1 year") > TimescaleInterval.Parse("359 days"));
        Assert.True(TimescaleInterval.Parse("25 hours") > TimescaleInterval.Parse("1 day"));
    }

    [Fact]
    public void Positive_means_no_negative_part_and_some_length()
    {
        Assert.True(TimescaleInterval.Parse("1 minute").IsPositive);
        Assert.False(default(TimescaleInterval).IsPositive);
        Assert.False(TimescaleInterval.Parse("-3 days").IsPositive);
        Assert.False(TimescaleInterval.Parse("1 month -1 day").IsPositive);
    }

    [Fact]
    public void Converts_to_and_from_nodatime_periods()
    {
        var interval = TimescaleInterval.Parse("1 year 2 months 3 days 4 hours 5 minutes 6 seconds");
        var period = interval.ToPeriod();

        Assert.Equal((1, 2, 3, 4L, 5L, 6L), (period.Years, period.Months, period.Days, period.Hours, period.Minutes, period.Seconds));
        Assert.Equal(interval, TimescaleInterval.FromPeriod(period));
        Assert.Equal(TimescaleInterval.FromDays(14), TimescaleInterval.FromPeriod(NodaTime.Period.FromWeeks(2)));
    }

    [Fact]
    public void Binds_through_its_type_converter()
    {
        var converter = System.ComponentModel.TypeDescriptor.GetConverter(typeof(TimescaleInterval));

        Assert.Equal(TimescaleInterval.FromMonths(3), converter.ConvertFromInvariantString("3 months"));
        Assert.Equal("90 days", converter.ConvertToInvariantString(TimescaleInterval.FromDays(90)));
    }
}
