using Trading.Timescale.Internal;
using Trading.Timescale.Schema;
using Trading.Timescale.Schema.Internal;

namespace Trading.Timescale.Tests.Schema;

public class MigrationCatalogTests
{
    private static readonly IReadOnlyList<KeyValuePair<string, string>> ApacheSettings = SchemaSettings.From(new TradingTimescaleOptions(), TimescaleEdition.Apache);
    private static readonly IReadOnlyList<KeyValuePair<string, string>> CommunitySettings = SchemaSettings.From(new TradingTimescaleOptions(), TimescaleEdition.Community);

    private static MigrationCatalog Catalog(params (string Path, string Text)[] files) => MigrationCatalog.Load(new InMemoryMigrationSource(files));

    [Fact]
    public void Embedded_resources_are_named_by_folder_and_file_and_load_in_order()
    {
        var names = typeof(TradingSchemaInstaller).Assembly.GetManifestResourceNames();
        Assert.Contains("Trading.Timescale.Schema.migrations/0001_schema.sql", names);

        var scripts = MigrationCatalog.Load(EmbeddedMigrationSource.Instance).ForEdition(TimescaleEdition.Apache, ApacheSettings);
        Assert.Equal(["0001_schema", "0002_tables", "0003_hypertables"], scripts.Take(3).Select(s => s.Id));
        Assert.Equal("migrations/0002_tables.sql", scripts[1].Path);
        Assert.Equal(scripts.Select(s => s.Id).Order(StringComparer.Ordinal), scripts.Where(s => s.Kind == SchemaMigrationKind.Versioned).Concat(scripts.Where(s => s.Kind == SchemaMigrationKind.Repeatable)).Select(s => s.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Edition_variant_wins_over_the_plain_file_and_an_id_without_a_file_for_the_edition_is_left_out()
    {
        var catalog = Catalog(
            ("migrations/0001_base.sql", "SELECT 1;"),
            ("migrations/0002_aggregates.community.sql", "SELECT 'community';"),
            ("migrations/0002_aggregates.apache.sql", "SELECT 'apache';"),
            ("migrations/0003_compression.community.sql", "SELECT 'compress';"),
            ("migrations/0004_views.sql", "SELECT 'plain';"),
            ("migrations/0004_views.apache.sql", "SELECT 'apache views';"),
            ("repeatable/10_policies.community.sql", "SELECT 'policies';"),
            ("repeatable/05_functions.sql", "SELECT 'functions';"));

        var apache = catalog.ForEdition(TimescaleEdition.Apache, ApacheSettings);
        var community = catalog.ForEdition(TimescaleEdition.Community, CommunitySettings);

        Assert.Equal(
            ["migrations/0001_base.sql", "migrations/0002_aggregates.apache.sql", "migrations/0004_views.apache.sql", "repeatable/05_functions.sql"],
            apache.Select(s => s.Path));
        Assert.Equal(
            ["migrations/0001_base.sql", "migrations/0002_aggregates.community.sql", "migrations/0003_compression.community.sql", "migrations/0004_views.sql", "repeatable/05_functions.sql", "repeatable/10_policies.community.sql"],
            community.Select(s => s.Path));
        Assert.Equal("0002_aggregates", apache[1].Id);
        Assert.Equal(SchemaMigrationKind.Repeatable, apache[3].Kind);
        Assert.Throws<ArgumentOutOfRangeException>(() => catalog.ForEdition(TimescaleEdition.None, ApacheSettings));
    }

    [Fact]
    public void Versioned_checksum_is_of_the_file_while_repeatable_checksum_includes_the_settings()
    {
        var catalog = Catalog(("migrations/0001_base.sql", "SELECT 1;\r\n"), ("repeatable/01_views.sql", "SELECT 2;"));
        var apache = catalog.ForEdition(TimescaleEdition.Apache, ApacheSettings);
        var community = catalog.ForEdition(TimescaleEdition.Community, CommunitySettings);

        Assert.Equal(SchemaChecksum.Compute("SELECT 1;\n"), apache[0].Checksum);
        Assert.Equal(apache[0].Checksum, community[0].Checksum);
        Assert.Equal(SchemaChecksum.Compute("SELECT 2;", ApacheSettings), apache[1].Checksum);
        Assert.NotEqual(apache[1].Checksum, community[1].Checksum);
    }

    [Fact]
    public void No_transaction_marker_on_the_first_line_is_recognised()
    {
        var scripts = Catalog(
            ("migrations/0001_a.sql", "-- trading:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);"),
            ("migrations/0002_b.sql", "SELECT 1;\n-- trading:no-transaction\n"))
            .ForEdition(TimescaleEdition.Apache, ApacheSettings);

        Assert.True(scripts[0].NoTransaction);
        Assert.False(scripts[1].NoTransaction);
    }

    [Theory]
    [InlineData("migrations/1_short.sql", "is not named migrations/NNNN_name")]
    [InlineData("migrations/0001_Upper.sql", "is not named migrations/NNNN_name")]
    [InlineData("migrations/0001_x.enterprise.sql", "is not named migrations/NNNN_name")]
    [InlineData("repeatable/0001_views.sql", "is not named repeatable/NN_name")]
    [InlineData("views/01_x.sql", "is in no known folder")]
    public void Badly_named_files_are_refused_naming_the_file(string path, string expected)
    {
        var ex = Assert.Throws<TradingSchemaException>(() => Catalog((path, "SELECT 1;")));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_migrations_with_one_number_or_a_file_that_cannot_be_split_are_refused()
    {
        var shared = Assert.Throws<TradingSchemaException>(() => Catalog(("migrations/0002_a.sql", "SELECT 1;"), ("migrations/0002_b.sql", "SELECT 2;")));
        Assert.Contains("share the number 0002", shared.Message, StringComparison.Ordinal);

        var broken = Assert.Throws<TradingSchemaException>(() => Catalog(("migrations/0001_a.sql", "SELECT 'open;")));
        Assert.Contains("migrations/0001_a.sql", broken.Message, StringComparison.Ordinal);

        var empty = Assert.Throws<TradingSchemaException>(() => Catalog(("migrations/0001_a.sql", "-- nothing\n")));
        Assert.Contains("holds no SQL statement", empty.Message, StringComparison.Ordinal);
    }
}
