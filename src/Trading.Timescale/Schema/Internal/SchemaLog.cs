using Microsoft.Extensions.Logging;

namespace Trading.Timescale.Schema.Internal;

internal static partial class SchemaLog
{
    [LoggerMessage(1, LogLevel.Debug, "PostgreSQL {Severity}: {Message}")]
    public static partial void ServerNotice(ILogger logger, string severity, string message);

    /// <summary>An INFO message of a schema file: progress of a long step, such as an aggregate materialized over existing history.</summary>
    [LoggerMessage(10, LogLevel.Information, "PostgreSQL {Severity}: {Message}")]
    public static partial void ServerProgress(ILogger logger, string severity, string message);

    [LoggerMessage(2, LogLevel.Information, "Waiting for the schema lock of database {Database}, held by process {Pid}")]
    public static partial void WaitingForLock(ILogger logger, string database, int? pid);

    [LoggerMessage(3, LogLevel.Information, "Created the timescaledb extension {Version} in database {Database}")]
    public static partial void ExtensionCreated(ILogger logger, string? version, string database);

    [LoggerMessage(4, LogLevel.Information, "Applied {Kind} migration {Id} ({File}) to database {Database} in {ElapsedMs} ms")]
    public static partial void Applied(ILogger logger, string kind, string id, string file, string database, long elapsedMs);

    [LoggerMessage(5, LogLevel.Information, "Schema of database {Database} is up to date ({Edition} edition): nothing to apply")]
    public static partial void UpToDate(ILogger logger, string database, string edition);

    [LoggerMessage(6, LogLevel.Information, "Applied {Count} schema file(s) to database {Database} ({Edition} edition) in {ElapsedMs} ms")]
    public static partial void Finished(ILogger logger, int count, string database, string edition, long elapsedMs);

    /// <summary>A statement of a file that runs outside a transaction, such as a materialization of existing history.</summary>
    [LoggerMessage(11, LogLevel.Information, "Running {File} statement {Index} of {Count} (line {Line})")]
    public static partial void RunningStatementOutsideTransaction(ILogger logger, string file, int index, int count, int line);

    [LoggerMessage(7, LogLevel.Debug, "Running {File} statement at line {Line}")]
    public static partial void RunningStatement(ILogger logger, string file, int line);

    [LoggerMessage(8, LogLevel.Warning, "Could not release the schema lock of database {Database}; it is released when the connection closes")]
    public static partial void UnlockFailed(ILogger logger, Exception exception, string database);

    [LoggerMessage(9, LogLevel.Debug, "Schema lock of database {Database} is busy; retrying in {DelayMs} ms")]
    public static partial void LockRetry(ILogger logger, string database, long delayMs);

    [LoggerMessage(10, LogLevel.Information, "Changing setting {Path} of database {Database}: {OldValue} → {NewValue}")]
    public static partial void SettingChanged(ILogger logger, string database, string path, string oldValue, string newValue);

    [LoggerMessage(11, LogLevel.Warning,
        "TradingTimescale:{Path} is configured as {ConfiguredValue}, but database {Database} keeps {DatabaseValue}; the database's setting stays. To change it on purpose run `{Command}` or migrate with SchemaMigrationOptions.ApplySettingChanges; otherwise remove the setting from this application's configuration")]
    public static partial void SettingDeclined(ILogger logger, string path, string configuredValue, string database, string databaseValue, string command);

    [LoggerMessage(12, LogLevel.Warning, "Changing the settings of database {Database} removes data: {Removal}")]
    public static partial void RemovingData(ILogger logger, string database, string removal);
}
