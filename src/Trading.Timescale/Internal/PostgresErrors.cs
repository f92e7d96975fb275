using Npgsql;
using Trading.Timescale.Ingest;
using Trading.Timescale.Positions;
using Trading.Timescale.Positions.Internal;
using Trading.Timescale.Queries;

namespace Trading.Timescale.Internal;

/// <summary>
/// The one place that reads a server error for the query builders, ingest and positions: which SQLSTATE and constraint
/// mean what to the library, the text a message quotes the error with, and the library exception it becomes. Those
/// capabilities catch <see cref="PostgresException"/> and ask here; none of them compares an SQLSTATE itself.
/// </summary>
internal static class PostgresErrors
{
    /// <summary>How a message quotes a server error: <c>23505: duplicate key value ... (Key (...) already exists)</c>.</summary>
    /// <param name="error">The error.</param>
    /// <param name="withDetail">Whether to add the error's detail, when it has one.</param>
    public static string Describe(PostgresException error, bool withDetail = true) =>
        error.SqlState + ": " + error.MessageText + (withDetail && !string.IsNullOrEmpty(error.Detail) ? " (" + error.Detail + ")" : string.Empty);

    /// <summary>A row met an existing key: an ingest insert that must become a merge.</summary>
    public static bool IsKeyConflict(PostgresException error) => error.SqlState == PostgresErrorCodes.UniqueViolation;

    /// <summary>Another transaction opened the same instrument in the same account first.</summary>
    public static bool IsOpenPositionConflict(PostgresException error) =>
        error.SqlState == PostgresErrorCodes.UniqueViolation && error.ConstraintName == PositionSql.OpenInstrumentIndex;

    /// <summary>The position conflict as the library reports it when the winning position cannot be read.</summary>
    public static TradingPositionException ToOpenPositionConflict(PostgresException error) =>
        new(PositionErrorReason.AlreadyOpen, null, error.MessageText);

    /// <summary>A value beyond its column's numeric range (the unrealized P&amp;L a trade writes at the position's mark).</summary>
    public static bool IsNumericOverflow(PostgresException error) => error.SqlState == PostgresErrorCodes.NumericValueOutOfRange;

    /// <summary>The role lacks a privilege (42501): a step that needs an administrator, or a table it may not lock.</summary>
    public static bool IsPermissionDenied(PostgresException error) => error.SqlState == PostgresErrorCodes.InsufficientPrivilege;

    /// <summary>The relation does not exist (42P01), for example a chunk a job dropped in the meantime.</summary>
    public static bool IsUndefinedTable(PostgresException error) => error.SqlState == PostgresErrorCodes.UndefinedTable;

    /// <summary>The object exists already (42710), for example a chunk a job compressed first.</summary>
    public static bool IsDuplicateObject(PostgresException error) => error.SqlState == PostgresErrorCodes.DuplicateObject;

    /// <summary>A deadlock (40P01).</summary>
    public static bool IsDeadlock(PostgresException error) => error.SqlState == PostgresErrorCodes.DeadlockDetected;

    /// <summary>A lock was not granted at once (55P03, <c>NOWAIT</c> or <c>lock_timeout</c>).</summary>
    public static bool IsLockNotAvailable(PostgresException error) => error.SqlState == PostgresErrorCodes.LockNotAvailable;

    /// <summary>A conflict with another transaction that running the step again resolves: deadlock, lock not available or
    /// serialization failure.</summary>
    public static bool IsLockConflict(PostgresException error) =>
        error.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.SerializationFailure;

    /// <summary>The object is in use (55006), for example a database other sessions are connected to.</summary>
    public static bool IsObjectInUse(PostgresException error) => error.SqlState == PostgresErrorCodes.ObjectInUse;

    /// <summary>The object is not in the state the call needs (55000), for example statistics of a table never analyzed.</summary>
    public static bool IsNotInPrerequisiteState(PostgresException error) => error.SqlState == PostgresErrorCodes.ObjectNotInPrerequisiteState;

    /// <summary>The server is starting or shutting down (57P03, 57P01): it will take connections again.</summary>
    public static bool IsServerStartingOrStopping(PostgresException error) =>
        error.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown;

    /// <summary>A gap-filled bar query on a server without <c>time_bucket_gapfill</c> (the apache edition); else <see langword="null"/>.</summary>
    public static TradingQueryException? ToGapFillUnavailable(PostgresException error) =>
        error.SqlState == PostgresErrorCodes.FeatureNotSupported
            ? new TradingQueryException(
                "Filling gaps in bars uses time_bucket_gapfill, which this server's TimescaleDB edition (apache) does not have: "
                + "query without FillGaps and treat missing buckets as empty on the client, or use the community edition. (" + error.MessageText + ")", error)
            : null;

    /// <summary>A single-row write the server refused (not a broken connection); else <see langword="null"/>.</summary>
    /// <param name="error">The error.</param>
    /// <param name="what">The row, described.</param>
    /// <param name="table">The table, with its schema.</param>
    /// <param name="progress">The progress to report (nothing written).</param>
    public static TradingIngestException? ToWriteFailure(PostgresException error, string what, string table, IngestProgress progress) =>
        TransientRetry.IsBrokenConnection(error)
            ? null
            : new TradingIngestException($"Writing {what} to {table} failed: {Describe(error)}. Nothing was written.", table, progress, null, 1, error);
}
