using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.IntegrationTests.Queries;
using Trading.Timescale.Schema;

namespace Trading.Timescale.IntegrationTests.Export;

/// <summary>A database with the schema, a scratch directory, and DuckDB as the independent reader of what was written.</summary>
public abstract class ExportTest(TimescaleServerFixture server) : QueryTest(server)
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "trading-export-tests-" + Guid.NewGuid().ToString("N"));

    protected string NewOutput(string name) => Path.Combine(_root, name);

    public override async ValueTask DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        await base.DisposeAsync();
    }

    /// <summary>
    /// On the community edition, refreshes the bar aggregates (each after the one it reads) so that bars over rows written
    /// below a watermark that a refresh policy may have moved read those rows; the apache edition's views compute on read.
    /// </summary>
    protected async Task RefreshBarsAsync()
    {
        if (Edition != TimescaleEdition.Community)
        {
            return;
        }

        foreach (var aggregate in new[] { "trading.stock_prices_1m", "trading.stock_prices_5m", "trading.stock_prices_1h", "trading.stock_prices_1d" })
        {
            await RefreshAggregateAsync(aggregate);
        }
    }

    /// <summary>Runs a query in an in-memory DuckDB and returns the rows (NULL as null).</summary>
    protected static List<object?[]> Duck(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var values = new object?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(values);
        }

        return rows;
    }

    /// <summary>Reads the manifest and checks that it lists exactly the data files present, with their rows (by DuckDB) and SHA-256.</summary>
    protected static JsonObject CheckManifest(string output)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "_manifest.json")))!.AsObject();
        var listed = manifest["files"]!.AsArray().Select(f => f!.AsObject()).ToList();
        var present = Directory.EnumerateFiles(output, "part-*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(output, p).Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(present, listed.Select(f => (string)f["path"]!).Order(StringComparer.Ordinal).ToList());
        long total = 0;
        foreach (var file in listed)
        {
            var path = Path.Combine(output, (string)file["path"]!);
            Assert.Equal(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant(), (string)file["sha256"]!);
            Assert.Equal(new FileInfo(path).Length, (long)file["bytes"]!);
            if (path.EndsWith(".parquet", StringComparison.Ordinal))
            {
                Assert.Equal((long)file["rows"]!, Convert.ToInt64(Duck($"SELECT count(*) FROM read_parquet('{path}')")[0][0]));
            }

            total += (long)file["rows"]!;
        }

        Assert.Equal(total, (long)manifest["rows"]!);
        return manifest;
    }
}
