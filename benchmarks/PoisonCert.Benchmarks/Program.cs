using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace PoisonCert.Benchmarks;

/// <summary>
/// BenchmarkDotNet entry: <c>dotnet run -c Release --project benchmarks/PoisonCert.Benchmarks -- --filter '*'</c>;
/// with the first argument <c>workloads</c>, the end-to-end benchmark (<see cref="Workloads.WorkloadBenchmark"/>).
/// Exits non-zero when any benchmark failed (BenchmarkDotNet itself exits 0 then), and prints the matrix
/// products' throughput in GFLOP/s.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "workloads") return Workloads.WorkloadBenchmark.Run(args[1..]);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args).ToList();
        foreach (var summary in summaries) PrintThroughput(summary);
        var failed = summaries.SelectMany(s => s.Reports).Where(r => !r.Success).ToList();
        foreach (var report in failed) Console.Error.WriteLine($"benchmark failed: {report.BenchmarkCase.DisplayInfo}");
        return failed.Count == 0 && summaries.All(s => !s.HasCriticalValidationErrors) ? 0 : 1;
    }

    private static void PrintThroughput(Summary summary)
    {
        foreach (var report in summary.Reports)
        {
            if (report.ResultStatistics is null) continue;
            if (report.BenchmarkCase.Descriptor.Type != typeof(Kernels.MatrixProductBenchmarks)) continue;
            var seconds = report.ResultStatistics.Mean / 1e9;
            var n = Kernels.MatrixProductBenchmarks.Size;
            var flops = 2.0 * n * n * n;
            Console.WriteLine($"{report.BenchmarkCase.Descriptor.WorkloadMethod.Name}: {seconds * 1e3:F2} ms, {flops / seconds / 1e9:F1} GFLOP/s (point-product equivalent)");
        }
    }
}
