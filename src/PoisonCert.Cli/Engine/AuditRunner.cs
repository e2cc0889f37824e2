using System.Globalization;
using System.Numerics;
using System.Text.Json;
using PoisonCert.Cli.Progress;
using PoisonCert.Data;
using PoisonCert.Runs;
using PoisonCert.Training;
using PoisonCert.Training.Attacks;

namespace PoisonCert.Cli.Engine;

/// <summary>
/// <c>poisoncert audit</c>: real poisoned trainings against the run's own certificate (see <see cref="Audit"/>).
/// Writes audit.json (every movement, every escape with its poisoned batches) into the output folder; exit code 1
/// on any escape.
/// </summary>
internal static class AuditRunner
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static int Run(AuditRequest request, DatasetRegistry registry, TextWriter output, ProgressReporter progress)
    {
        var prepared = RunPipeline.Prepare(request.Run, registry);
        var (result, metric) = prepared.Run.Precision == NumericPrecision.Float64
            ? Execute<double>(prepared, request, progress)
            : Execute<float>(prepared, request, progress);
        Directory.CreateDirectory(request.OutputFolder);
        var path = Path.Combine(request.OutputFolder, "audit.json");
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new { result.Runs, result.StepsChecked, result.Escapes, result.Movements,
            result.LargestParameterMovementRatio, result.MeanParameterMovementRatio, TestMetric = metric }, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, path, overwrite: true);
        output.WriteLine(string.Format(Invariant, "Audit of '{0}': {1} poisoned runs within the threat model, {2} parameter vectors checked against the certified box after every step.",
            prepared.Run.Name, result.Runs, result.StepsChecked));
        output.WriteLine($"Threat model: {prepared.Run.DescribeThreat()}");
        output.WriteLine("| goal | quantity | achieved movement | certified bound | ratio |");
        output.WriteLine("| --- | --- | ---: | ---: | ---: |");
        foreach (var movement in result.Movements.OrderByDescending(m => m.Certified > 0 ? m.Achieved / m.Certified : 0).Take(15))
            output.WriteLine(string.Format(Invariant, "| {0} | {1} | {2:G4} | {3:G4} | {4:P1} |", movement.Goal, movement.Quantity, movement.Achieved, movement.Certified,
                movement.Certified > 0 ? movement.Achieved / movement.Certified : 0));
        output.WriteLine(string.Format(Invariant,
            "Largest parameter movement achieved: {0:P2} of the certified radius (mean over parameters {1:P2}); the gap is how loose the certificate may be.",
            result.LargestParameterMovementRatio, result.MeanParameterMovementRatio));
        if (metric is not null)
        {
            output.WriteLine(string.Format(Invariant,
                "Test {0}: clean model {1:F4}; {2} over the {3} poisoned runs {4:F4}; certified {5} {6:F4} ({7}).",
                metric.Name, metric.Nominal, metric.LowerIsWorse ? "lowest" : "highest", metric.Runs, metric.WorstAchieved,
                metric.LowerIsWorse ? "lower bound" : "upper bound", metric.Certified,
                metric.Holds ? "the bound holds for every run" : "BOUND VIOLATED"));
        }
        if (result.Escapes.Count == 0 && metric is { Holds: false })
        {
            output.WriteLine($"SOUNDNESS FAILURE: a poisoned run's test {metric.Name} lies beyond the certified bound. Wrote {path}.");
            return ExitCodes.Refused;
        }
        if (result.Escapes.Count == 0)
        {
            output.WriteLine($"No run left the certified box. Wrote {path}.");
            return ExitCodes.Success;
        }
        output.WriteLine($"SOUNDNESS FAILURE: {result.Escapes.Count} poisoned runs left the certified box; the poisoned data are in {path}.");
        foreach (var escape in result.Escapes.Take(10))
            output.WriteLine($"  run {escape.Run} ({escape.Goal}) after step {escape.Step}: {escape.Where}");
        return ExitCodes.Refused;
    }

    private static (AuditResult, AuditTestMetric?) Execute<T>(PreparedRun prepared, AuditRequest request, ProgressReporter progress) where T : IBinaryFloatingPointIeee754<T>
    {
        var (train, test, initial, recipe) = RunPipeline.Build<T>(prepared);
        if (prepared.Run.Certify.MaxTestPoints is int limit && limit < test.Rows) test = test.Select([.. Enumerable.Range(0, limit)], test.Name);
        var threat = RunPipeline.Threat(prepared.Run);
        ParameterBox<T>? final = null;
        var achieved = new List<double>();
        var result = progress.Run("audit", request.Runs, sink => Audit.Run(train, test, initial, recipe, threat, request.Runs, request.Seed,
            progress: (done, _) => sink.Report(done, double.NaN), bounds: RunPipeline.Bounds(prepared.Run),
            trainedRun: (box, _, values) =>
            {
                final = box;
                achieved.Add(RunPipeline.PointMetric(box.Architecture, values, test, prepared.TargetScaling));
            }));
        if (final is null) return (result, null);
        var (metrics, _) = RunPipeline.TestMetrics(final, test, 0, RunPipeline.Bounds(prepared.Run), prepared.TargetScaling);
        var metric = metrics[0];
        var lowerIsWorse = test.IsClassification;
        var worst = lowerIsWorse ? achieved.Min() : achieved.Max();
        return (result, new AuditTestMetric(metric.Name, metric.Nominal, metric.Certified, worst, achieved.Count, lowerIsWorse,
            lowerIsWorse ? metric.Certified <= worst : worst <= metric.Certified));
    }
}

/// <summary>
/// The audit's test metric: the clean model's value, the worst value over the poisoned runs that completed (lowest
/// accuracy, highest MSE), and the certified bound, which must hold for each of them (zero slack).
/// </summary>
internal sealed record AuditTestMetric(string Name, double Nominal, double Certified, double WorstAchieved, int Runs, bool LowerIsWorse, bool Holds);

