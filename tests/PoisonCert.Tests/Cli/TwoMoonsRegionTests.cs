using PoisonCert.Cli;
using PoisonCert.Data;
using PoisonCert.Tests.Data;

namespace PoisonCert.Tests.Cli;

/// <summary>The two-moons generator (and the shipped file it wrote) and the region command on a two-feature certificate.</summary>
public class TwoMoonsRegionTests
{
    [Fact]
    public void Generate_IsDeterministic_HalfOnEachMoon_NearTheArcs()
    {
        var points = TwoMoons.Generate(101, 0.1, 7);
        Assert.Equal(points, TwoMoons.Generate(101, 0.1, 7));
        Assert.NotEqual(points, TwoMoons.Generate(101, 0.1, 8));
        Assert.Equal(50, points.Count(p => p.Label == 0));
        Assert.Equal(51, points.Count(p => p.Label == 1));
        var exact = TwoMoons.Generate(20, 0, 0);
        Assert.Equal((1.0, 0.0, 0), exact[0]);
        Assert.Equal((0.0, 0.5, 1), exact[10]);
        foreach (var (x, y, label) in exact)
        {
            double distance = label == 0 ? Math.Sqrt(x * x + y * y) : Math.Sqrt((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5));
            Assert.True(Math.Abs(distance - 1) < 1e-12, $"({x}, {y}) is not on its arc");
        }
        Assert.Throws<InvalidConfigurationException>(() => TwoMoons.Generate(1, 0.1, 0));
        Assert.Throws<InvalidConfigurationException>(() => TwoMoons.Generate(10, double.NaN, 0));
    }

    [Fact]
    public void DatasetsMoons_RegeneratesTheShippedFileByteForByte()
    {
        using var scratch = new ScratchFolder();
        string path = Path.Combine(scratch.Path, "moons.csv");
        RealCli.Expect(ExitCodes.Success, "datasets", "moons", "--samples", "200", "--noise", "0.1", "--seed", "0", "--out", path);
        Assert.Equal(File.ReadAllBytes(TestData.ShippedFile("two-moons.csv")), File.ReadAllBytes(path));
    }

    [Fact]
    public void Region_TwoFeatureCertificate_WritesThePlaneAndCountsCertifiedCells()
    {
        using var scratch = new ScratchFolder();
        File.Copy(TestData.ShippedFile("two-moons.csv"), Path.Combine(scratch.Path, "two-moons.csv"));
        string run = scratch.Write("moons.json", """
            {
              "name": "moons-e2e",
              "dataset": { "file": "two-moons.csv", "target": "label", "header": true },
              "model": { "hidden": [8] },
              "loss": "binary-cross-entropy",
              "training": { "epochs": 3, "batchSize": 80, "learningRate": 0.1 },
              "threat": { "features": { "count": 1, "epsilon": 0.01 } }
            }
            """);
        string folder = Path.Combine(scratch.Path, "cert");
        RealCli.Expect(ExitCodes.Success, "certify", run, "--out", folder, "--no-report");
        string png = Path.Combine(scratch.Path, "region.png");
        CliResult result = RealCli.Expect(ExitCodes.Success, "region", Path.Combine(folder, "certificate.json"), "--out", png, "--resolution", "30");
        Assert.Matches(@"Region of 'moons-e2e': the prediction is certified .* on \d+\.\d % of the 30 × 30 grid", result.Output);
        RealCli.AssertPng(png);
    }

    [Fact]
    public void Region_CertificateOfMoreFeatures_IsAnInputErrorNamingTheFeatureCount()
    {
        using var heart = HeartRun.Features();
        string certificate = heart.Certify();
        CliResult result = RealCli.Expect(ExitCodes.UsageError, "region", certificate);
        Assert.Contains("13 features", result.All);
    }
}
