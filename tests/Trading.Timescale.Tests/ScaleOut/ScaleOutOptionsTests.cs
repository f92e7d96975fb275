using Npgsql;
using Trading.Timescale.Internal;
using Trading.Timescale.ScaleOut;

namespace Trading.Timescale.Tests.ScaleOut;

public sealed class ScaleOutOptionsTests
{
    [Fact]
    public void A_multi_host_connection_string_gets_the_host_recheck_interval_unless_it_sets_one()
    {
        var multiHost = new NpgsqlConnectionStringBuilder(TradingConnectionString.WithHostRecheck("Host=a:5432,b:5433;Database=market;Username=u"));
        Assert.Equal(TradingConnectionString.DefaultHostRecheckSeconds, multiHost.HostRecheckSeconds);
        Assert.Equal("a:5432,b:5433", multiHost.Host);

        var own = new NpgsqlConnectionStringBuilder(TradingConnectionString.WithHostRecheck("Host=a,b;Host Recheck Seconds=30"));
        Assert.Equal(30, own.HostRecheckSeconds);

        const string single = "Host=a;Database=market";
        Assert.Equal(single, TradingConnectionString.WithHostRecheck(single));
    }

    [Fact]
    public void Reads_prefer_a_standby_by_default_and_a_negative_lag_limit_or_unknown_choice_is_refused_by_name()
    {
        Assert.Equal(ReadFrom.PreferStandby, new TradingTimescaleOptions().ReadFrom);
        Assert.Null(new TradingTimescaleOptions().MaxReplicaLag);

        var failures = TradingTimescaleOptionsValidator.Check(
            new TradingTimescaleOptions { MaxReplicaLag = TimeSpan.FromSeconds(-1), ReadFrom = (ReadFrom)7 }, requireConnectionString: false);
        Assert.Contains(failures, f => f.Contains("TradingTimescale:MaxReplicaLag (-00:00:01) cannot be negative", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("TradingTimescale:ReadFrom (7) must be Primary, PreferStandby or Standby", StringComparison.Ordinal));
    }
}
