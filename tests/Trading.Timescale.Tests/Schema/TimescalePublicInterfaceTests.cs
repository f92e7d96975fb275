using System.Text;
using Trading.Timescale.Operations.Internal;
using Trading.Timescale.Tests.Infrastructure;

namespace Trading.Timescale.Tests.Schema;

/// <summary>TimescaleDB is read through its public interface only, so that its next release cannot break the library.</summary>
public class TimescalePublicInterfaceTests
{
    [Fact]
    public void No_file_of_src_or_schema_names_the_private_catalog()
    {
        var marker = Encoding.ASCII.GetBytes("_timescaledb_" + "catalog");
        var offenders = new List<string>();
        var scanned = 0;
        foreach (var top in new[] { "src", "schema" })
        {
            foreach (var file in SourceFiles(Path.Combine(Repository.Root, top)))
            {
                scanned++;
                if (File.ReadAllBytes(file).AsSpan().IndexOf(marker) >= 0)
                {
                    offenders.Add(Path.GetRelativePath(Repository.Root, file));
                }
            }
        }

        Assert.True(scanned > 100, $"only {scanned} files under src/ and schema/");
        Assert.True(offenders.Count == 0, "these files name TimescaleDB's private catalog; read timescaledb_information views and documented functions instead: " + string.Join(", ", offenders));
    }

    [Fact]
    public void A_schema_restore_keeps_the_extension_configuration_and_the_journal_and_drops_every_other_row()
    {
        var items = RestoreList.Items("""
            ;
            ; Archive created at 2026-12-02 00:48:12 UTC
            3907; 0 16410 TABLE DATA _timescaledb_catalog hypertable postgres
            3911; 0 16440 TABLE DATA _timescaledb_catalog chunk postgres
            4389; 0 17096 TABLE DATA trading stock_prices postgres
            4390; 0 17481 TABLE DATA _timescaledb_internal _hyper_1_1_chunk postgres
            4391; 0 18710 TABLE DATA _timescaledb_internal compress_hyper_14_5_chunk postgres
            4392; 0 17120 TABLE DATA trading schema_migrations postgres
            278; 1259 17096 TABLE trading stock_prices postgres
            """);

        var kept = RestoreList.SchemaOnly(items, new HashSet<(string, string)> { ("_timescaledb_catalog", "hypertable"), ("_timescaledb_catalog", "chunk") });

        Assert.Equal(
            [
                "3907; 0 16410 TABLE DATA _timescaledb_catalog hypertable postgres",
                "3911; 0 16440 TABLE DATA _timescaledb_catalog chunk postgres",
                "4392; 0 17120 TABLE DATA trading schema_migrations postgres",
                "278; 1259 17096 TABLE trading stock_prices postgres",
            ],
            kept);
    }

    private static IEnumerable<string> SourceFiles(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            yield return file;
        }

        foreach (var child in Directory.EnumerateDirectories(directory))
        {
            var name = Path.GetFileName(child);
            if (name is "bin" or "obj" or "node_modules")
            {
                continue;
            }

            foreach (var file in SourceFiles(child))
            {
                yield return file;
            }
        }
    }
}
