using BenchmarkDotNet.Running;
using Trading.Timescale.Benchmarks;

// `quick` prints one JSON object (what ./build.sh bench runs); `refresh` only its refresh and read parts, `export` only the export section, `soak` only its soak part, `screen` only its screen part (screen.ms), `live` only its live part (latency and trigger cost), `replicas` indicator reads over a primary and a standby; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "quick")
{
    return await QuickBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "refresh")
{
    return await QuickBenchmark.RunRefreshAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "export")
{
    return await ExportBenchmarks.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "screen")
{
    return await ScreenBenchmarks.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "live")
{
    return await QuickBenchmark.RunLiveAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "soak")
{
    return await QuickBenchmark.RunSoakAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "import-profile")
{
    return await ImportProfile.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "replicas")
{
    return await ScaleOutBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "client")
{
    return ClientCost.Run();
}

BenchmarkSwitcher.FromAssembly(typeof(IngestBenchmarks).Assembly).Run(args);
return 0;
