using System.Text;

namespace Trading.Timescale.Operations.Internal;

/// <summary>A password file (libpq's PGPASSFILE format) readable by this OS user only, deleted on dispose.</summary>
internal sealed class PgPassFile : IDisposable
{
    private readonly string _directory;

    private PgPassFile(string directory, string path)
    {
        _directory = directory;
        Path = path;
    }

    public string Path { get; }

    /// <summary>
    /// Writes the connection's lines (<c>host:port:database:user:password</c>, exact names, no wildcards) into a new 0700
    /// directory, or returns <see langword="null"/> when the connection has no password.
    /// </summary>
    public static PgPassFile? Create(PgConnection? connection)
    {
        var lines = connection?.PassFileLines().ToList() ?? [];
        if (lines.Count == 0)
        {
            return null;
        }

        var directory = PrivateFiles.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "trading-timescale-pgpass-" + Guid.NewGuid().ToString("N")));
        var path = System.IO.Path.Combine(directory, "pgpass");
        using (var writer = new StreamWriter(PrivateFiles.Create(path), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
        {
            foreach (var line in lines)
            {
                writer.Write(line);
                writer.Write('\n');
            }
        }

        return new PgPassFile(directory, path);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort; the file is 0600 in a 0700 directory of this user.
        }
    }
}
