using System.Text;
using NodaTime;
using Npgsql;
using Trading.Timescale.Ingest;

namespace Trading.Timescale.Tests.Ingest;

/// <summary>Input that used to slip past validation or the CSV reader: each case is refused row by row, with its place named.</summary>
public sealed class HostileInputTests : IDisposable
{
    private static readonly Instant At = Instant.FromUtc(2026, 5, 4, 13, 30);
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create("Host=localhost;Database=unused");
    private readonly TradingIngest _ingest;

    public HostileInputTests() => _ingest = new TradingIngest(_dataSource, clock: new FixedClock(Instant.FromUtc(2026, 6, 1, 0, 0)));

    public void Dispose() => _dataSource.Dispose();

    private static StockPrice Bar => new() { Symbol = "AAPL", Timestamp = At, ClosePrice = 10m };

    private static SystemEvent Event => new() { EventType = "restart", Severity = EventSeverity.Info, Source = "feed", Message = "ok", Timestamp = At };

    private static async Task<List<T>> ReadAsync<T>(byte[] csv)
        where T : TradingRecord
    {
        var rows = new List<T>();
        await foreach (var row in TradingCsv.ReadAsync<T>(new MemoryStream(csv), TestContext.Current.CancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static Task<List<T>> ReadAsync<T>(string csv)
        where T : TradingRecord => ReadAsync<T>(Encoding.UTF8.GetBytes(csv));

    [Fact]
    public void Lone_surrogates_in_text_are_refused_and_pairs_pass()
    {
        var error = _ingest.Validate(Event with { Message = "price \ud800 up" });
        Assert.NotNull(error);
        Assert.Equal("message has a lone UTF-16 surrogate (U+D800) at character 7, which is not valid Unicode and PostgreSQL refuses", error.Reason);
        Assert.NotNull(_ingest.Validate(Event with { Message = "\udc00" }));
        Assert.NotNull(_ingest.Validate(Event with { Details = "{\"a\": \"\ud800\"}" }));
        Assert.Null(_ingest.Validate(Event with { Message = "rocket \ud83d\ude80" }));
    }

    [Fact]
    public void Json_escapes_that_jsonb_refuses_are_refused_and_escaped_backslashes_pass()
    {
        Assert.Equal("details is not valid JSON: it contains the escape \\u0000, which jsonb cannot store",
            _ingest.Validate(Event with { Details = "{\"a\": \"x\\u0000\"}" })!.Reason);
        Assert.Equal("details is not valid JSON: it contains a \\uD800-\\uDBFF escape without the low surrogate after it, which jsonb refuses",
            _ingest.Validate(Event with { Details = "{\"a\": \"\\ud800\"}" })!.Reason);
        Assert.Equal("details is not valid JSON: it contains the escape \\udc00, a low surrogate without its high surrogate, which jsonb refuses",
            _ingest.Validate(Event with { Details = "[\"\\udc00x\"]" })!.Reason);
        Assert.NotNull(_ingest.Validate(Event with { Details = "{\"\\u0000key\": 1}" }));

        Assert.Null(_ingest.Validate(Event with { Details = "{\"path\": \"C:\\\\u0000\"}" }));
        Assert.Null(_ingest.Validate(Event with { Details = "{\"a\": \"\\\\ud800\"}" }));
        Assert.Null(_ingest.Validate(Event with { Details = "{\"emoji\": \"\\ud83d\\ude80\", \"tab\": \"\\t\"}" }));
    }

    [Fact]
    public void Timestamps_postgres_cannot_store_or_that_were_never_set_are_refused()
    {
        Assert.Equal("timestamp is not set: 1970-01-01T00:00:00Z is the value of default(Instant)", _ingest.Validate(Bar with { Timestamp = default })!.Reason);
        Assert.Equal("timestamp is Instant.MinValue, which PostgreSQL would store as -infinity; give a real time",
            _ingest.Validate(Bar with { Timestamp = Instant.MinValue })!.Reason);
        Assert.StartsWith("timestamp is Instant.MaxValue", _ingest.Validate(Bar with { Timestamp = Instant.MaxValue })!.Reason, StringComparison.Ordinal);
        Assert.Equal("timestamp -5000-01-01T00:00:00Z is before 4713 BC, the earliest time PostgreSQL stores",
            _ingest.Validate(Bar with { Timestamp = Instant.FromUtc(-5000, 1, 1, 0, 0) })!.Reason);
        Assert.Equal("expires_at is not set: 1970-01-01T00:00:00Z is the value of default(Instant)",
            _ingest.Validate(new TradingSignal { Symbol = "AAPL", SignalType = SignalType.Buy, Confidence = 0.5m, Timestamp = At, ExpiresAt = default(Instant) })!.Reason);
        Assert.Null(_ingest.Validate(Bar with { Timestamp = Instant.FromUtc(1970, 1, 1, 0, 0, 1) }));
    }

    [Theory]
    [InlineData(" AAPL", "has leading or trailing white space")]
    [InlineData("AAPL\t", "has leading or trailing white space")]
    [InlineData("AA\u001bPL", "contains the control character U+001B")]
    [InlineData("AA\u0085PL", "contains the control character U+0085")]
    public void Symbols_with_outer_white_space_or_control_characters_are_refused(string symbol, string problem)
    {
        var error = _ingest.Validate(Bar with { Symbol = symbol });
        Assert.NotNull(error);
        Assert.Equal($"symbol '{symbol}' {problem}; symbols are compared exactly (case-sensitive), so clean them before ingesting", error.Reason);
        Assert.NotNull(_ingest.Validate(new OptionQuote
        {
            UnderlyingSymbol = "AAPL", OptionSymbol = symbol, Timestamp = At, ExpirationDate = new LocalDate(2026, 12, 18), StrikePrice = 150m, OptionType = OptionType.Call,
        }));
        Assert.Null(_ingest.Validate(Bar with { Symbol = "BRK.B" }));
        Assert.Null(_ingest.Validate(Event with { Message = " free text\tmay hold white space " }));
    }

    [Fact]
    public async Task A_header_with_a_trailing_comma_is_read_with_or_without_trailing_commas_on_the_rows()
    {
        var rows = await ReadAsync<StockPrice>("symbol,timestamp,close_price,\nAAPL,2026-05-04T13:30:00Z,10.5,\nMSFT,2026-05-04T13:30:00Z,20.25\n");

        Assert.Equal([("AAPL", 10.5m), ("MSFT", 20.25m)], rows.Select(r => (r.Symbol, r.ClosePrice!.Value)));
        var ex = await Assert.ThrowsAsync<FormatException>(() => ReadAsync<StockPrice>("symbol,,timestamp\n"));
        Assert.StartsWith("line 1: column 2 of the header has no name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_that_are_not_UTF8_make_their_row_invalid_naming_row_line_and_byte_offset()
    {
        var csv = Encoding.UTF8.GetBytes("symbol,timestamp\nAAPL,2026-05-04T13:30:00Z\nAB");
        csv = [.. csv, 0xFF, .. Encoding.UTF8.GetBytes(",2026-05-04T13:31:00Z\n")];

        var ex = await Assert.ThrowsAsync<FormatException>(() => ReadAsync<StockPrice>(csv));

        Assert.Equal("row 2 (line 3): byte 0xFF at byte offset 45 of the input is not UTF-8; save the file as UTF-8", ex.Message);
    }

    [Fact]
    public async Task An_unclosed_quote_fails_at_the_record_limit_naming_the_row_instead_of_buffering_the_input()
    {
        var csv = new MemoryStream();
        csv.Write("symbol,timestamp\nAAPL,2026-05-04T13:30:00Z\n\"MSFT,2026-05-04T13:30:00Z\n"u8);
        var line = Encoding.UTF8.GetBytes("NVDA,2026-05-04T13:30:00Z\n");
        while (csv.Length < 3L * TradingCsv.MaxRecordBytes)
        {
            csv.Write(line);
        }

        csv.Position = 0;
        var ex = await Assert.ThrowsAsync<FormatException>(async () =>
        {
            await foreach (var _ in TradingCsv.ReadAsync<StockPrice>(new StreamReader(csv), TestContext.Current.CancellationToken))
            {
            }
        });

        Assert.StartsWith("row 2 (line 3): the record is longer than 1,048,576 bytes, the most a record may hold; a quoted field may not be closed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_field_over_the_limit_fails_the_import_naming_the_row()
    {
        var ex = await Assert.ThrowsAsync<FormatException>(() => ReadAsync<SystemEvent>("event_type,severity,source,message,timestamp\nx,INFO,feed,short,2026-05-04T13:30:00Z\nx,INFO,feed," + new string('x', TradingCsv.MaxRecordBytes + 10) + ",2026-05-04T13:31:00Z\n"));

        Assert.StartsWith("row 2 (line 3): the record is longer than 1,048,576 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_rejects_file_neutralises_formulas_and_strips_control_characters_from_messages()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rejects-{Guid.NewGuid():N}.csv");
        try
        {
            await using (var writer = await IngestRejectsWriter.CreateAsync(IngestTable.SystemEvents, path, TestContext.Current.CancellationToken))
            {
                await writer.WriteAsync(new IngestRowError
                {
                    RowNumber = 3,
                    LineNumber = 4,
                    Column = "message",
                    Value = "=HYPERLINK(\"http://x\")",
                    Reason = "message \u001b[31mred\u001b[0m\u0007 is bad",
                    Record = Event with { Source = "@SUM(A1)", Message = "-2+3", EventType = "+cmd" },
                }, TestContext.Current.CancellationToken);
                await writer.WriteAsync(new IngestRowError { RowNumber = 5, Column = "(record)", Reason = "r", Values = ["-5", null, null, null, null, null] }, TestContext.Current.CancellationToken);
            }

            var lines = await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal("row_number,line_number,error_column,error_value,error_reason,event_type,severity,source,message,details,timestamp", lines[0]);
            Assert.Equal("3,4,message,\"'=HYPERLINK(\"\"http://x\"\")\",message [31mred[0m is bad,'+cmd,INFO,'@SUM(A1),'-2+3,,2026-05-04T13:30:00Z", lines[1]);
            Assert.Equal("5,,(record),,r,-5,,,,,", lines[2]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_rejects_path_that_cannot_be_written_fails_before_anything_is_imported()
    {
        await Assert.ThrowsAnyAsync<IOException>(() => IngestRejectsWriter.CreateAsync(IngestTable.StockPrices, "/nonexistent-dir/rejects.csv", TestContext.Current.CancellationToken));
    }

    private sealed class FixedClock(Instant now) : IClock
    {
        public Instant GetCurrentInstant() => now;
    }
}
