namespace Trading.Timescale.Operations;

/// <summary>What <see cref="TradingOperations.ApplyRolesAsync"/> did to one role.</summary>
public sealed class RoleResult
{
    internal RoleResult(string name, string kind, bool created, bool passwordChanged, IReadOnlyList<string> writableTables, int readableRelations)
    {
        Name = name;
        Kind = kind;
        Created = created;
        PasswordChanged = passwordChanged;
        WritableTables = writableTables;
        ReadableRelations = readableRelations;
    }

    /// <summary>The role name.</summary>
    public string Name { get; }

    /// <summary><c>analytics</c> or <c>app</c>.</summary>
    public string Kind { get; }

    /// <summary>Whether the role was created (else it existed and was updated).</summary>
    public bool Created { get; }

    /// <summary>Whether its password was set (a new role, or a password that differs from the stored one).</summary>
    public bool PasswordChanged { get; }

    /// <summary>The trading tables it may INSERT into and UPDATE.</summary>
    public IReadOnlyList<string> WritableTables { get; }

    /// <summary>How many tables and views of the trading schema it may SELECT from.</summary>
    public int ReadableRelations { get; }
}
