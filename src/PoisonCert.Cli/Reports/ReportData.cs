using PoisonCert.Certification;
using PoisonCert.Runs;

namespace PoisonCert.Cli.Reports;

/// <summary>One point of a sweep: the certified (and, if known, nominal) metric for budget k and radius ε.</summary>
public sealed record SweepPoint(int Budget, double Epsilon, double Certified, double? Nominal = null);

/// <summary>
/// What <see cref="ReportWriter"/> turns into report.md and its plots. The engine fills it, usually with
/// <see cref="FromCertificate"/> (plus <see cref="Sweep"/> points for a sweep).
/// </summary>
public sealed record ReportData
{
    public required string RunName { get; init; }

    /// <summary>The threat model in words (<see cref="ThreatDescription"/>).</summary>
    public required string ThreatDescription { get; init; }

    /// <summary>Dataset, model, precision, domain and so on, as label/value rows for the report's run table.</summary>
    public IReadOnlyList<(string Label, string Value)> RunSummary { get; init; } = [];

    public IReadOnlyList<CertificateMetric> Metrics { get; init; } = [];

    public IReadOnlyList<PhaseTiming> Timings { get; init; } = [];

    /// <summary>Mean parameter-bound width after each optimizer step (plotted on a log scale).</summary>
    public IReadOnlyList<double> StepMeanBoundWidths { get; init; } = [];

    /// <summary>Sweep results; empty for a single run.</summary>
    public IReadOnlyList<SweepPoint> Sweep { get; init; } = [];

    /// <summary>The metric the sweep plot shows, e.g. "certified accuracy".</summary>
    public string SweepMetricName { get; init; } = "certified accuracy";

    /// <summary>File name of the certificate beside the report, linked from it (null: no link).</summary>
    public string? CertificateFileName { get; init; } = "certificate.json";

    public static ReportData FromCertificate(CertificateFile certificate, IReadOnlyList<SweepPoint>? sweep = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ResolvedRun run = certificate.Run.Resolved;
        string model = string.Join(" → ", run.Model.Hidden.Select(width => $"Dense {width} + ReLU").Append("Dense output"));
        return new ReportData
        {
            RunName = run.Name,
            ThreatDescription = certificate.ThreatDescription,
            RunSummary =
            [
                ("run file", certificate.Run.FileName),
                ("dataset", run.Dataset.Name),
                ("split", $"{certificate.Split.TrainRows} training / {certificate.Split.TestRows} test rows ({certificate.Split.Method}, seed {certificate.Split.Seed})"),
                ("scaling", RunVocabulary.Scaling.Name(run.Scaling)),
                ("model", model + (run.Model.FrozenLayers > 0 ? $" (first {run.Model.FrozenLayers} frozen)" : "")),
                ("loss", RunVocabulary.Loss.Name(run.Loss)),
                ("training", $"{run.Training.Epochs} epochs, batches of {run.Training.BatchSize}, {RunVocabulary.Optimizer.Name(run.Training.Optimizer.Type)}, learning rate {run.Training.LearningRate:R}"),
                ("precision", RunVocabulary.Precision.Name(run.Precision)),
                ("domain", RunVocabulary.Domain.Name(run.Domain)),
                ("tool version", certificate.ToolVersion),
            ],
            Metrics = certificate.Metrics,
            Timings = certificate.Timings,
            StepMeanBoundWidths = certificate.StepMeanBoundWidths,
            Sweep = sweep ?? [],
        };
    }
}

/// <summary>The files a report consists of.</summary>
public sealed record ReportFiles(string Markdown, IReadOnlyList<string> Plots);
