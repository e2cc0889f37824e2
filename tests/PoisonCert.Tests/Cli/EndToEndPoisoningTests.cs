using PoisonCert.Certification;
using PoisonCert.Cli;

namespace PoisonCert.Tests.Cli;

/// <summary>
/// The certificate's promise through the command line: certify a run, write a poisoned copy of its training file,
/// train on it with <c>train --train-data</c>, and the trained parameters lie inside the certified box whenever the
/// poisoning is within the threat model (checked by <c>verify --params</c> and directly, zero slack). A poisoning far
/// outside the threat model leaves the box, so the check can fail.
/// </summary>
public class EndToEndPoisoningTests
{
    /// <summary>
    /// Feature moves of 0.999 ε: the loader reads the text as float64 and training converts to float32, which can
    /// add a rounding of about 6e-8 (values in [−1, 1]); the margin of 0.001 ε = 2e-5 keeps every move within ε.
    /// </summary>
    private const double Move = 0.999 * HeartRun.Epsilon;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void PoisonedFeatures_WithinTheThreatModel_TrainInsideTheCertifiedBox(int seed)
    {
        using var heart = HeartRun.Features();
        string certificatePath = heart.Certify("cert", "--no-report");
        var random = new Random(seed);
        IReadOnlyList<int> train = heart.TrainRows();
        int[] rows = [.. train.OrderBy(_ => random.Next()).Take(HeartRun.FeatureBudget)];
        var changed = new Dictionary<int, string>();
        foreach (int row in rows)
        {
            var (label, features) = HeartRun.Parse(heart.Line(row));
            // Every feature moved to a corner of the ε-box (seed 3: all up), absent (zero) features included.
            double[] moved = [.. features.Select(x => x + (seed == 3 || random.Next(2) == 0 ? Move : -Move))];
            changed[row] = HeartRun.Format(label, moved);
        }
        AssertInsideBox(heart, certificatePath, heart.WriteChangedCopy("poisoned", changed), verify: seed == 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void FlippedLabels_WithinTheThreatModel_TrainInsideTheCertifiedBox(int seed)
    {
        using var heart = HeartRun.LabelFlips();
        string certificatePath = heart.Certify("cert", "--no-report");
        var random = new Random(seed);
        int[] rows = [.. heart.TrainRows().OrderBy(_ => random.Next()).Take(HeartRun.LabelBudget)];
        var changed = new Dictionary<int, string>();
        foreach (int row in rows)
        {
            var (label, features) = HeartRun.Parse(heart.Line(row));
            changed[row] = HeartRun.Format(label == "+1" ? "-1" : "+1", features);
        }
        AssertInsideBox(heart, certificatePath, heart.WriteChangedCopy("flipped", changed), verify: seed == 1);
    }

    [Fact]
    public void PoisonedFeatures_FarOutsideTheThreatModel_LeaveTheCertifiedBox()
    {
        using var heart = HeartRun.Features();
        string certificatePath = heart.Certify("cert", "--no-report");
        var random = new Random(7);
        double move = 50 * HeartRun.Epsilon; // ε · 50 on every training row instead of ε on two
        var changed = new Dictionary<int, string>();
        foreach (int row in heart.TrainRows())
        {
            var (label, features) = HeartRun.Parse(heart.Line(row));
            changed[row] = HeartRun.Format(label, [.. features.Select(x => x + (random.Next(2) == 0 ? move : -move))]);
        }
        string paramsPath = Train(heart, heart.WriteChangedCopy("far", changed));
        List<string> outside = RealCli.OutsideBox(CertificateFile.Read(certificatePath), ParametersFile.Read(paramsPath));
        Assert.NotEmpty(outside);
        CliResult verified = RealCli.Expect(ExitCodes.Refused, "verify", certificatePath, "--params", paramsPath);
        Assert.Contains("NOT verified", verified.Output);
        Assert.Contains("lies outside the certified", verified.Output);
    }

    [Fact]
    public void TrainData_UnchangedCopy_GivesTheNominalParameters()
    {
        using var heart = HeartRun.Features();
        string certificatePath = heart.Certify("cert", "--no-report");
        string paramsPath = Train(heart, heart.WriteChangedCopy("copy", new Dictionary<int, string>()));
        CertificateFile certificate = CertificateFile.Read(certificatePath);
        foreach (var (bounds, tensor) in certificate.Parameters.Zip(ParametersFile.Read(paramsPath).Parameters))
        {
            Assert.True(bounds.Nominal.BitwiseEquals(tensor.Values), tensor.Name);
        }
    }

    private static string Train(HeartRun heart, string trainData)
    {
        string paramsPath = Path.Combine(heart.Folder("trained"), Path.GetFileName(trainData) + ".params.json");
        CliResult trained = RealCli.Expect(ExitCodes.Success, "train", heart.RunPath, "--train-data", trainData, "--out", paramsPath);
        Assert.Contains($"training rows from {trainData}", trained.Output);
        return paramsPath;
    }

    private static void AssertInsideBox(HeartRun heart, string certificatePath, string poisoned, bool verify)
    {
        string paramsPath = Train(heart, poisoned);
        CertificateFile certificate = CertificateFile.Read(certificatePath);
        ParametersFile parameters = ParametersFile.Read(paramsPath);
        List<string> outside = RealCli.OutsideBox(certificate, parameters);
        Assert.True(outside.Count == 0, $"{outside.Count} parameters outside the certified box, e.g. {string.Join("; ", outside.Take(5))}");
        // Not vacuous: the poisoning changed the training run.
        Assert.Contains(certificate.Parameters.Zip(parameters.Parameters), pair => !pair.First.Nominal.BitwiseEquals(pair.Second.Values));
        if (verify)
        {
            CliResult verified = RealCli.Expect(ExitCodes.Success, "verify", certificatePath, "--params", paramsPath);
            Assert.Contains("every parameter of", verified.Output);
            Assert.Contains("lies inside the box", verified.Output);
        }
    }
}
