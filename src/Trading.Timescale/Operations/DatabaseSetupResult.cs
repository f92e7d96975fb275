namespace Trading.Timescale.Operations;

/// <summary>What <see cref="TradingOperations.SetupDatabaseAsync"/> did; nothing at all when everything was already there.</summary>
public sealed class DatabaseSetupResult
{
    internal DatabaseSetupResult(string database, string owner, bool roleCreated, bool passwordChanged, bool databaseCreated, bool privilegesGranted,
        bool extensionCreated, string? extensionVersion, bool publicCreateRevoked, IReadOnlyList<string> administratorSteps)
    {
        Database = database;
        Owner = owner;
        RoleCreated = roleCreated;
        PasswordChanged = passwordChanged;
        DatabaseCreated = databaseCreated;
        PrivilegesGranted = privilegesGranted;
        ExtensionCreated = extensionCreated;
        ExtensionVersion = extensionVersion;
        PublicCreateRevoked = publicCreateRevoked;
        AdministratorSteps = administratorSteps;
    }

    /// <summary>The database.</summary>
    public string Database { get; }

    /// <summary>The owner role.</summary>
    public string Owner { get; }

    /// <summary>Whether the owner role was created.</summary>
    public bool RoleCreated { get; }

    /// <summary>Whether the owner's password was set on an existing role.</summary>
    public bool PasswordChanged { get; }

    /// <summary>Whether the database was created (owned by the owner role).</summary>
    public bool DatabaseCreated { get; }

    /// <summary>Whether ALL PRIVILEGES on an existing database another role owns were granted to the owner role.</summary>
    public bool PrivilegesGranted { get; }

    /// <summary>Whether the timescaledb extension was created in the database.</summary>
    public bool ExtensionCreated { get; }

    /// <summary>The timescaledb extension's version in the database, or <see langword="null"/> when the server has none.</summary>
    public string? ExtensionVersion { get; }

    /// <summary>Whether CREATE on schema public was revoked from PUBLIC (the server still granted it, as before PostgreSQL 15).</summary>
    public bool PublicCreateRevoked { get; }

    /// <summary>
    /// The steps the connected role lacked the privilege for, each a statement and where to run it, for an administrator:
    /// creating the timescaledb extension, revoking CREATE on schema public from PUBLIC. Empty when nothing is left.
    /// </summary>
    public IReadOnlyList<string> AdministratorSteps { get; }

    /// <summary>Whether nothing had to be done.</summary>
    public bool NothingChanged => !RoleCreated && !PasswordChanged && !DatabaseCreated && !PrivilegesGranted && !ExtensionCreated && !PublicCreateRevoked;
}
