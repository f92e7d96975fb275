namespace Trading.Timescale.Schema;

/// <summary>
/// The schema cannot be installed or is not as expected: TimescaleDB is missing, an applied migration was changed,
/// a migration failed, or migrations are pending. The message says what, where and what to do.
/// </summary>
public sealed class TradingSchemaException : TradingTimescaleException
{
    /// <summary>Creates the exception with a default message.</summary>
    public TradingSchemaException()
        : this("The trading schema is not as expected.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, where, and what to do.</param>
    public TradingSchemaException(string message)
        : base(message, null)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">What went wrong, where, and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public TradingSchemaException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal TradingSchemaException(string message, string? migrationId, string? fileName, IReadOnlyList<string>? pendingMigrations = null, Exception? innerException = null)
        : base(message, innerException)
    {
        MigrationId = migrationId;
        FileName = fileName;
        PendingMigrations = pendingMigrations ?? [];
    }

    /// <summary>The migration id concerned, such as <c>0002_tables</c>, when one is.</summary>
    public string? MigrationId { get; }

    /// <summary>The schema file concerned, such as <c>migrations/0002_tables.sql</c>, when one is.</summary>
    public string? FileName { get; }

    /// <summary>The ids of the migrations not yet applied, when the database is behind.</summary>
    public IReadOnlyList<string> PendingMigrations { get; } = [];
}
