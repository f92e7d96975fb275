namespace Trading.Timescale.Ingest;

/// <summary>How rows reach their table.</summary>
public enum IngestMode
{
    /// <summary>
    /// Binary COPY straight into the table: the fastest path. A row whose natural key already exists fails its batch
    /// with a unique violation.
    /// </summary>
    Append = 0,

    /// <summary>
    /// Binary COPY into a temporary staging table, then one <c>INSERT ... ON CONFLICT (natural key) DO UPDATE</c>:
    /// a replayed feed leaves one row per key with the newest values. When a key appears twice in the input, the later
    /// row wins. Rows whose values did not change are not rewritten (their <c>updated_at</c> stays).
    /// </summary>
    Upsert = 1,
}
