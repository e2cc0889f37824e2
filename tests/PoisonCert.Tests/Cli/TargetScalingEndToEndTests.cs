using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PoisonCert.Certification;
using PoisonCert.Cli;
using PoisonCert.Data;
using PoisonCert.Tests.Data;

namespace PoisonCert.Tests.Cli;

/// <summary>
/// A run on Auto MPG with standardised targets, end to end: the certificate records the target scaling, verify
/// reproduces it bit for bit and refuses a tampered one, and the certified worst-case MSE (in squared target units)
/// bounds the test MSE of every poisoned run of an audit.
/// </summary>
public class TargetScalingEndToEndTests
{
    private const string RunJson = """
        {
          "name": "auto-mpg-e2e",
          "dataset": { "name": "auto-mpg" },
          "targetScaling": "standard",
          "model": { "hidden": [4] },
          "loss": "mse",
          "training": { "epochs": 2, "batchSize": 52, "learningRate": 0.02 },
          "threat": { "features": { "count": 2, "epsilon": 0.02 } }
        }
        """;

    [Fact]
    public void Certify_RecordsTheTargetScaling_AndVerifyReproducesIt()
    {
        using var scratch = new ScratchFolder();
        string run = scratch.Write("auto-mpg.json", RunJson);
        string folder = Path.Combine(scratch.Path, "cert");
        CliResult result = RealCli.Expect(ExitCodes.Success, "certify", run, "--out", folder, "--no-report");
        Assert.Contains("| mse (standardised targets) |", result.Output);
        string path = Path.Combine(folder, "certificate.json");
        CertificateFile certificate = CertificateFile.Read(path);
        TargetScaling scaling = certificate.TargetScaling!;
        Assert.Equal(ScalingMethod.Standardize, scaling.Method);
        Assert.Equal(certificate.Split.TrainRows, scaling.FittedOnRows);
        Assert.Equal(["mse", "best-case mse", "mse (standardised targets)"], certificate.Metrics.Select(m => m.Name));
        CertificateMetric mse = certificate.Metrics[0], standardised = certificate.Metrics[2];
        double sigma = scaling.Scales[0];
        Assert.True(mse.Certified >= standardised.Certified * sigma * sigma, "the converted bound is below σ² × the standardised bound");
        Assert.True(mse.Nominal <= mse.Certified && certificate.Metrics[1].Certified <= mse.Nominal);
        Assert.Contains("verified:", RealCli.Expect(ExitCodes.Success, "verify", path).Output);

        RealCli.Edit(path, root => root["targetScaling"]!["scales"]![0] = sigma * 2);
        CliResult changed = RealCli.Expect(ExitCodes.Refused, "verify", path);
        Assert.Contains("target scaling scales[0]", changed.Output);

        RealCli.Edit(path, root => root.Remove("targetScaling"));
        var missing = Assert.Throws<CertificateFileException>(() => CertificateFile.Read(path));
        Assert.Contains("targetScaling", missing.Message);
    }

    [Fact]
    public void Audit_CertifiedWorstCaseMse_BoundsEveryPoisonedRunsTestMse()
    {
        using var scratch = new ScratchFolder();
        string run = scratch.Write("auto-mpg.json", RunJson);
        string folder = Path.Combine(scratch.Path, "audit");
        CliResult result = RealCli.Expect(ExitCodes.Success, "audit", run, "--runs", "12", "--seed", "3", "--out", folder);
        Assert.Contains("Test mse: clean model", result.Output);
        using JsonDocument audit = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "audit.json")));
        JsonElement metric = audit.RootElement.GetProperty("TestMetric");
        double worst = metric.GetProperty("WorstAchieved").GetDouble();
        double certified = metric.GetProperty("Certified").GetDouble();
        double nominal = metric.GetProperty("Nominal").GetDouble();
        Assert.Equal(12, metric.GetProperty("Runs").GetInt32());
        Assert.True(worst <= certified, string.Create(CultureInfo.InvariantCulture, $"a poisoned run's test MSE {worst:R} exceeds the certified {certified:R}"));
        Assert.True(worst > nominal, "no poisoned run moved the test MSE above the clean model's: the attacks did nothing");
        Assert.True(metric.GetProperty("Holds").GetBoolean());
    }
}
