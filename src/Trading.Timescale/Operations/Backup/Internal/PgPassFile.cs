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

    /// <summary>Writes <c>*:*:*:*:password</c>, or returns <see langword="null"/> when there is no password.</summary>
    public static PgPassFile? Create(string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return null;
        }

        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "trading-timescale-pgpass-" + Guid.NewGuid().ToString("N"));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var path = System.IO.Path.Combine(directory, "pgpass");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            writer.Write("*:*:*:*:");
            writer.Write(password.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal));
            writer.Write('\n');
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
