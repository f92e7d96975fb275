using Trading.Timescale.Schema.Internal;

namespace Trading.Timescale.Tests.Schema;

public class SchemaChecksumTests
{
    [Fact]
    public void Line_endings_and_byte_order_mark_do_not_change_the_checksum()
    {
        var unix = SchemaChecksum.Compute("CREATE TABLE t (id int);\nSELECT 1;\n");

        Assert.Equal(unix, SchemaChecksum.Compute("CREATE TABLE t (id int);\r\nSELECT 1;\r\n"));
        Assert.Equal(unix, SchemaChecksum.Compute("CREATE TABLE t (id int);\rSELECT 1;\r"));
        Assert.Equal(unix, SchemaChecksum.Compute("\uFEFFCREATE TABLE t (id int);\nSELECT 1;\n"));
        Assert.NotEqual(unix, SchemaChecksum.Compute("CREATE TABLE t (id bigint);\nSELECT 1;\n"));
        Assert.Matches("^[0-9a-f]{64}$", unix);
    }

    [Fact]
    public void Checksum_is_the_sha256_of_the_normalised_text()
    {
        // sha256("SELECT 1;\n")
        var expected = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("SELECT 1;\n"u8)).ToLowerInvariant();
        Assert.Equal(expected, SchemaChecksum.Compute("SELECT 1;\r\n"));
    }

    [Fact]
    public void Repeatable_checksum_changes_with_any_setting_value_but_not_with_their_order()
    {
        KeyValuePair<string, string>[] settings = [new("trading_timescale.retention_signals", "1 year"), new("trading_timescale.edition", "apache")];
        var baseline = SchemaChecksum.Compute("SELECT 1;", settings);

        Assert.Equal(baseline, SchemaChecksum.Compute("SELECT 1;", settings.Reverse()));
        Assert.NotEqual(baseline, SchemaChecksum.Compute("SELECT 1;", [new("trading_timescale.retention_signals", "2 years"), new("trading_timescale.edition", "apache")]));
        Assert.NotEqual(baseline, SchemaChecksum.Compute("SELECT 1;", [new("trading_timescale.retention_signals", "1 year"), new("trading_timescale.edition", "community")]));
        Assert.NotEqual(baseline, SchemaChecksum.Compute("SELECT 1;"));
    }

    [Theory]
    [InlineData("tampered", "'tampered'")]
    [InlineData("", "''")]
    [InlineData(null, "(none)")]
    [InlineData("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "0123456789AB")]
    [InlineData("zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "'zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'")]
    public void Checksum_in_a_message_is_shortened_only_when_it_is_a_hash(string? stored, string shown) =>
        Assert.Equal(shown, SchemaChecksum.Describe(stored));

    [Fact]
    public void Long_stored_checksum_is_cut_and_its_length_named()
    {
        var shown = SchemaChecksum.Describe(new string('x', 5_000));

        Assert.Equal($"'{new string('x', 64)}...' (5000 characters)", shown);
    }
}
