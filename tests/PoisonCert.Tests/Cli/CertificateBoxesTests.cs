using PoisonCert.Certification;
using PoisonCert.Models;
using PoisonCert.Runs;
using PoisonCert.Tests.Data;

namespace PoisonCert.Tests.Cli;

/// <summary>A certificate's box, loaded back from certificate.json, is the box that was certified, bit for bit, and gives the same test-time metrics.</summary>
public class CertificateBoxesTests
{
    [Fact]
    public void Load_WrittenCertificate_SameBoxAndSameMetrics()
    {
        using var run = HeartRun.Features();
        var certificate = CertificateFile.Read(run.Certify());
        var prepared = RunPipeline.Prepare(RunFile.Load(run.RunPath), TestData.Registry());
        var (_, test, initial, _) = RunPipeline.Build<float>(prepared);
        var box = CertificateBoxes.Load<float>(certificate, initial.Architecture);
        var again = CertificateBoxes.Bounds(box);
        Assert.Equal(certificate.Parameters.Count, again.Count);
        foreach (var (was, now) in certificate.Parameters.Zip(again))
        {
            Assert.True(was.Lower.BitwiseEquals(now.Lower) && was.Nominal.BitwiseEquals(now.Nominal) && was.Upper.BitwiseEquals(now.Upper), was.Name);
        }
        var limited = test.Select([.. Enumerable.Range(0, Math.Min(20, test.Rows))], test.Name);
        var (metrics, _) = RunPipeline.TestMetrics(box, limited, 0);
        Assert.Equal(certificate.Metrics.Select(m => (m.Name, m.Nominal, m.Certified)), metrics.Select(m => (m.Name, m.Nominal, m.Certified)));
    }

    [Fact]
    public void Load_OtherArchitecture_NamesTheMismatch()
    {
        using var run = HeartRun.Features();
        var certificate = CertificateFile.Read(run.Certify());
        var other = NetworkArchitecture.Perceptron(13, [4], 1);
        var error = Assert.Throws<InvalidConfigurationException>(() => CertificateBoxes.Load<float>(certificate, other));
        Assert.Contains("layer0.weight", error.Message);
    }
}
