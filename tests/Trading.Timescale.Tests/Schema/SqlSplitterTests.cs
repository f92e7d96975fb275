using Trading.Timescale.Schema.Internal;

namespace Trading.Timescale.Tests.Schema;

public class SqlSplitterTests
{
    private static List<string> Texts(string sql) => [.. SqlSplitter.Split(sql).Select(s => s.Text)];

    [Fact]
    public void Splits_at_top_level_semicolons_and_keeps_the_semicolon()
    {
        Assert.Equal(["SELECT 1;", "SELECT 2;", "SELECT 3"], Texts("SELECT 1;\nSELECT 2;  SELECT 3\n"));
    }

    [Fact]
    public void Semicolons_in_strings_identifiers_and_comments_do_not_split()
    {
        const string sql = """"
            INSERT INTO t VALUES ('a;b', 'it''s; fine');
            SELECT "odd;name", "with ""quote;""" FROM t; -- trailing; comment
            /* block; comment */ SELECT 3;
            """";
        Assert.Equal(
            ["INSERT INTO t VALUES ('a;b', 'it''s; fine');", "SELECT \"odd;name\", \"with \"\"quote;\"\"\" FROM t;", "SELECT 3;"],
            Texts(sql));
    }

    [Fact]
    public void Nested_block_comments_are_skipped_whole()
    {
        Assert.Equal(["SELECT 1;", "SELECT 2;"], Texts("SELECT 1; /* outer /* inner; */ still comment; */ SELECT 2;"));
    }

    [Fact]
    public void Dollar_quoted_bodies_with_and_without_tags_are_kept_whole()
    {
        const string sql = """
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;
            DO $body$ BEGIN PERFORM 'x;'; RAISE NOTICE '$$ inside; %', 1; END $body$;
            SELECT $a$ $b$ ; $b$ $a$;
            """;
        var statements = Texts(sql);
        Assert.Equal(3, statements.Count);
        Assert.EndsWith("END $$;", statements[0], StringComparison.Ordinal);
        Assert.EndsWith("END $body$;", statements[1], StringComparison.Ordinal);
        Assert.Equal("SELECT $a$ $b$ ; $b$ $a$;", statements[2]);
    }

    [Fact]
    public void Positional_parameters_and_identifiers_with_dollars_are_not_dollar_quotes()
    {
        Assert.Equal(["PREPARE p AS SELECT $1;", "SELECT a$b$c FROM t;", "SELECT 2;"], Texts("PREPARE p AS SELECT $1; SELECT a$b$c FROM t; SELECT 2;"));
    }

    [Fact]
    public void Escape_strings_honour_backslash_escapes_while_standard_strings_do_not()
    {
        Assert.Equal([@"SELECT E'a\';b';", "SELECT 2;"], Texts(@"SELECT E'a\';b'; SELECT 2;"));
        Assert.Equal([@"SELECT 'a\';", "SELECT 2;"], Texts(@"SELECT 'a\'; SELECT 2;"));
        Assert.Throws<FormatException>(() => SqlSplitter.Split(@"SELECT E'a\'; SELECT 2;"));
        Assert.Equal([@"SELECT e'x\\';", "SELECT 1;"], Texts(@"SELECT e'x\\'; SELECT 1;"));
    }

    [Fact]
    public void Identifier_ending_in_e_before_a_string_is_not_an_escape_string()
    {
        // "type'...'" style: the E belongs to the word "some", so the backslash is a plain character.
        Assert.Equal([@"SELECT some'a\';", "SELECT 2;"], Texts(@"SELECT some'a\'; SELECT 2;"));
    }

    [Fact]
    public void Sql_standard_function_bodies_with_begin_atomic_stay_whole()
    {
        const string sql = """
            CREATE OR REPLACE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql
            BEGIN ATOMIC
                SELECT CASE WHEN a IS NULL THEN 0 ELSE a END + b;
            END;
            CREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); END;
            BEGIN;
            SELECT 1;
            COMMIT;
            """;
        var statements = Texts(sql);
        Assert.Equal(5, statements.Count);
        Assert.EndsWith("END;", statements[0], StringComparison.Ordinal);
        Assert.StartsWith("CREATE PROCEDURE p()", statements[1], StringComparison.Ordinal);
        Assert.Equal(["BEGIN;", "SELECT 1;", "COMMIT;"], statements[2..]);
    }

    [Fact]
    public void Comment_only_parts_are_dropped_and_lines_are_counted()
    {
        const string sql = "-- header\n\n/* a\n block */\nSELECT 1;\n-- between\n\nSELECT\n  'x\ny';\n  SELECT 3; -- tail\n-- end\n";
        var statements = SqlSplitter.Split(sql);
        Assert.Equal([5, 8, 11], statements.Select(s => s.Line));
        Assert.Equal("SELECT\n  'x\ny';", statements[1].Text);
        Assert.Empty(SqlSplitter.Split("-- only a comment\n/* and a block */\n"));
    }

    [Fact]
    public void Comment_markers_inside_strings_are_text()
    {
        Assert.Equal(["SELECT '--not a comment', '/* nor this';", "SELECT 2;"], Texts("SELECT '--not a comment', '/* nor this'; SELECT 2;"));
    }

    [Theory]
    [InlineData("SELECT 'open;", "string starting on line 1")]
    [InlineData("SELECT 1;\nSELECT \"open", "quoted identifier starting on line 2")]
    [InlineData("SELECT 1;\n\n/* open", "block comment starting on line 3")]
    [InlineData("DO $x$ BEGIN END $y$;", "dollar-quoted text starting on line 1")]
    [InlineData("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;", "BEGIN without its END")]
    public void Unterminated_text_is_reported_with_its_line(string sql, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => SqlSplitter.Split(sql));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
