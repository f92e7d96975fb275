using Npgsql;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Operations;

namespace Trading.Timescale.IntegrationTests.Operations;

/// <summary>Backups taken while other sessions compress, decompress and drop chunks hold every row.</summary>
public sealed class BackupConcurrencyTests(TimescaleServerFixture server) : BackupTest(server)
{
    private const int BackupCount = 4;

    [Fact]
    public async Task Community_full_backups_taken_while_chunks_are_compressed_and_decompressed_restore_every_row()
    {
        RequireCommunityEdition("Compressing chunks while a backup runs");
        await LoadEveryTableAsync();
        var source = await FingerprintAsync(Database.ConnectionString);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var churn = Task.Run(() => ChurnChunksAsync(stop.Token), Ct);
        var taken = new List<BackupFile>();
        int churnedBefore, churnedAfter;
        try
        {
            await WaitForChurnAsync(1);
            churnedBefore = _churned;
            for (var i = 0; i < BackupCount; i++)
            {
                taken.Add(await Backups.BackupAsync(new BackupRequest(BackupKind.Full, BackupDirectoryPath), cancellationToken: Ct));
            }

            churnedAfter = _churned;
        }
        finally
        {
            await stop.CancelAsync();
            await churn;
        }

        // The chunks changed state many times while the backups ran.
        Assert.True(churnedAfter - churnedBefore >= BackupCount, $"only {churnedAfter - churnedBefore} compress or decompress calls ran alongside {BackupCount} backups");
        Assert.Equal(source, await FingerprintAsync(Database.ConnectionString));
        for (var i = 0; i < taken.Count; i++)
        {
            var target = NewDatabaseName("churn" + i);
            await Backups.RestoreAsync(new RestoreRequest(RestoreKind.Full, taken[i].DumpPath) { TargetDatabase = target, CreateDatabase = true }, cancellationToken: Ct);
            var restored = await FingerprintAsync(ConnectionStringFor(target));
            Assert.Equal(source.ToDictionary(t => t.Key, t => t.Value.Rows), restored.ToDictionary(t => t.Key, t => t.Value.Rows));
            Assert.Equal(source, restored);
            Assert.Equal(source.ToDictionary(t => t.Key, t => t.Value.Rows), taken[i].Manifest.Tables.ToDictionary(t => t.Name, t => t.Rows));
        }
    }

    private int _churned;

    private async Task WaitForChurnAsync(int calls)
    {
        for (var waited = 0; Volatile.Read(ref _churned) < calls; waited++)
        {
            Assert.True(waited < 600, "the chunk churn never got going");
            await Task.Delay(50, Ct);
        }
    }

    // Another session compresses and decompresses every chunk of the trading hypertables in turn, and runs the
    // compression policies, one statement (one transaction) at a time, until stopped.
    private async Task ChurnChunksAsync(CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync(Ct);
        var chunks = new List<string>();
        await using (var list = new NpgsqlCommand(
            """
            SELECT format('%I.%I', c.chunk_schema, c.chunk_name) FROM timescaledb_information.chunks c
            JOIN timescaledb_information.hypertables h USING (hypertable_schema, hypertable_name)
            WHERE c.hypertable_schema = 'trading' AND h.compression_enabled ORDER BY c.hypertable_name, c.range_start
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                chunks.Add(reader.GetString(0));
            }
        }

        var jobs = new List<int>();
        await using (var list = new NpgsqlCommand(
            "SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_compression' AND hypertable_schema = 'trading' ORDER BY job_id", connection))
        await using (var reader = await list.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                jobs.Add(reader.GetInt32(0));
            }
        }

        Assert.NotEmpty(chunks);
        Assert.NotEmpty(jobs);
        for (var round = 0; !stop.IsCancellationRequested; round++)
        {
            var statements = round % 3 == 2
                ? jobs.Select(j => $"CALL run_job({j})")
                : chunks.Select(c => round % 3 == 0 ? $"SELECT compress_chunk('{c}', if_not_compressed => true)" : $"SELECT decompress_chunk('{c}', if_compressed => true)");
            foreach (var sql in statements)
            {
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                try
                {
                    await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 120 };
                    await command.ExecuteNonQueryAsync(Ct);
                    Interlocked.Increment(ref _churned);
                }
                catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.SerializationFailure)
                {
                    // The backup's locks won this round; the chunk is tried again in the next one.
                }
            }
        }
    }
}
