using System.Text;

namespace Trading.Timescale.Operations.Internal;

/// <summary>Directories (0700) and files (0600) that only this OS user can read, for dumps, manifests and staged copies.</summary>
internal static class PrivateFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the directory and each missing parent 0700; an existing directory keeps the mode its owner gave it.</summary>
    public static string CreateDirectory(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(full);
            return full;
        }

        var missing = new Stack<string>();
        for (var current = full; !string.IsNullOrEmpty(current) && !Directory.Exists(current); current = System.IO.Path.GetDirectoryName(current))
        {
            missing.Push(current);
        }

        while (missing.TryPop(out var directory))
        {
            Directory.CreateDirectory(directory, DirectoryMode);
        }

        return full;
    }

    /// <summary>Creates a new, empty file 0600 (fails when it exists), or truncates one this process created before.</summary>
    public static FileStream Create(string path, bool overwrite = false)
    {
        var options = new FileStreamOptions
        {
            Mode = overwrite ? System.IO.FileMode.Create : System.IO.FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
            BufferSize = 1 << 16,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        var stream = new FileStream(path, options);
        Restrict(path);
        return stream;
    }

    /// <summary>Writes a text file 0600.</summary>
    public static async Task WriteAllTextAsync(string path, string text, CancellationToken cancellationToken)
    {
        var stream = Create(path, overwrite: true);
        await using (stream.ConfigureAwait(false))
        {
            var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sets an existing file to 0600 (a file a child process may have created under its umask).</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, FileMode);
        }
    }
}
