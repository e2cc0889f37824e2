using System.Diagnostics;
using System.Globalization;
using PoisonCert.Models;
using PoisonCert.Training;
using PoisonCert.Workloads;

namespace PoisonCert.Benchmarks.Workloads;

/// <summary>
/// The end-to-end benchmark: builds the bit-reproducible workloads W1, W1L, W1B, W2 and W2S, and runs plain and
/// certified training of each in the same process (so their ratio is measured in one run on the same machine
/// state), reporting the minimum and median wall time of the repeats, the certified/plain ratio of the minima,
/// the process's peak working set and the mean final parameter-bound width. Results are checked: the certified
/// run's nominal parameters must equal the plain run's bit for bit.
/// <code>dotnet run -c Release --project benchmarks/PoisonCert.Benchmarks -- workloads [--repeat N] [--threads N] [--only W1,W2S]</code>
/// </summary>
public static class WorkloadBenchmark
{
    public sealed record Definition(string Key, Func<BenchmarkWorkload> Build, LossKind Loss, int BatchSize, int Epochs, double LearningRate, ThreatModel Threat);

    public static IReadOnlyList<Definition> Definitions { get; } =
    [
        new("W1", BenchmarkWorkloads.Classification, LossKind.SoftmaxCrossEntropy, 500, 1, 0.1, ThreatModel.Features(10, 0.01)),
        new("W1L", BenchmarkWorkloads.Classification, LossKind.SoftmaxCrossEntropy, 500, 1, 0.1, ThreatModel.LabelFlips(10)),
        new("W1B", BenchmarkWorkloads.Classification, LossKind.SoftmaxCrossEntropy, 500, 1, 0.1,
            new ThreatModel { FeatureCount = 10, FeatureEpsilon = 0.01, LabelCount = 10, Labels = LabelPoisoning.AnyFlip }),
        new("W2", BenchmarkWorkloads.Regression, LossKind.MeanSquaredError, 1000, 2, 0.01, ThreatModel.Features(50, 0.05)),
        new("W2S", BenchmarkWorkloads.Regression, LossKind.MeanSquaredError, 1000, 1, 0.01, ThreatModel.Features(5, 0.005)),
    ];

    public static int Run(string[] args)
    {
        var repeat = 3;
        var threads = Environment.ProcessorCount;
        string[]? only = null;
        var bounds = new BoundSettings();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--repeat" when i + 1 < args.Length: repeat = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads" when i + 1 < args.Length: threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--only" when i + 1 < args.Length: only = args[++i].Split(','); break;
                case "--domain" when i + 1 < args.Length:
                    var domain = args[++i];
                    if (domain is not ("interval" or "interval-exact" or "affine" or "affine-exact" or "crown")) { Console.Error.WriteLine($"workloads: --domain must be interval, interval-exact, affine, affine-exact or crown, not '{domain}'."); return 2; }
                    bounds = bounds with
                    {
                        Products = domain.EndsWith("exact", StringComparison.Ordinal) ? IntervalProducts.Exact : IntervalProducts.MidpointRadius,
                        Affine = domain.StartsWith("affine", StringComparison.Ordinal), Crown = domain == "crown",
                    };
                    break;
                case "--joint-unpaired": bounds = bounds with { SplitUnpaired = false }; break;
                default:
                    Console.Error.WriteLine($"workloads: unknown option '{args[i]}'. Usage: workloads [--repeat N] [--threads N] [--only W1,W2S] [--domain interval|interval-exact|affine|affine-exact|crown] [--joint-unpaired]");
                    return 2;
            }
        }
        if (repeat < 1 || threads < 1) { Console.Error.WriteLine("workloads: --repeat and --threads must be ≥ 1."); return 2; }
        Console.WriteLine($"PoisonCert end-to-end workloads: {repeat} repeats, {threads} threads, {Environment.ProcessorCount} cores, {RuntimeInformationText()}, "
            + $"products {bounds.Products}, unpaired aggregation {(bounds.SplitUnpaired ? "exact selection" : "joint")}");
        Console.WriteLine("| workload | steps | plain min / median (s) | certified min / median (s) | certified / plain | peak working set (MiB) | mean final bound width | outcome |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        var failures = 0;
        foreach (var definition in Definitions.Where(d => only is null || only.Contains(d.Key, StringComparer.OrdinalIgnoreCase)))
            failures += RunOne(definition, repeat, threads, bounds) ? 0 : 1;
        return failures == 0 ? 0 : 1;
    }

    private static bool RunOne(Definition definition, int repeat, int threads, BoundSettings bounds)
    {
        var workload = definition.Build();
        var architecture = NetworkArchitecture.Perceptron(workload.Inputs, workload.HiddenWidths, workload.Outputs);
        var initial = NetworkParameters<float>.FromTensors(architecture,
            workload.InitialParameters.Select((p, j) => (architecture.Parameters[j].Name, p.Shape, p.Values)));
        var data = workload.TrainLabels is not null
            ? TrainingSet<float>.Classification(definition.Key, workload.Inputs, workload.TrainFeatures, workload.TrainLabels, workload.Outputs)
            : TrainingSet<float>.Regression(definition.Key, workload.Inputs, workload.TrainFeatures, workload.TrainTargets!, 1);
        var recipe = new TrainingRecipe
        {
            Loss = definition.Loss, BatchSize = definition.BatchSize, Epochs = definition.Epochs, LearningRate = definition.LearningRate,
            ShuffleSeed = null, LastBatch = LastBatchPolicy.Error,
        };
        var plainTimes = new List<double>();
        var certifiedTimes = new List<double>();
        NetworkParameters<float>? plain = null;
        CertifiedTrainingResult<float>? certified = null;
        string? outcome = null;
        var steps = recipe.BatchesPerEpoch(data.Rows) * recipe.Epochs;
        for (var r = 0; r < repeat; r++)
        {
            var stopwatch = Stopwatch.StartNew();
            plain = PlainTrainer.Train(data, recipe, initial);
            plainTimes.Add(stopwatch.Elapsed.TotalSeconds);
            stopwatch.Restart();
            var lastStep = 0;
            try
            {
                var trainer = new CertifiedTrainer<float>(recipe, definition.Threat,
                    new CertificationOptions { MaxDegreeOfParallelism = threads, Progress = (step, _, _) => lastStep = step }, bounds);
                certified = trainer.Train(data, initial);
                outcome = "certificate";
            }
            catch (BoundViolationException error) when (error.Message.Contains("no longer finite", StringComparison.Ordinal))
            {
                outcome = $"bounds overflowed at step {lastStep} (vacuous, as expected for this workload)";
            }
            certifiedTimes.Add(stopwatch.Elapsed.TotalSeconds);
        }
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        var ok = true;
        var width = "–";
        if (certified is not null)
        {
            width = certified.Box.MeanWidth().ToString("G3", CultureInfo.InvariantCulture);
            if (!certified.Box.Nominal.AsSpan().SequenceEqual(plain!.Values))
            {
                outcome = "ERROR: nominal track differs from plain training";
                ok = false;
            }
        }
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "| {0} | {1} | {2:F4} / {3:F4} | {4:F3} / {5:F3} | {6:F0}× | {7:F0} | {8} | {9} |",
            definition.Key, steps, plainTimes.Min(), Median(plainTimes), certifiedTimes.Min(), Median(certifiedTimes),
            certifiedTimes.Min() / plainTimes.Min(), peak, width, outcome));
        return ok;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string RuntimeInformationText()
        => $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, AVX-512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "on" : "off")}";
}
