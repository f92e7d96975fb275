namespace Trading.Timescale.Queries;

/// <summary>One parameter of a query, as sent to the server.</summary>
/// <param name="Name">Its placeholder in the SQL, such as <c>$1</c>.</param>
/// <param name="DataTypeName">The PostgreSQL type it is sent as, such as <c>timestamp with time zone</c> or <c>text[]</c>.</param>
/// <param name="Value">The value (a NodaTime <c>Instant</c>, a string, an array...); <see langword="null"/> for SQL NULL.</param>
public sealed record QueryParameter(string Name, string DataTypeName, object? Value);
