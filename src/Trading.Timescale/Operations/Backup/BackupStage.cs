namespace Trading.Timescale.Operations;

/// <summary>The step a long backup operation is in, for progress reports.</summary>
public enum BackupStage
{
    /// <summary>pg_dump, or the COPY of a portable backup, is writing the file; the progress counts bytes written.</summary>
    Dumping,

    /// <summary>The written file is being checked with <c>pg_restore --list</c> and its SHA-256 computed.</summary>
    Verifying,

    /// <summary>pg_restore is restoring (the progress counts archive items), or a portable restore is copying (it counts tables).</summary>
    Restoring,

    /// <summary>The file is being uploaded; the progress counts bytes sent.</summary>
    Uploading,

    /// <summary>The file is being downloaded; the progress counts bytes received.</summary>
    Downloading,
}
