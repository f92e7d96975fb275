using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using NodaTime;
using Trading.Timescale.Export;
using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.IntegrationTests.Operations;

namespace Trading.Timescale.IntegrationTests.Export;

/// <summary>An export to s3:// through the S3 store, against s3rver on loopback.</summary>
[Collection(BackupEnvironmentCollection.Name)]
public sealed class ExportS3Tests(TimescaleServerFixture server, S3ServerFixture s3) : ExportTest(server), IClassFixture<S3ServerFixture>
{
    private static readonly string[] Variables = ["AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"];
    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        if (s3.UnavailableReason is null)
        {
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_S3", s3.Endpoint);
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", S3ServerFixture.AccessKey);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", S3ServerFixture.AccessKey);
            Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
        }
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        await base.DisposeAsync();
    }

    [Fact]
    public async Task Parquet_files_and_the_manifest_land_under_the_prefix_verified()
    {
        Assert.SkipWhen(s3.UnavailableReason is not null, s3.UnavailableReason ?? string.Empty);
        await ExecuteAsync("""
            INSERT INTO trading.stock_prices (symbol, "timestamp", open_price, high_price, low_price, close_price, volume)
            SELECT 'S3X', t, 10, 11, 9, 10.5, 100 FROM generate_series('2026-11-30 15:00Z'::timestamptz, '2026-12-01 15:59Z', INTERVAL '1 minute') AS t
            """);
        await RefreshBarsAsync();
        var prefix = "exports/" + Guid.NewGuid().ToString("N")[..8];
        var result = await Trading.Export().TableAsync(new TableExport
        {
            Table = ExportTable.Bars,
            From = Instant.FromUtc(2026, 11, 30, 0, 0),
            To = Instant.FromUtc(2026, 12, 2, 0, 0),
            Interval = TimescaleInterval.FromHours(1),
            Output = $"s3://{S3ServerFixture.Bucket}/{prefix}",
        }, cancellationToken: Ct);
        Assert.Equal($"s3://{S3ServerFixture.Bucket}/{prefix}/_manifest.json", result.ManifestPath);

        using var client = new AmazonS3Client(new BasicAWSCredentials(S3ServerFixture.AccessKey, S3ServerFixture.AccessKey),
            new AmazonS3Config { ServiceURL = s3.Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3ServerFixture.Bucket, Prefix = prefix + "/" }, Ct);
        Assert.Equal(
            [$"{prefix}/_manifest.json", $"{prefix}/date=2026-11-30/part-0.parquet", $"{prefix}/date=2026-12-01/part-0.parquet"],
            listed.S3Objects.Select(o => o.Key).Order(StringComparer.Ordinal).ToArray());

        var local = NewOutput("downloaded");
        foreach (var item in listed.S3Objects)
        {
            using var response = await client.GetObjectAsync(S3ServerFixture.Bucket, item.Key, Ct);
            var path = Path.Combine(local, item.Key[(prefix.Length + 1)..]);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await response.WriteResponseStreamToFileAsync(path, false, Ct);
        }

        var manifest = CheckManifest(local);
        Assert.Equal(result.Rows, (long)manifest["rows"]!);
        Assert.Equal(25L, result.Rows);
        Assert.Equal(
            Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(local, "date=2026-12-01", "part-0.parquet")))).ToLowerInvariant(),
            result.Files.Single(f => f.Path == "date=2026-12-01/part-0.parquet").Sha256);
        Assert.Equal(25L * 100 * 60, Convert.ToInt64(Duck($"SELECT sum(volume)::BIGINT FROM read_parquet('{local}/*/*.parquet')")[0][0]));
        Assert.IsType<JsonArray>(manifest["columns"]);
    }
}
