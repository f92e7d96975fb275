using NodaTime;

namespace Trading.Timescale.Queries.Internal;

/// <summary>SQL fragments shared by the queries.</summary>
internal static class Sql
{
    /// <summary><c>column = $n</c> for one value, <c>column = ANY($n)</c> for several.</summary>
    public static string In(SqlParameters parameters, string column, IReadOnlyList<string> values) =>
        values.Count == 1 ? $"{column} = {parameters.Text(values[0])}" : $"{column} = ANY({parameters.TextArray(values)})";

    public static string Direction(SortDirection order) => order == SortDirection.Descending ? "DESC" : "ASC";

    public static string[] Symbols(IEnumerable<string> symbols, string argument)
    {
        ArgumentNullException.ThrowIfNull(symbols, argument);
        var list = symbols.ToArray();
        foreach (var symbol in list)
        {
            if (string.IsNullOrWhiteSpace(symbol))
            {
                throw new ArgumentException($"{argument} holds an empty symbol: pass tickers such as AAPL.", argument);
            }
        }

        return list;
    }

    public static void CheckRange(Instant? from, Instant? to, string argument)
    {
        if (from is { } f && to is { } t && t < f)
        {
            throw new ArgumentException($"The range ends ({t}) before it starts ({f}).", argument);
        }
    }

    /// <summary><c>WHERE a AND b</c> of the conditions given (nulls skipped), or nothing.</summary>
    public static string Where(params string?[] conditions)
    {
        var present = conditions.Where(c => c is not null).ToArray();
        return present.Length == 0 ? string.Empty : "\nWHERE " + string.Join("\n  AND ", present);
    }
}
