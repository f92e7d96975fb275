namespace Trading.Timescale.Operations;

/// <summary>
/// The two login roles of <see cref="TradingOperations.ApplyRolesAsync"/>: a read-only analytics role and the
/// application role. Names are the caller's; passwords are turned into SCRAM-SHA-256 verifiers in this process.
/// </summary>
public sealed class TradingRoles
{
    /// <summary>The analytics role's name: SELECT on every table and view of the trading schema.</summary>
    public required string AnalyticsUser { get; init; }

    /// <summary>The analytics role's password; <see langword="null"/> keeps the password of an existing role.</summary>
    public string? AnalyticsPassword { get; init; }

    /// <summary>The application role's name: SELECT, INSERT and UPDATE on the data tables and positions, USAGE on the sequences.</summary>
    public required string AppUser { get; init; }

    /// <summary>The application role's password; <see langword="null"/> keeps the password of an existing role.</summary>
    public string? AppPassword { get; init; }

    /// <summary>
    /// Whether to remove the powers of an existing role instead of refusing it: SUPERUSER, CREATEROLE, CREATEDB, BYPASSRLS and
    /// REPLICATION are turned off, and its direct memberships in the schema owner, the database owner, <c>pg_*</c> roles and
    /// roles with those attributes are revoked. Off by default: such a role is refused.
    /// </summary>
    public bool ResetAttributes { get; init; }
}
