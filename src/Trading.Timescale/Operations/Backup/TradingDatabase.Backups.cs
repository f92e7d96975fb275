using Trading.Timescale.Operations;

namespace Trading.Timescale;

public sealed partial class TradingDatabase
{
    /// <summary>
    /// Backups: full, schema and per-table dumps with a manifest, TimescaleDB-safe restores, and clones. pg_dump and
    /// pg_restore reach the data source's server with its password (see <see cref="TradingBackups(Npgsql.NpgsqlDataSource)"/>).
    /// </summary>
    public TradingBackups Backups { get; }
}
