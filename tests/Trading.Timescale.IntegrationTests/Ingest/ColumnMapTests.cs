using Trading.Timescale.IntegrationTests.Infrastructure;
using Trading.Timescale.Records.Internal;

namespace Trading.Timescale.IntegrationTests.Ingest;

/// <summary>The column maps and the installed tables agree on names, order, types, lengths, precision and nullability.</summary>
public sealed class ColumnMapTests(TimescaleServerFixture server) : IngestTest(server)
{
    public static TheoryData<string> Tables => new(TableMaps.All.Select(m => m.Table));

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task Every_written_column_matches_the_table(string table)
    {
        var map = TableMaps.Find(table)!;
        var expected = map.ColumnNames.Concat(TableMap.ServerColumns).Order(StringComparer.Ordinal).ToList();
        var actual = (await RowsAsync($"SELECT column_name FROM information_schema.columns WHERE table_schema = 'trading' AND table_name = '{table}'"))
            .Select(r => (string)r[0]!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);

        var ordered = (await RowsAsync($"SELECT column_name FROM information_schema.columns WHERE table_schema = 'trading' AND table_name = '{table}' AND column_name NOT IN ('id', 'created_at', 'updated_at') ORDER BY ordinal_position"))
            .Select(r => (string)r[0]!);
        Assert.Equal(map.ColumnNames, ordered);
        await AssertTypesAsync(table, map);
    }

    [Theory]
    [InlineData("latest_stock_prices", "stock_prices")]
    [InlineData("latest_option_quotes", "options_data")]
    public async Task A_latest_table_has_every_column_of_its_hypertable_but_id(string latest, string table)
    {
        const string Columns = """
            SELECT column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable, column_default
            FROM information_schema.columns WHERE table_schema = 'trading' AND table_name = '{0}' AND column_name <> 'id' ORDER BY ordinal_position
            """;
        var hypertable = await RowsAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Columns, table));
        var snapshot = await RowsAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Columns, latest));
        Assert.Equal(hypertable.Select(r => r[..5]), snapshot.Select(r => r[..5]));
        await AssertTypesAsync(latest, TableMaps.Find(table)!);
        Assert.Equal(
            [TableMaps.Find(table)!.ColumnNames[table == "stock_prices" ? 0 : 1]],
            (await RowsAsync($"""
                SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = 'trading.{latest}'::regclass AND i.indisprimary
                """)).Select(r => (string)r[0]!));
    }

    private async Task AssertTypesAsync(string table, TableMap map)
    {
        var columns = await RowsAsync($"""
            SELECT column_name, format_type(a.atttypid, a.atttypmod), a.attnotnull
            FROM information_schema.columns c JOIN pg_attribute a ON a.attrelid = ('trading.' || c.table_name)::regclass AND a.attname = c.column_name
            WHERE c.table_schema = 'trading' AND c.table_name = '{table}'
            """);
        var types = columns.ToDictionary(r => (string)r[0]!, r => ((string)r[1]!, (bool)r[2]!));
        foreach (var (name, sqlType, required) in ColumnTypes(map))
        {
            var (actualType, notNull) = types[name];
            Assert.Equal(Normalize(sqlType), Normalize(actualType));
            Assert.True(!required || notNull, $"{table}.{name} is nullable but the map requires it");
        }
    }

    private static IEnumerable<(string Name, string SqlType, bool Required)> ColumnTypes(TableMap map) => map switch
    {
        TableMap<Trading.Timescale.StockPrice> m => m.Columns.Select(c => (c.Name, c.SqlType, c.Required)),
        TableMap<Trading.Timescale.OptionQuote> m => m.Columns.Select(c => (c.Name, c.SqlType, c.Required)),
        TableMap<Trading.Timescale.TradingSignal> m => m.Columns.Select(c => (c.Name, c.SqlType, c.Required)),
        TableMap<Trading.Timescale.PerformanceMetric> m => m.Columns.Select(c => (c.Name, c.SqlType, c.Required)),
        TableMap<Trading.Timescale.DataQualityCheck> m => m.Columns.Select(c => (c.Name, c.SqlType, c.Required)),
        TableMap<Trading.Timescale.SystemEvent> m => m.Columns.Select(c => (c.Name, c.SqlType, c.Required)),
        _ => throw new InvalidOperationException(map.Table),
    };

    private static string Normalize(string type) => type
        .Replace("character varying", "varchar", StringComparison.Ordinal)
        .Replace("timestamp with time zone", "timestamptz", StringComparison.Ordinal);
}
