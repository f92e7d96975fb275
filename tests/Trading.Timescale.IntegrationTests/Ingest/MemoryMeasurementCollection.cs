namespace Trading.Timescale.IntegrationTests.Ingest;

/// <summary>
/// Tests that measure the process's heap run alone: <see cref="GC.GetTotalMemory(bool)"/> counts every test running
/// at the same time, so a parallel test holding a large file in memory would fail them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "Process heap measurements";
}
