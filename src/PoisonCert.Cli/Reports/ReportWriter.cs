using System.Globalization;
using System.Text;
using PoisonCert.Certification;

namespace PoisonCert.Cli.Reports;

/// <summary>
/// Writes report.md and its PNG plots into a folder: the run, the threat model in words, the metrics (nominal
/// versus certified), timings, and links to bound-widths.png (mean parameter-bound width per step, log scale),
/// metrics.png (nominal versus certified) and, for a sweep, sweep.png (certified metric versus k, one line per ε).
/// A plot without data is left out (and the report says so).
/// </summary>
public static class ReportWriter
{
    public const string MarkdownName = "report.md";
    public const string BoundWidthPlotName = "bound-widths.png";
    public const string MetricsPlotName = "metrics.png";
    public const string SweepPlotName = "sweep.png";

    public static ReportFiles Write(ReportData data, string folder)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(folder);
        Directory.CreateDirectory(folder);
        var plots = new List<string>();
        var markdown = new StringBuilder();
        markdown.Append(CultureInfo.InvariantCulture, $"# PoisonCert report: {data.RunName}\n\n");
        markdown.Append("## Threat model\n\n").Append(data.ThreatDescription).Append("\n\n");
        if (data.RunSummary.Count > 0)
        {
            markdown.Append("## Run\n\n| setting | value |\n| --- | --- |\n");
            foreach ((string label, string value) in data.RunSummary)
            {
                markdown.Append(CultureInfo.InvariantCulture, $"| {Cell(label)} | {Cell(value)} |\n");
            }
            if (data.CertificateFileName is not null)
            {
                markdown.Append(CultureInfo.InvariantCulture, $"\nCertificate: [{data.CertificateFileName}]({data.CertificateFileName})\n");
            }
            markdown.Append('\n');
        }
        markdown.Append("## Metrics\n\n");
        if (data.Metrics.Count == 0)
        {
            markdown.Append("No metrics were recorded.\n\n");
        }
        else
        {
            markdown.Append("| metric | nominal | certified | meaning |\n| --- | ---: | ---: | --- |\n");
            foreach (CertificateMetric metric in data.Metrics)
            {
                markdown.Append(CultureInfo.InvariantCulture, $"| {Cell(metric.Name)} | {Number(metric.Nominal)} | {Number(metric.Certified)} | {Cell(metric.Description)} |\n");
            }
            markdown.Append('\n');
            // Shares (accuracy and the like) share one axis; other scales, or values too small to see, stay in the table only.
            var fractions = data.Metrics.Where(metric => IsFraction(metric.Nominal) && IsFraction(metric.Certified) && Math.Max(metric.Nominal, metric.Certified) >= 0.01)
                .Select(metric => (metric.Name, metric.Nominal, metric.Certified)).ToList();
            if (fractions.Count > 0)
            {
                ReportPlots.Metrics(fractions, data.RunName, Path.Combine(folder, MetricsPlotName));
                plots.Add(Path.Combine(folder, MetricsPlotName));
                markdown.Append(CultureInfo.InvariantCulture, $"![Nominal versus certified metrics]({MetricsPlotName})\n\n");
            }
        }
        markdown.Append("## Bound width\n\n");
        if (data.StepMeanBoundWidths.Any(width => width > 0))
        {
            ReportPlots.BoundWidths(data.StepMeanBoundWidths, data.RunName, Path.Combine(folder, BoundWidthPlotName));
            plots.Add(Path.Combine(folder, BoundWidthPlotName));
            double last = data.StepMeanBoundWidths[^1];
            markdown.Append(CultureInfo.InvariantCulture, $"Mean width of the parameter box after each of the {data.StepMeanBoundWidths.Count} steps (log scale); after the last step: {Number(last)}.\n\n");
            markdown.Append(CultureInfo.InvariantCulture, $"![Mean parameter-bound width per step]({BoundWidthPlotName})\n\n");
        }
        else
        {
            markdown.Append("No positive bound widths were recorded (a clean run in exact arithmetic, or no steps).\n\n");
        }
        if (data.Sweep.Count > 0)
        {
            markdown.Append("## Sweep\n\n");
            double[] epsilons = [.. data.Sweep.Select(point => point.Epsilon).Distinct().Order()];
            int[] budgets = [.. data.Sweep.Select(point => point.Budget).Distinct().Order()];
            markdown.Append(CultureInfo.InvariantCulture, $"{Cell(data.SweepMetricName)} for each budget k (rows) and radius ε (columns).\n\n");
            markdown.Append("| k | ").Append(string.Join(" | ", epsilons.Select(epsilon => $"ε = {Number(epsilon)}"))).Append(" |\n");
            markdown.Append("| ---: |").Append(string.Concat(epsilons.Select(_ => " ---: |"))).Append('\n');
            foreach (int budget in budgets)
            {
                markdown.Append(CultureInfo.InvariantCulture, $"| {budget} |");
                foreach (double epsilon in epsilons)
                {
                    SweepPoint? point = data.Sweep.FirstOrDefault(candidate => candidate.Budget == budget && candidate.Epsilon == epsilon);
                    markdown.Append(' ').Append(point is null ? "–" : Number(point.Certified)).Append(" |");
                }
                markdown.Append('\n');
            }
            ReportPlots.Sweep(data.Sweep, data.SweepMetricName, data.RunName, Path.Combine(folder, SweepPlotName));
            plots.Add(Path.Combine(folder, SweepPlotName));
            markdown.Append(CultureInfo.InvariantCulture, $"\n![{Cell(data.SweepMetricName)} versus k]({SweepPlotName})\n\n");
        }
        if (data.Timings.Count > 0)
        {
            markdown.Append("## Timings\n\n| phase | seconds |\n| --- | ---: |\n");
            foreach (PhaseTiming timing in data.Timings)
            {
                markdown.Append(CultureInfo.InvariantCulture, $"| {Cell(timing.Phase)} | {timing.Seconds:F3} |\n");
            }
            markdown.Append(CultureInfo.InvariantCulture, $"| total | {data.Timings.Sum(timing => timing.Seconds):F3} |\n");
        }
        string markdownPath = Path.Combine(folder, MarkdownName);
        AtomicFile.WriteAllBytes(markdownPath, Encoding.UTF8.GetBytes(markdown.ToString()));
        return new ReportFiles(markdownPath, plots);
    }

    private static bool IsFraction(double value) => value is >= 0 and <= 1;

    private static string Number(double value) =>
        value == 0 || (Math.Abs(value) >= 1e-3 && Math.Abs(value) < 1e6)
            ? value.ToString("0.####", CultureInfo.InvariantCulture)
            : value.ToString("0.###E+0", CultureInfo.InvariantCulture);

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
