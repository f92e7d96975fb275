namespace Trading.Timescale.Testing;

/// <summary>
/// Chooses and tunes the strategies <see cref="TimescaleTestServer.StartAsync(TimescaleTestServerOptions, CancellationToken)"/>
/// tries, in order: an existing server (<see cref="ConnectionString"/> or the <see cref="ConnectionStringVariable"/>
/// variable), a Testcontainers container (<see cref="UseContainer"/>), a throwaway local cluster (<see cref="UseLocalCluster"/>).
/// </summary>
public sealed class TimescaleTestServerOptions
{
    /// <summary>The TimescaleDB image the container strategy uses unless <see cref="ContainerImage"/> says otherwise.</summary>
    public const string DefaultContainerImage = "timescale/timescaledb:2.19.3-pg15";

    /// <summary>
    /// An existing server to use, as an Npgsql connection string or a <c>postgresql://</c> URL. When set, it wins
    /// over <see cref="ConnectionStringVariable"/> and the other strategies are not tried.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The environment variable naming an existing server (connection string or <c>postgresql://</c> URL);
    /// <c>TRADING_TIMESCALE_CONNECTION</c> by default. <see langword="null"/> ignores the environment.
    /// </summary>
    public string? ConnectionStringVariable { get; set; } = TradingConnectionString.EnvironmentVariable;

    /// <summary>Whether to start a container through Testcontainers when a Docker engine answers. Default <see langword="true"/>.</summary>
    public bool UseContainer { get; set; } = true;

    /// <summary>The container image; a TimescaleDB image whose superuser is <c>postgres</c>.</summary>
    public string ContainerImage { get; set; } = DefaultContainerImage;

    /// <summary>How long the Docker engine may take to answer a ping before the container strategy is skipped. Default 1 s.</summary>
    public TimeSpan DockerProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether to start a throwaway cluster from the PostgreSQL binaries on this machine. Default <see langword="true"/>.</summary>
    public bool UseLocalCluster { get; set; } = true;

    /// <summary>
    /// The directory holding <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>. When <see langword="null"/>, the newest
    /// installation with TimescaleDB among <c>/usr/lib/postgresql/N/bin</c>, <c>pg_config --bindir</c> and
    /// <c>initdb</c> on PATH is used.
    /// </summary>
    public string? PostgresBinDirectory { get; set; }

    /// <summary>
    /// The directory local clusters live under, one subdirectory each; the system temp directory's
    /// <c>trading-timescale</c> folder by default. Clusters left there by processes that died are removed on the next start.
    /// </summary>
    public string? ClusterRoot { get; set; }

    /// <summary>The OS user that owns and runs a local cluster when this process runs as root. Default <c>postgres</c>.</summary>
    public string ServerOsUser { get; set; } = "postgres";

    /// <summary>How long creating and starting a container or local cluster may take. Default 2 minutes.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether TimescaleDB background jobs (policies, user-defined jobs, TimescaleDB's own) run by wall clock in the
    /// databases <see cref="TimescaleTestServer.CreateDatabaseAsync"/> creates. Default <see langword="false"/>: the
    /// database's job scheduler never starts, so jobs created later (by a schema migration, say) do not run either, and
    /// a test that needs a job runs it with <c>CALL run_job(id)</c>. Other databases on the server are not affected.
    /// One database can change it with <see cref="TimescaleTestDatabase.ResumeBackgroundJobsAsync"/> and
    /// <see cref="TimescaleTestDatabase.PauseBackgroundJobsAsync"/>.
    /// </summary>
    public bool BackgroundJobs { get; set; }

    /// <summary>
    /// Extra server settings (<c>postgresql.conf</c> names and values, such as <c>work_mem</c> = <c>64MB</c>) for a
    /// container or local cluster. They override the built-in test-speed settings.
    /// </summary>
    public IDictionary<string, string> ServerSettings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
