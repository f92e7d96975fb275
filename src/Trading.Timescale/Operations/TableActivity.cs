using NodaTime;

namespace Trading.Timescale.Operations;

/// <summary>
/// <c>pg_stat_user_tables</c> for one table of the trading schema. For a hypertable the counters are summed over the
/// parent and its chunks (rows live in the chunks); the vacuum and analyze times are the newest of any of them.
/// </summary>
public sealed class TableActivity
{
    internal TableActivity(string name, long inserted, long updated, long deleted, long liveRows, long deadRows, long sequentialScans, long indexScans,
        Instant? lastVacuum, Instant? lastAutovacuum, Instant? lastAnalyze, Instant? lastAutoanalyze)
    {
        Name = name;
        Inserted = inserted;
        Updated = updated;
        Deleted = deleted;
        LiveRows = liveRows;
        DeadRows = deadRows;
        SequentialScans = sequentialScans;
        IndexScans = indexScans;
        LastVacuum = lastVacuum;
        LastAutovacuum = lastAutovacuum;
        LastAnalyze = lastAnalyze;
        LastAutoanalyze = lastAutoanalyze;
    }

    /// <summary>The table name (<c>relname</c>), without the schema.</summary>
    public string Name { get; }

    /// <summary>Rows inserted (<c>n_tup_ins</c>).</summary>
    public long Inserted { get; }

    /// <summary>Rows updated (<c>n_tup_upd</c>).</summary>
    public long Updated { get; }

    /// <summary>Rows deleted (<c>n_tup_del</c>).</summary>
    public long Deleted { get; }

    /// <summary>Estimated live rows (<c>n_live_tup</c>).</summary>
    public long LiveRows { get; }

    /// <summary>Estimated dead rows (<c>n_dead_tup</c>).</summary>
    public long DeadRows { get; }

    /// <summary>Sequential scans (<c>seq_scan</c>).</summary>
    public long SequentialScans { get; }

    /// <summary>Index scans (<c>idx_scan</c>).</summary>
    public long IndexScans { get; }

    /// <summary><c>last_vacuum</c>.</summary>
    public Instant? LastVacuum { get; }

    /// <summary><c>last_autovacuum</c>.</summary>
    public Instant? LastAutovacuum { get; }

    /// <summary><c>last_analyze</c>.</summary>
    public Instant? LastAnalyze { get; }

    /// <summary><c>last_autoanalyze</c>.</summary>
    public Instant? LastAutoanalyze { get; }
}
