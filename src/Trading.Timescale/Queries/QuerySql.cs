using System.Collections;
using System.Globalization;
using System.Text;
using NodaTime;
using NodaTime.Text;

namespace Trading.Timescale.Queries;

/// <summary>The exact statement a query runs: its SQL text and its parameters, in order.</summary>
public sealed class QuerySql
{
    internal QuerySql(string sql, IReadOnlyList<QueryParameter> parameters)
    {
        Sql = sql;
        Parameters = parameters;
    }

    /// <summary>The SQL text, with positional placeholders <c>$1</c>, <c>$2</c>...</summary>
    public string Sql { get; }

    /// <summary>The parameters, <c>$1</c> first.</summary>
    public IReadOnlyList<QueryParameter> Parameters { get; }

    /// <summary>The SQL, then one line per parameter: <c>-- $1 text = 'AAPL'</c>.</summary>
    /// <returns>The text, stable across runs and machines (invariant culture, ISO 8601 instants).</returns>
    public override string ToString()
    {
        var text = new StringBuilder(Sql);
        foreach (var parameter in Parameters)
        {
            text.Append('\n').Append("-- ").Append(parameter.Name).Append(' ').Append(parameter.DataTypeName)
                .Append(" = ").Append(Format(parameter.Value));
        }

        return text.ToString();
    }

    private static string Format(object? value) => value switch
    {
        null => "NULL",
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        Instant i => "'" + InstantPattern.ExtendedIso.Format(i) + "'",
        LocalDate d => "'" + LocalDatePattern.Iso.Format(d) + "'",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => "{" + string.Join(", ", e.Cast<object?>().Select(Format)) + "}",
        _ => value.ToString() ?? "NULL",
    };
}
