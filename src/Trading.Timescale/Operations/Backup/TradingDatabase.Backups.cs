using Trading.Timescale.Operations;

namespace Trading.Timescale;

public sealed partial class TradingDatabase
{
    private TradingBackups? _backups;

    /// <summary>Backups: full, schema and per-table dumps with a manifest, TimescaleDB-safe restores, and clones.</summary>
    public TradingBackups Backups => _backups ??= new TradingBackups(Options.ConnectionString ?? DataSource.ConnectionString);
}
