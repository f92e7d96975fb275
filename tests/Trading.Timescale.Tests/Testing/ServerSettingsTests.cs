using Trading.Timescale.Testing;
using Trading.Timescale.Testing.Internal;

namespace Trading.Timescale.Tests.Testing;

public sealed class ServerSettingsTests
{
    [Fact]
    public void Test_speed_settings_and_timescaledb_preload_are_built_in_and_user_settings_override_them()
    {
        var options = new TimescaleTestServerOptions();
        options.ServerSettings["max_connections"] = "50";
        options.ServerSettings["work_mem"] = "64MB";

        var settings = ServerSettings.Build(options, preloadTimescaleDb: true, apacheOnly: true).ToDictionary();

        Assert.Equal("off", settings["fsync"]);
        Assert.Equal("off", settings["synchronous_commit"]);
        Assert.Equal("off", settings["full_page_writes"]);
        Assert.Equal("timescaledb", settings["shared_preload_libraries"]);
        Assert.Equal("off", settings["timescaledb.telemetry_level"]);
        Assert.Equal("apache", settings["timescaledb.license"]);
        Assert.Equal("50", settings["max_connections"]);
        Assert.Equal("64MB", settings["work_mem"]);
        Assert.Equal("replica", settings["wal_level"]);
        Assert.Equal("10", settings["max_wal_senders"]);
        Assert.Equal("on", settings["hot_standby"]);
    }

    [Fact]
    public void Without_timescaledb_nothing_timescale_is_configured()
    {
        var settings = ServerSettings.Build(new TimescaleTestServerOptions(), preloadTimescaleDb: false, apacheOnly: false);
        Assert.DoesNotContain(settings, s => s.Key.StartsWith("timescaledb", StringComparison.Ordinal) || s.Key == "shared_preload_libraries");
    }

    [Fact]
    public void Config_lines_quote_values()
    {
        Assert.Equal("application_name = 'it''s'", ServerSettings.ToConfigLine(new("application_name", "it's")));
    }

    [Theory]
    [InlineData("work_mem = 1")]
    [InlineData("a.b.c")]
    [InlineData("")]
    [InlineData("x;y")]
    public void Invalid_setting_names_are_refused_with_the_name(string name)
    {
        var options = new TimescaleTestServerOptions();
        options.ServerSettings[name] = "1";
        var error = Assert.Throws<ArgumentException>(() => ServerSettings.Build(options, preloadTimescaleDb: false, apacheOnly: false));
        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
    }
}
