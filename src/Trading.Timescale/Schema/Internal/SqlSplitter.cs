namespace Trading.Timescale.Schema.Internal;

/// <summary>
/// Splits a SQL script into statements at top-level semicolons, as psql does: it skips quoted strings
/// ('...', E'...' with backslash escapes), quoted identifiers, dollar-quoted bodies ($$...$$, $tag$...$tag$),
/// line comments and nested block comments, and keeps SQL-standard function bodies
/// (<c>BEGIN ATOMIC ... END</c>) whole. Parts holding only comments or blanks are dropped.
/// </summary>
internal static class SqlSplitter
{
    public static IReadOnlyList<SqlStatement> Split(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var statements = new List<SqlStatement>();
        var state = new StatementState();
        var line = 1;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var next = i + 1 < sql.Length ? sql[i + 1] : '\0';
            if (c == '\n')
            {
                line++;
                i++;
            }
            else if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && next == '-')
            {
                while (i < sql.Length && sql[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && next == '*')
            {
                i = SkipBlockComment(sql, i, ref line);
            }
            else if (c == ';')
            {
                state.MarkStart(i, line);
                if (state.BlockDepth > 0)
                {
                    i++;
                    continue;
                }

                statements.Add(new SqlStatement(sql[state.Start..(i + 1)], state.Line));
                state = new StatementState();
                i++;
            }
            else
            {
                state.MarkStart(i, line);
                if (c == '\'')
                {
                    var escapes = i > 0 && sql[i - 1] is 'E' or 'e' && (i < 2 || !IsIdentifierChar(sql[i - 2]));
                    i = SkipQuoted(sql, i, '\'', escapes, ref line);
                }
                else if (c == '"')
                {
                    i = SkipQuoted(sql, i, '"', false, ref line);
                }
                else if (c == '$' && TryReadDollarTag(sql, i, out var tag))
                {
                    i = SkipDollarQuoted(sql, i, tag, ref line);
                }
                else if (IsIdentifierStart(c))
                {
                    var start = i;
                    while (i < sql.Length && IsIdentifierChar(sql[i]))
                    {
                        i++;
                    }

                    state.Word(sql[start..i]);
                }
                else
                {
                    i++;
                }
            }
        }

        if (state.Start >= 0)
        {
            if (state.BlockDepth > 0)
            {
                throw new FormatException($"The statement starting on line {state.Line} has a BEGIN without its END.");
            }

            statements.Add(new SqlStatement(sql[state.Start..].TrimEnd(), state.Line));
        }

        return statements;
    }

    private static int SkipBlockComment(string sql, int i, ref int line)
    {
        var startLine = line;
        var depth = 0;
        while (i < sql.Length)
        {
            if (sql[i] == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                depth++;
                i += 2;
            }
            else if (sql[i] == '*' && i + 1 < sql.Length && sql[i + 1] == '/')
            {
                depth--;
                i += 2;
                if (depth == 0)
                {
                    return i;
                }
            }
            else
            {
                if (sql[i] == '\n')
                {
                    line++;
                }

                i++;
            }
        }

        throw new FormatException($"The block comment starting on line {startLine} is not closed with */.");
    }

    private static int SkipQuoted(string sql, int i, char quote, bool backslashEscapes, ref int line)
    {
        var startLine = line;
        i++;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '\n')
            {
                line++;
            }

            if (backslashEscapes && c == '\\' && i + 1 < sql.Length)
            {
                if (sql[i + 1] == '\n')
                {
                    line++;
                }

                i += 2;
                continue;
            }

            if (c == quote)
            {
                if (i + 1 < sql.Length && sql[i + 1] == quote)
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }

        var what = quote == '"' ? "quoted identifier" : "string";
        throw new FormatException($"The {what} starting on line {startLine} is not closed with {quote}.");
    }

    private static bool TryReadDollarTag(string sql, int i, out string tag)
    {
        tag = string.Empty;
        if (i > 0 && IsIdentifierChar(sql[i - 1]))
        {
            return false;
        }

        var j = i + 1;
        if (j < sql.Length && sql[j] == '$')
        {
            tag = "$$";
            return true;
        }

        if (j >= sql.Length || !IsIdentifierStart(sql[j]))
        {
            return false;
        }

        while (j < sql.Length && IsIdentifierChar(sql[j]) && sql[j] != '$')
        {
            j++;
        }

        if (j < sql.Length && sql[j] == '$')
        {
            tag = sql[i..(j + 1)];
            return true;
        }

        return false;
    }

    private static int SkipDollarQuoted(string sql, int i, string tag, ref int line)
    {
        var startLine = line;
        var bodyStart = i + tag.Length;
        var end = sql.IndexOf(tag, bodyStart, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new FormatException($"The dollar-quoted text starting on line {startLine} is not closed with {tag}.");
        }

        for (var k = bodyStart; k < end; k++)
        {
            if (sql[k] == '\n')
            {
                line++;
            }
        }

        return end + tag.Length;
    }

    private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';

    /// <summary>Tracks where a statement starts and, for CREATE FUNCTION/PROCEDURE, the BEGIN ... END depth.</summary>
    private sealed class StatementState
    {
        private readonly List<string> _leadingWords = [];
        private bool _isRoutine;

        public int Start { get; private set; } = -1;

        public int Line { get; private set; }

        public int BlockDepth { get; private set; }

        public void MarkStart(int index, int line)
        {
            if (Start < 0)
            {
                Start = index;
                Line = line;
            }
        }

        public void Word(string word)
        {
            if (!_isRoutine && _leadingWords.Count < 4)
            {
                _leadingWords.Add(word.ToUpperInvariant());
                _isRoutine = _leadingWords is ["CREATE", "FUNCTION" or "PROCEDURE"]
                    || _leadingWords is ["CREATE", "OR", "REPLACE", "FUNCTION" or "PROCEDURE"];
                return;
            }

            if (!_isRoutine)
            {
                return;
            }

            if (word.Equals("BEGIN", StringComparison.OrdinalIgnoreCase) ||
                (BlockDepth > 0 && word.Equals("CASE", StringComparison.OrdinalIgnoreCase)))
            {
                BlockDepth++;
            }
            else if (BlockDepth > 0 && word.Equals("END", StringComparison.OrdinalIgnoreCase))
            {
                BlockDepth--;
            }
        }
    }
}
