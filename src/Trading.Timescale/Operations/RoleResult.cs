namespace Trading.Timescale.Operations;

/// <summary>What <see cref="TradingOperations.ApplyRolesAsync"/> did to one role.</summary>
public sealed class RoleResult
{
    internal RoleResult(string name, string kind, bool created, bool passwordChanged, IReadOnlyList<string> writableTables, int readableRelations, IReadOnlyList<string> removedPowers)
    {
        Name = name;
        Kind = kind;
        Created = created;
        PasswordChanged = passwordChanged;
        WritableTables = writableTables;
        ReadableRelations = readableRelations;
        RemovedPowers = removedPowers;
    }

    /// <summary>The role name.</summary>
    public string Name { get; }

    /// <summary><c>analytics</c> or <c>app</c>.</summary>
    public string Kind { get; }

    /// <summary>Whether the role was created (else it existed and was updated).</summary>
    public bool Created { get; }

    /// <summary>Whether its password was set: a new role, or a password given for an existing one (the stored verifier is not read).</summary>
    public bool PasswordChanged { get; }

    /// <summary>The trading tables it may INSERT into and UPDATE.</summary>
    public IReadOnlyList<string> WritableTables { get; }

    /// <summary>How many tables and views of the trading schema it may SELECT from.</summary>
    public int ReadableRelations { get; }

    /// <summary>The powers <see cref="TradingRoles.ResetAttributes"/> removed from an existing role, each a phrase such as
    /// <c>is allowed to create roles (CREATEROLE)</c>; empty when it had none.</summary>
    public IReadOnlyList<string> RemovedPowers { get; }
}
