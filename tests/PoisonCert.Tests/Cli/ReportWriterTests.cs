using PoisonCert.Certification;
using PoisonCert.Cli.Reports;
using PoisonCert.Tests.Certification;
using PoisonCert.Tests.Data;

namespace PoisonCert.Tests.Cli;

public class ReportWriterTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    internal static ReportData Sample()
    {
        CertificateFile certificate = CertificateSamples.FromExample("wdbc.json");
        SweepPoint[] sweep =
        [
            .. new[] { 0, 1, 5, 10 }.SelectMany(k => new[] { 0.01, 0.05 }.Select(epsilon =>
                new SweepPoint(k, epsilon, Math.Max(0, 0.95 - k * epsilon * (epsilon > 0.02 ? 1.6 : 2.5)), 0.95))),
        ];
        return ReportData.FromCertificate(certificate, sweep) with
        {
            Metrics =
            [
                new CertificateMetric("accuracy", 0.956, 0.912, "share of test points whose prediction is certified correct"),
                new CertificateMetric("certified robust", 1, 0.947, "share of test points whose prediction no poisoning can change"),
                new CertificateMetric("mean bound width", 0.0021, 0.0021, "mean upper − lower of the parameters"),
            ],
            StepMeanBoundWidths = [.. Enumerable.Range(1, 14).Select(step => 2e-7 * Math.Pow(2.1, step))],
        };
    }

    [Fact]
    public void Write_FullData_WritesMarkdownAndThreeValidPngs()
    {
        using var scratch = new ScratchFolder();
        ReportFiles files = ReportWriter.Write(Sample(), scratch.Path);
        Assert.Equal(3, files.Plots.Count);
        foreach (string plot in files.Plots)
        {
            byte[] bytes = File.ReadAllBytes(plot);
            Assert.Equal(PngSignature, bytes[..8]);
            Assert.InRange(bytes.Length, 10_000, 2_000_000);
            // IHDR: width and height, big-endian, at bytes 16..24.
            Assert.Equal(ReportPlots.Width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
            Assert.Equal(ReportPlots.Height, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        }
        string markdown = File.ReadAllText(files.Markdown);
        Assert.Contains($"]({ReportWriter.BoundWidthPlotName})", markdown);
        Assert.Contains($"]({ReportWriter.MetricsPlotName})", markdown);
        Assert.Contains($"]({ReportWriter.SweepPlotName})", markdown);
        Assert.Contains("up to 1 of every 128 training points per batch", markdown);
        Assert.Contains("| accuracy | 0.956 | 0.912 |", markdown);
        Assert.Contains("| train | 1.500 |", markdown);
        Assert.Contains("| 5 | ", markdown);
        Assert.Contains("[certificate.json](certificate.json)", markdown);
        string? keep = Environment.GetEnvironmentVariable("POISONCERT_KEEP_REPORT");
        if (!string.IsNullOrEmpty(keep))
        {
            Directory.CreateDirectory(keep);
            foreach (string file in Directory.GetFiles(scratch.Path))
            {
                File.Copy(file, Path.Combine(keep, Path.GetFileName(file)), overwrite: true);
            }
        }
    }

    [Fact]
    public void Write_NoSweepNoWidths_LeavesThosePlotsOutAndSaysSo()
    {
        using var scratch = new ScratchFolder();
        ReportData data = Sample() with { Sweep = [], StepMeanBoundWidths = [0, 0] };
        ReportFiles files = ReportWriter.Write(data, scratch.Path);
        Assert.Equal([Path.Combine(scratch.Path, ReportWriter.MetricsPlotName)], files.Plots);
        string markdown = File.ReadAllText(files.Markdown);
        Assert.DoesNotContain(ReportWriter.SweepPlotName, markdown);
        Assert.Contains("No positive bound widths", markdown);
        Assert.False(File.Exists(Path.Combine(scratch.Path, ReportWriter.BoundWidthPlotName)));
    }
}
