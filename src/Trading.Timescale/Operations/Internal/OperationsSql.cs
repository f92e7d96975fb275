using System.Runtime.CompilerServices;
using Npgsql;
using NodaTime;

namespace Trading.Timescale.Operations.Internal;

/// <summary>Small helpers for the catalog queries of the Operations capability.</summary>
internal static class OperationsSql
{
    /// <summary>SQL that turns a timestamptz expression into microseconds since the epoch (NULL when not finite).</summary>
    public static string Micros(string expression) =>
        $"CASE WHEN isfinite({expression}) THEN (extract(epoch FROM {expression}) * 1000000)::bigint END";

    /// <summary>SQL that turns an interval expression into seconds.</summary>
    public static string Seconds(string expression) => $"extract(epoch FROM {expression})::float8";

    public static Instant? ReadInstant(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : NodaTime.Instant.FromUnixTimeTicks(reader.GetInt64(ordinal) * 10);

    public static Duration? ReadDuration(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : NodaTime.Duration.FromSeconds(reader.GetDouble(ordinal));

    public static async IAsyncEnumerable<NpgsqlDataReader> QueryAsync(
        NpgsqlConnection connection, string sql, IEnumerable<object?>? parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters ?? [])
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return reader;
        }
    }

    public static async Task<T?> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is null or DBNull ? default : (T)result;
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        foreach (var value in parameters)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Throws when the trading schema (or one of its functions) is missing, telling the caller to migrate.</summary>
    public static async Task RequireFunctionAsync(NpgsqlConnection connection, string signature, CancellationToken cancellationToken)
    {
        if (!await ScalarAsync<bool>(connection, "SELECT to_regprocedure($1) IS NOT NULL", cancellationToken, signature).ConfigureAwait(false))
        {
            throw new TradingOperationsException($"database {connection.Database} has no function {signature}: run `trading-timescale migrate` (or TradingSchemaInstaller.MigrateAsync) first.");
        }
    }
}
