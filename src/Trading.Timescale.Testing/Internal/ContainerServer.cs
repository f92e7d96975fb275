using System.Security.Cryptography;
using Testcontainers.PostgreSql;

namespace Trading.Timescale.Testing.Internal;

/// <summary>A TimescaleDB container started through Testcontainers.</summary>
internal static class ContainerServer
{
    public static async Task<PostgreSqlContainer> StartAsync(TimescaleTestServerOptions options, CancellationToken cancellationToken)
    {
        var command = new List<string>();
        foreach (var setting in ServerSettings.Build(options, preloadTimescaleDb: true, apacheOnly: false))
        {
            command.Add("-c");
            command.Add($"{setting.Key}={setting.Value}");
        }

        var container = new PostgreSqlBuilder(options.ContainerImage)
            .WithUsername("postgres")
            .WithPassword(RandomNumberGenerator.GetHexString(32, lowercase: true))
            .WithDatabase("postgres")
            .WithCommand([.. command])
            .Build();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(options.StartTimeout);
        try
        {
            await container.StartAsync(timeoutSource.Token).ConfigureAwait(false);
            return container;
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
