using System.Globalization;
using PoisonCert.Certification;
using PoisonCert.Cli.Progress;
using PoisonCert.Cli.Reports;
using PoisonCert.Data;
using PoisonCert.Runs;
using PoisonCert.Training;

namespace PoisonCert.Cli.Engine;

/// <summary>The certified-training engine behind the commands (see <see cref="IRunEngine"/>).</summary>
public sealed class RunEngine(Func<DatasetRegistry> registry) : IRunEngine
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public RunEngine() : this(() => new DatasetRegistry()) { }

    public int Certify(CertifyRequest request, TextWriter output, ProgressReporter progress)
    {
        var prepared = RunPipeline.Prepare(request.Run, registry());
        var outcome = CertifyPrepared(prepared, progress);
        var certificate = BuildCertificate(prepared, outcome, request.RunFilePath is null
            ? CertificateRun.FromText(Commands.RunCommands.DefaultRunFileName, Commands.RunCommands.DefaultRunJson, prepared.Run)
            : CertificateRun.FromFile(Path.GetFullPath(request.RunFilePath), prepared.Run)); // absolute: verify finds relative dataset paths from any folder
        Directory.CreateDirectory(request.OutputFolder);
        var path = Path.Combine(request.OutputFolder, "certificate.json");
        certificate.Write(path, new CertificateWriteOptions { SideFileThresholdBytes = request.SideFileThresholdBytes });
        var written = new List<string> { path };
        // The writer's rule (CertificateWriter): the side file is written when the values take more than the threshold.
        if (outcome.Parameters.Sum(p => 3L * p.ElementCount * p.Lower.ElementSize) > request.SideFileThresholdBytes)
            written.Add(Path.Combine(request.OutputFolder, "parameters.bin"));
        if (request.WriteReport)
        {
            var files = ReportWriter.Write(ReportData.FromCertificate(certificate), request.OutputFolder);
            written.Add(files.Markdown);
            written.AddRange(files.Plots);
        }
        WriteSummary(output, prepared, outcome);
        output.WriteLine("Wrote:");
        foreach (var file in written.Distinct()) output.WriteLine($"  {file}");
        return ExitCodes.Success;
    }

    public int Train(TrainRequest request, TextWriter output, ProgressReporter progress)
    {
        var prepared = RunPipeline.Prepare(request.Run, registry(), request.TrainDataPath);
        var steps = prepared.Run.TotalSteps(prepared.Train.Rows);
        var tensors = progress.Run("training", steps, _ => RunPipeline.Train(prepared));
        var folder = Path.GetDirectoryName(Path.GetFullPath(request.OutputPath));
        if (folder is not null) Directory.CreateDirectory(folder);
        new ParametersFile(Program.Version, prepared.Run.Precision, tensors).Write(request.OutputPath);
        output.WriteLine(string.Format(Invariant, "Trained '{0}' ({1} steps{2}); wrote {3}.", prepared.Run.Name, steps,
            request.TrainDataPath is null ? "" : $", training rows from {request.TrainDataPath}", request.OutputPath));
        return ExitCodes.Success;
    }

    public int Verify(VerifyRequest request, TextWriter output, ProgressReporter progress)
    {
        var certificate = request.Certificate;
        var differences = new List<string>();
        var runFolder = Path.GetDirectoryName(Path.GetFullPath(certificate.Run.FileName)) ?? ".";
        var specification = RunFile.Parse(certificate.Run.GivenJson, certificate.Run.FileName) with { BaseFolder = runFolder };
        if (certificate.InitialParameters is { } initial && InitialParametersDiffer(initial, certificate.Run.Resolved.Model.InitialParametersFullPath!) is { } changed)
        {
            // Certifying again would start from other parameters: the difference is the answer.
            output.WriteLine($"NOT verified: {request.CertificatePath}");
            output.WriteLine($"  - {changed} (the certification was not repeated: it would start from other parameters)");
            return ExitCodes.Refused;
        }
        var prepared = RunPipeline.Prepare(specification, registry());
        CompareDataFiles(certificate.DataFiles, prepared.DataFiles, differences);
        if (prepared.Run.ToJson() != certificate.Run.Resolved.ToJson()) differences.Add("the run resolves differently now (defaults or dataset changed)");
        CompareScaling("feature scaling", certificate.Scaling.Offsets, certificate.Scaling.Scales, prepared.Scaling.Offsets, prepared.Scaling.Scales, differences);
        if ((certificate.TargetScaling is null) != (prepared.TargetScaling is null))
            differences.Add("target scaling: " + (certificate.TargetScaling is null ? "the run scales its targets now, the certificate records none" : "the certificate records one, the run does not scale its targets"));
        else if (certificate.TargetScaling is { } recorded)
            CompareScaling("target scaling", recorded.Offsets, recorded.Scales, prepared.TargetScaling!.Offsets, prepared.TargetScaling.Scales, differences);
        var outcome = CertifyPrepared(prepared, progress);
        CompareParameters(certificate.Parameters, outcome.Parameters, differences);
        CompareMetrics(certificate.Metrics, outcome.Metrics, differences);
        if (request.ParametersPath is { } parametersPath) CheckInside(ParametersFile.Read(parametersPath), certificate.Parameters, parametersPath, differences);
        if (differences.Count == 0)
        {
            output.WriteLine($"verified: {request.CertificatePath} — data checksums, run, every bound ({outcome.Parameters.Sum(p => p.ElementCount)} parameters × lower/nominal/upper) and every metric match a fresh certification bit for bit" +
                (request.ParametersPath is null ? "." : $"; every parameter of {request.ParametersPath} lies inside the box."));
            return ExitCodes.Success;
        }
        output.WriteLine($"NOT verified: {request.CertificatePath}");
        foreach (var difference in differences.Take(50)) output.WriteLine($"  - {difference}");
        if (differences.Count > 50) output.WriteLine($"  … and {differences.Count - 50} more differences");
        if (certificate.ToolVersion != Program.Version)
            output.WriteLine($"  Note: the certificate was written by PoisonCert {certificate.ToolVersion} and this is {Program.Version}; a bound rule that " +
                "changed between the versions changes the bounds (the release notes in docs/soundness.md list such changes). Verify with the version that wrote it.");
        return ExitCodes.Refused;
    }

    public int Sweep(SweepRequest request, TextWriter output, ProgressReporter progress)
    {
        var points = new List<SweepPoint>();
        var perPoint = new Dictionary<double, List<(int, bool[])>>();
        string metricName = "accuracy";
        output.WriteLine("| k | ε | nominal | certified |");
        output.WriteLine("| ---: | ---: | ---: | ---: |");
        foreach (var epsilon in request.Epsilons)
            foreach (var budget in request.Budgets)
            {
                var threat = SweepThreat(request.Run.Threat, budget, epsilon, request.VaryLabels);
                var run = request.Run with { Threat = threat };
                var prepared = RunPipeline.Prepare(run, registry());
                var outcome = CertifyPrepared(prepared, progress, $"k = {budget}, ε = {epsilon.ToString("R", Invariant)}");
                var metric = outcome.Metrics[0];
                metricName = metric.Name;
                points.Add(new SweepPoint(budget, epsilon, metric.Certified, metric.Nominal));
                if (outcome.CertifiedPerPoint is { } certified)
                {
                    if (!perPoint.TryGetValue(epsilon, out var list)) perPoint[epsilon] = list = [];
                    list.Add((budget, certified));
                }
                output.WriteLine(string.Format(Invariant, "| {0} | {1:R} | {2:F4} | {3:F4} |", budget, epsilon, metric.Nominal, metric.Certified));
            }
        Directory.CreateDirectory(request.OutputFolder);
        foreach (var (epsilon, sweep) in perPoint)
        {
            var largest = TestTimeCertifier.LargestCertifiedBudget(sweep);
            var histogram = largest.GroupBy(k => k).OrderBy(g => g.Key).Select(g => $"{(g.Key < 0 ? "none" : $"k ≤ {g.Key}")}: {g.Count()}");
            output.WriteLine(string.Format(Invariant, "ε = {0:R}: largest certified budget per test point — {1}", epsilon, string.Join(", ", histogram)));
        }
        var report = new ReportData
        {
            RunName = (request.Run.Name ?? RunFile.DefaultName(request.RunFilePath)) + " (sweep)",
            ThreatDescription = request.VaryLabels
                ? "label poisoning of k samples per batch (of the run file's kind), for every k of the sweep, with the run file's feature poisoning at each ε; other threat settings as in the run file"
                : "feature poisoning of k samples per batch within ε (ℓ∞), for every k and ε of the sweep; other threat settings as in the run file",
            Sweep = points,
            SweepMetricName = metricName == "mse" ? "certified worst-case MSE" : "certified " + metricName,
            CertificateFileName = null,
        };
        var files = ReportWriter.Write(report, request.OutputFolder);
        output.WriteLine($"Wrote {files.Markdown} and {string.Join(", ", files.Plots)}.");
        return ExitCodes.Success;
    }

    /// <summary>The threat of one sweep point: k feature-poisoned points within ε, or k label-poisoned points (of the
    /// run file's kind) with the run file's feature poisoning at radius ε.</summary>
    public static ThreatSpecification SweepThreat(ThreatSpecification? threat, int k, double epsilon, bool labels)
    {
        threat ??= new ThreatSpecification();
        if (!labels) return threat with { Features = new FeatureThreatSpecification { Count = k, Epsilon = k == 0 ? 0 : epsilon } };
        var features = threat.Features is { } f ? f with { Epsilon = epsilon } : null;
        return threat with { Labels = k == 0 ? null : threat.Labels! with { Count = k }, Features = features };
    }

    public int Audit(AuditRequest request, TextWriter output, ProgressReporter progress)
        => AuditRunner.Run(request, registry(), output, progress);

    internal static CertificationOutcome CertifyPrepared(PreparedRun prepared, ProgressReporter progress, string? label = null)
    {
        var steps = prepared.Run.TotalSteps(prepared.Train.Rows);
        return progress.Run(label is null ? "certified training" : $"certified training ({label})", steps,
            sink => RunPipeline.Certify(prepared, new CertificationOptions { Progress = (step, _, width) => sink.Report(step, width) }));
    }

    internal static CertificateFile BuildCertificate(PreparedRun prepared, CertificationOutcome outcome, CertificateRun run) => new()
    {
        ToolVersion = Program.Version,
        Created = DateTimeOffset.UtcNow,
        Run = run,
        DataFiles = prepared.DataFiles,
        InitialParameters = prepared.InitialParametersFile,
        Split = prepared.Split.Description,
        Scaling = prepared.Scaling,
        TargetScaling = prepared.TargetScaling,
        Timings = outcome.Timings,
        Metrics = outcome.Metrics,
        StepMeanBoundWidths = outcome.StepMeanBoundWidths,
        Parameters = outcome.Parameters,
    };

    private static void WriteSummary(TextWriter output, PreparedRun prepared, CertificationOutcome outcome)
    {
        var run = prepared.Run;
        output.WriteLine($"Certificate for '{run.Name}' on {run.Dataset.Name}: {prepared.Train.Rows} training rows, {prepared.Test.Rows} test rows, {outcome.Steps} steps.");
        output.WriteLine($"Threat model: {run.DescribeThreat()}");
        output.WriteLine("| metric | nominal | certified |");
        output.WriteLine("| --- | ---: | ---: |");
        foreach (var metric in outcome.Metrics)
            output.WriteLine(string.Format(Invariant, "| {0} | {1:F4} | {2:F4} |", metric.Name, metric.Nominal, metric.Certified));
        output.WriteLine(string.Format(Invariant, "Mean parameter-bound width after the last step: {0:G4}; {1}.", outcome.StepMeanBoundWidths[^1],
            string.Join(", ", outcome.Timings.Select(t => string.Format(Invariant, "{0} {1:F2} s", t.Phase, t.Seconds)))));
    }

    /// <summary>How the run's initial parameters file differs now from the one the certificate records, or null.</summary>
    private static string? InitialParametersDiffer(SourceFile recorded, string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return $"initial parameters file {path}: cannot be read now ({error.Message}); the certificate records SHA-256 {recorded.Sha256} ({recorded.Length} bytes)";
        }
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        return sha == recorded.Sha256 && bytes.LongLength == recorded.Length ? null
            : $"initial parameters file {path}: SHA-256 {sha} ({bytes.LongLength} bytes) now, {recorded.Sha256} ({recorded.Length} bytes) in the certificate";
    }

    private static void CompareDataFiles(IReadOnlyList<SourceFile> recorded, IReadOnlyList<SourceFile> now, List<string> differences)
    {
        if (recorded.Count != now.Count) differences.Add($"the certificate records {recorded.Count} data files, the run now reads {now.Count}");
        foreach (var (was, @is) in recorded.Zip(now))
            if (was.Sha256 != @is.Sha256 || was.Length != @is.Length)
                differences.Add($"data file {Path.GetFileName(@is.Path)}: SHA-256 {@is.Sha256} ({@is.Length} bytes) now, {was.Sha256} ({was.Length} bytes) in the certificate");
    }

    private static void CompareScaling(string what, IReadOnlyList<double> offsets, IReadOnlyList<double> scales,
        IReadOnlyList<double> offsetsNow, IReadOnlyList<double> scalesNow, List<string> differences)
    {
        foreach (var (label, was, now) in new[] { ("offsets", offsets, offsetsNow), ("scales", scales, scalesNow) })
        {
            if (was.Count != now.Count) { differences.Add($"{what}: {was.Count} {label} in the certificate, {now.Count} now"); continue; }
            for (var i = 0; i < was.Count; i++)
                if (BitConverter.DoubleToInt64Bits(was[i]) != BitConverter.DoubleToInt64Bits(now[i]))
                {
                    differences.Add(string.Format(Invariant, "{0} {1}[{2}]: {3:R} in the certificate, {4:R} recomputed", what, label, i, was[i], now[i]));
                    break;
                }
        }
    }

    private static void CompareParameters(IReadOnlyList<ParameterBounds> recorded, IReadOnlyList<ParameterBounds> now, List<string> differences)
    {
        if (recorded.Count != now.Count) { differences.Add($"{recorded.Count} parameter tensors in the certificate, {now.Count} now"); return; }
        foreach (var (was, @is) in recorded.Zip(now))
        {
            if (was.Name != @is.Name || !was.Shape.SequenceEqual(@is.Shape)) { differences.Add($"parameter {was.Name}: name or shape differs ({@is.Name})"); continue; }
            foreach (var (label, a, b) in new[] { ("lower", was.Lower, @is.Lower), ("nominal", was.Nominal, @is.Nominal), ("upper", was.Upper, @is.Upper) })
            {
                if (a.BitwiseEquals(b)) continue;
                var index = Enumerable.Range(0, Math.Min(a.Length, b.Length)).FirstOrDefault(i => BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i]));
                differences.Add(string.Format(Invariant, "{0} {1}[{2}]: {3:R} in the certificate, {4:R} recomputed", was.Name, label, index, a[index], b[index]));
            }
        }
    }

    private static void CompareMetrics(IReadOnlyList<CertificateMetric> recorded, IReadOnlyList<CertificateMetric> now, List<string> differences)
    {
        foreach (var (was, @is) in recorded.Zip(now))
            if (was.Name != @is.Name || BitConverter.DoubleToInt64Bits(was.Nominal) != BitConverter.DoubleToInt64Bits(@is.Nominal)
                || BitConverter.DoubleToInt64Bits(was.Certified) != BitConverter.DoubleToInt64Bits(@is.Certified))
                differences.Add(string.Format(Invariant, "metric {0}: nominal {1:R} / certified {2:R} in the certificate, {3:R} / {4:R} recomputed",
                    was.Name, was.Nominal, was.Certified, @is.Nominal, @is.Certified));
        if (recorded.Count != now.Count) differences.Add($"{recorded.Count} metrics in the certificate, {now.Count} now");
    }

    /// <summary>Every value of a params.json must lie in the certificate's box (zero slack).</summary>
    internal static void CheckInside(ParametersFile parameters, IReadOnlyList<ParameterBounds> box, string path, List<string> differences)
    {
        foreach (var tensor in parameters.Parameters)
        {
            var bounds = box.FirstOrDefault(b => b.Name == tensor.Name);
            if (bounds is null) { differences.Add($"{path}: parameter {tensor.Name} is not in the certificate"); continue; }
            if (!bounds.Shape.SequenceEqual(tensor.Shape)) { differences.Add($"{path}: {tensor.Name} has another shape than in the certificate"); continue; }
            for (var i = 0; i < tensor.Values.Length; i++)
            {
                var value = tensor.Values[i];
                if (bounds.Lower[i] <= value && value <= bounds.Upper[i]) continue;
                differences.Add(string.Format(Invariant, "{0}: {1}[{2}] = {3:R} lies outside the certified [{4:R}, {5:R}]", path, tensor.Name, i, value, bounds.Lower[i], bounds.Upper[i]));
            }
        }
    }
}
