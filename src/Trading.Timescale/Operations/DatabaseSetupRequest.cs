namespace Trading.Timescale.Operations;

/// <summary>The database and owner role <see cref="TradingOperations.SetupDatabaseAsync"/> makes sure exist.</summary>
public sealed class DatabaseSetupRequest
{
    /// <summary>The database, for example <c>trading_db</c>.</summary>
    public required string Database { get; init; }

    /// <summary>The owner role, for example <c>trading_admin</c>: it owns the database and runs the migrations.</summary>
    public required string Owner { get; init; }

    /// <summary>The owner's password: needed to create the role; for an existing role it is set; <see langword="null"/> keeps it.</summary>
    public string? OwnerPassword { get; init; }
}
