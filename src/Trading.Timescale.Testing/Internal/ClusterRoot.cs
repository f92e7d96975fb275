using System.Globalization;

namespace Trading.Timescale.Testing.Internal;

/// <summary>
/// The directory local clusters live under. Another local user must not be able to plant files in it (an owner file,
/// a <c>postmaster.pid</c>), so it is a real directory, not a symbolic link, owned by the user that runs the servers
/// (this process's user, or the server OS user when this process is root) with mode 0700. A root that is not so is
/// refused; its checks use lstat and never follow a link.
/// </summary>
internal static class ClusterRoot
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The root used when none is configured: <c>trading-timescale-UID</c> in the temp directory.</summary>
    public static string DefaultPath()
    {
        var suffix = OperatingSystem.IsWindows()
            ? new string(Environment.UserName.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray())
            : CurrentUserId().ToString(CultureInfo.InvariantCulture);
        var name = "trading-timescale-" + suffix;
        var temp = Path.GetTempPath();
        if (!OperatingSystem.IsWindows() && Path.Combine(temp, name).Length > 60 && Directory.Exists("/tmp"))
        {
            temp = "/tmp";
        }

        return Path.Combine(temp, name);
    }

    /// <summary>Creates the root when it does not exist, then checks that it is private to <paramref name="command"/>'s user.</summary>
    /// <exception cref="InvalidOperationException">The root is a link, not a directory, or has another owner or mode; the message says what to do.</exception>
    public static string Prepare(string root, OsCommand command)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(root);
            return root;
        }

        var owner = command.RunAsUser is null ? CurrentUserId() : UserId(command.RunAsUser);
        if (Lstat(root) is null)
        {
            // If a link appears at this path meanwhile, CreateDirectory succeeds without creating; the check below refuses it.
            Directory.CreateDirectory(root, OwnerOnly);
            if (command.RunAsUser is not null && Lstat(root) is { Type: "directory", Owner: var created } && created != owner)
            {
                var chown = OsCommand.Direct.RunNow("chown", ["--no-dereference", command.RunAsUser + ":", root], null, TimeSpan.FromSeconds(10));
                if (!chown.Succeeded)
                {
                    throw new InvalidOperationException($"chown of the cluster root {root} to {command.RunAsUser} failed: {chown.Output}");
                }
            }
        }

        var actual = Lstat(root) ?? throw new InvalidOperationException($"the cluster root {root} could not be created or read.");
        var problem = actual.Type != "directory" ? $"is a {actual.Type}, not a directory"
            : actual.Owner != owner ? $"belongs to uid {actual.Owner.ToString(CultureInfo.InvariantCulture)}, not uid {owner.ToString(CultureInfo.InvariantCulture)}"
            : actual.Mode != "700" ? $"has mode 0{actual.Mode}, not 0700"
            : null;
        if (problem is not null)
        {
            var user = command.RunAsUser is null ? $"this user (uid {owner.ToString(CultureInfo.InvariantCulture)})" : $"{command.RunAsUser} (uid {owner.ToString(CultureInfo.InvariantCulture)})";
            throw new InvalidOperationException(
                $"the cluster root {root} {problem}. It must be a directory (not a symbolic link) owned by {user} with mode 0700, so that no other " +
                "user can plant files in it. Remove it, or set TimescaleTestServerOptions.ClusterRoot to a directory that does not exist yet.");
        }

        return root;
    }

    /// <summary>The effective user id of this process.</summary>
    public static uint CurrentUserId()
    {
        if (File.Exists("/proc/self/status"))
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            var fields = line?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields is { Length: >= 3 } && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var effective))
            {
                return effective;
            }
        }

        return ParseId(OsCommand.Direct.RunNow("id", ["-u"], null, TimeSpan.FromSeconds(10)), "this user");
    }

    private static uint UserId(string user) => ParseId(OsCommand.Direct.RunNow("id", ["-u", user], null, TimeSpan.FromSeconds(10)), user);

    private static uint ParseId(OsCommandResult result, string who) =>
        result.Succeeded && uint.TryParse(result.Output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new InvalidOperationException($"the user id of {who} could not be read (id: {result.Output}).");

    /// <summary>Type, owner and permission bits of <paramref name="path"/> itself (a link is not followed), or null when nothing is there.</summary>
    internal static (string Type, uint Owner, string Mode)? Lstat(string path)
    {
        var result = OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()
            ? OsCommand.Direct.RunNow("stat", ["-f", "%HT|%u|%Lp", path], null, TimeSpan.FromSeconds(10))
            : OsCommand.Direct.RunNow("stat", ["--format=%F|%u|%a", "--", path], null, TimeSpan.FromSeconds(10));
        if (!result.Succeeded)
        {
            return File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null
                ? throw new InvalidOperationException($"stat of the cluster root {path} failed: {result.Output}")
                : null;
        }

        var parts = result.Output.Trim().Split('|');
        if (parts.Length != 3 || !uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var owner))
        {
            throw new InvalidOperationException($"stat of the cluster root {path} printed '{result.Output}'.");
        }

        return (parts[0].ToLowerInvariant(), owner, parts[2]);
    }
}
