using Trading.Timescale.Schema;

namespace Trading.Timescale.Operations;

/// <summary>What a maintenance run did, or in a dry run would do.</summary>
public sealed class MaintenanceReport
{
    internal MaintenanceReport(string database, TimescaleEdition edition, bool dryRun, IReadOnlyList<MaintenanceAction> actions,
        IReadOnlyList<RetentionResult> retention, IReadOnlyList<string> skipped)
    {
        Database = database;
        Edition = edition;
        DryRun = dryRun;
        Actions = actions;
        Retention = retention;
        Skipped = skipped;
    }

    /// <summary>The database name.</summary>
    public string Database { get; }

    /// <summary>The server's TimescaleDB edition.</summary>
    public TimescaleEdition Edition { get; }

    /// <summary>Whether nothing was changed.</summary>
    public bool DryRun { get; }

    /// <summary>The chunks dropped, the chunks compressed and the aggregates refreshed, in the order done.</summary>
    public IReadOnlyList<MaintenanceAction> Actions { get; }

    /// <summary>Chunks dropped per hypertable as <c>trading.apply_retention()</c> counted them (planned, in a dry run).</summary>
    public IReadOnlyList<RetentionResult> Retention { get; }

    /// <summary>The parts not done, each with its reason (for example compression on the apache edition).</summary>
    public IReadOnlyList<string> Skipped { get; }
}
