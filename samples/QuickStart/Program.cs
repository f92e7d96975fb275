using Npgsql;
using Trading.Timescale;
using Trading.Timescale.Schema;
using Trading.Timescale.Testing;

namespace QuickStart;

/// <summary>
/// The Trading.Timescale quick start: connect to the configured server, or start a throwaway local one when
/// none is configured, and show what it is.
/// </summary>
internal static class Program
{
    private static readonly string[] ConnectionVariables = [TradingConnectionString.EnvironmentVariable, "DATABASE_URL", "DB_HOST"];

    public static async Task<int> Main()
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        var ct = cancellation.Token;

        // 1. A server: the configured one, else a throwaway one from Trading.Timescale.Testing
        //    (Docker when it answers, else a local cluster); disposing it stops and deletes it.
        TimescaleTestServer? throwaway = null;
        try
        {
            string connectionString;
            string how;
            if (TradingConnectionString.FromEnvironment() is { } configured)
            {
                connectionString = configured;
                how = $"the server configured by {ConnectionVariables.First(v => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(v)))}" +
                      $" ({TradingConnectionString.Redact(configured)})";
            }
            else
            {
                Console.WriteLine($"No server configured ({string.Join(", ", ConnectionVariables)} are unset): starting a throwaway one...");
                throwaway = await TimescaleTestServer.StartAsync(ct);
                connectionString = throwaway.ConnectionString;
                how = throwaway.Kind switch
                {
                    TimescaleTestServerKind.LocalCluster => "a throwaway local cluster (stopped and deleted at exit)",
                    TimescaleTestServerKind.Container => "a throwaway Docker container (removed at exit)",
                    _ => "an existing server",
                };
                Console.WriteLine($"Started {throwaway.Describe()}");
            }

            var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
            dataSourceBuilder.UseNodaTime();
            await using var dataSource = dataSourceBuilder.Build();

            TimescaleServerInfo info;
            await using (var connection = await dataSource.OpenConnectionAsync(ct))
            {
                info = await TimescaleServerInfo.DetectAsync(connection, ct);
            }

            Console.WriteLine($"Connected to {how}:");
            Console.WriteLine($"  PostgreSQL  {info.ServerVersion}");
            Console.WriteLine($"  TimescaleDB {info.TimescaleVersion ?? "not available"}");
            Console.WriteLine($"  edition     {info.Edition.ToString().ToLowerInvariant()}");

            // 2. The demo proper.
            await RunAsync(dataSource, info, ct);
            return 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled.");
            return 130;
        }
        finally
        {
            if (throwaway is not null)
            {
                await throwaway.DisposeAsync();
            }
        }
    }

    /// <summary>What the demo does with the database. Later steps go here, in order.</summary>
    private static Task RunAsync(NpgsqlDataSource dataSource, TimescaleServerInfo info, CancellationToken ct)
    {
        // Next: install the trading schema, load sample market data, run the typed queries.
        return Task.CompletedTask;
    }
}
