using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json;
using System.Text.Json.Nodes;
using PoisonCert.Certification;
using PoisonCert.Cli;
using PoisonCert.Tests.Data;
using PoisonCert.Tests.Runs;

namespace PoisonCert.Tests.Cli;

/// <summary>
/// The commands end to end against the real engine and the shipped datasets, in scratch folders: certify (default
/// run and run files), verify (fresh, tampered and side-file certificates), train, sweep, audit, and bad input.
/// The poisoned-training checks are in <see cref="EndToEndPoisoningTests"/>; the root command in
/// <see cref="EndToEndWorkingFolderTests"/>.
/// </summary>
public class EndToEndCommandTests
{
    [Fact]
    public void Certify_DefaultRun_WritesCertificateReportAndPlotsAndNamesTheMetrics()
    {
        using var scratch = new ScratchFolder();
        string folder = Path.Combine(scratch.Path, "out");
        CliResult result = RealCli.Expect(ExitCodes.Success, "certify", "--out", folder);
        AssertDefaultRunWritten(folder, result);
    }

    /// <summary>What certify of the default run (WDBC, 30 features, 16 hidden units, 1 output) writes and prints.</summary>
    internal static void AssertDefaultRunWritten(string folder, CliResult result, string? printedFolder = null)
    {
        printedFolder ??= folder;
        CertificateFile certificate = CertificateFile.Read(Path.Combine(folder, "certificate.json"));
        Assert.Equal("default-run.json", certificate.Run.FileName);
        Assert.Equal("wdbc-default", certificate.Run.Resolved.Name);
        Assert.Null(certificate.SideFile);
        Assert.Equal(30 * 16 + 16 + 16 + 1, certificate.Parameters.Sum(p => p.ElementCount));
        Assert.Equal(["accuracy", "stable predictions"], certificate.Metrics.Select(m => m.Name));
        string report = File.ReadAllText(Path.Combine(folder, "report.md"));
        Assert.Contains("wdbc-default", report);
        Assert.Contains("accuracy", report);
        RealCli.AssertPng(Path.Combine(folder, "bound-widths.png"));
        RealCli.AssertPng(Path.Combine(folder, "metrics.png"));
        Assert.False(File.Exists(Path.Combine(folder, "parameters.bin")));
        Assert.Contains("Certificate for 'wdbc-default' on wdbc", result.Output);
        Assert.Contains("Threat model: up to 1 of every 64 training points", result.Output);
        Assert.Contains("| metric | nominal | certified |", result.Output);
        Assert.Matches(@"\| accuracy \| 0\.\d{4} \| 0\.\d{4} \|", result.Output);
        Assert.Matches(@"\| stable predictions \| 1\.0000 \| 0\.\d{4} \|", result.Output);
        Assert.Contains(Path.Combine(printedFolder, "certificate.json"), result.Output);
        Assert.Contains(Path.Combine(printedFolder, "report.md"), result.Output);
        Assert.DoesNotContain("parameters.bin", result.Output);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void Verify_FreshCertificate_Succeeds()
    {
        using var heart = HeartRun.Features();
        string certificate = heart.Certify();
        CliResult result = RealCli.Expect(ExitCodes.Success, "verify", certificate);
        Assert.Contains("verified:", result.Output);
        Assert.Contains("match a fresh certification bit for bit", result.Output);
    }

    /// <summary>"domain": "affine" through the CLI: the certificate records it, verify re-derives it bit for bit, and its bounds are never wider than the interval domain's.</summary>
    [Fact]
    public void Certify_AffineDomain_VerifiesAndIsNoWiderThanIntervals() => CertifyVerifyAndCompare("affine");

    /// <summary>"domain": "crown" through the CLI, the same checks.</summary>
    [Fact]
    public void Certify_CrownDomain_VerifiesAndIsNoWiderThanIntervals() => CertifyVerifyAndCompare("crown");

    private static void CertifyVerifyAndCompare(string domain)
    {
        using var affine = HeartRun.Features(domain);
        using var interval = HeartRun.Features("interval");
        var affineCertificate = affine.Certify();
        interval.Certify();
        CliResult result = RealCli.Expect(ExitCodes.Success, "verify", affineCertificate);
        Assert.Contains("match a fresh certification bit for bit", result.Output);
        var a = CertificateFile.Read(affineCertificate);
        var i = CertificateFile.Read(interval.CertificatePath());
        Assert.Equal(domain, PoisonCert.Runs.RunVocabulary.Domain.Name(a.Domain));
        Assert.True(a.StepMeanBoundWidths[^1] < i.StepMeanBoundWidths[^1], $"affine {a.StepMeanBoundWidths[^1]:R}, interval {i.StepMeanBoundWidths[^1]:R}");
        var accuracy = (CertificateFile c) => c.Metrics.First(m => m.Name == "accuracy").Certified;
        Assert.True(accuracy(a) >= accuracy(i), $"affine certified accuracy {accuracy(a)}, interval {accuracy(i)}");
    }

    [Fact]
    public void Verify_CertificateOfAnotherVersionThatDiffers_FailsAndNamesBothVersions()
    {
        using var heart = HeartRun.Features();
        string path = heart.Certify();
        RealCli.Edit(path, root =>
        {
            root["toolVersion"] = "0.0.9";
            JsonArray upper = root["parameters"]![0]!["upper"]!.AsArray();
            upper[0] = JsonValue.Create(upper[0]!.GetValue<double>() + 0.01);
        });
        CliResult result = RealCli.Expect(ExitCodes.Refused, "verify", path);
        Assert.Contains($"NOT verified: {path}", result.Output);
        Assert.Contains($"written by PoisonCert 0.0.9 and this is {PoisonCert.Cli.Program.Version}", result.Output);
    }

    [Fact]
    public void Verify_LowerBoundMadeSmaller_PassesTheReaderAndFailsNamingTheParameter()
    {
        using var heart = HeartRun.Features();
        string path = heart.Certify();
        string name = CertificateFile.Read(path).Parameters[1].Name;
        RealCli.Edit(path, root =>
        {
            JsonArray lower = root["parameters"]![1]!["lower"]!.AsArray();
            lower[3] = JsonValue.Create(lower[3]!.GetValue<double>() - 0.01);
        });
        CertificateFile.Read(path); // still a well-formed certificate: lower ≤ nominal ≤ upper holds
        CliResult result = RealCli.Expect(ExitCodes.Refused, "verify", path);
        Assert.Contains($"NOT verified: {path}", result.Output);
        Assert.Contains($"{name} lower[3]:", result.Output);
        Assert.Contains("recomputed", result.Output);
        Assert.DoesNotContain("upper", result.Output);
        Assert.DoesNotContain("data file", result.Output);
    }

    [Fact]
    public void Verify_MetricChanged_FailsNamingTheMetric()
    {
        using var heart = HeartRun.Features();
        string path = heart.Certify();
        RealCli.Edit(path, root =>
        {
            JsonNode metric = root["metrics"]![0]!;
            metric["certified"] = JsonValue.Create(metric["certified"]!.GetValue<double>() == 1 ? 0.5 : 1.0);
        });
        CliResult result = RealCli.Expect(ExitCodes.Refused, "verify", path);
        Assert.Contains("metric accuracy:", result.Output);
        Assert.DoesNotContain("lower[", result.Output);
    }

    [Fact]
    public void Verify_DataFileByteChanged_FailsNamingTheDataFile()
    {
        using var heart = HeartRun.Features();
        string path = heart.Certify();
        string text = File.ReadAllText(heart.DataPath);
        int at = text.IndexOf("0.708333", StringComparison.Ordinal);
        Assert.True(at >= 0);
        File.WriteAllText(heart.DataPath, text[..at] + "0.708334" + text[(at + 8)..]);
        CliResult result = RealCli.Expect(ExitCodes.Refused, "verify", path);
        Assert.Contains($"data file {HeartRun.DataFileName}: SHA-256", result.Output);
    }

    [Fact]
    public void Verify_CertificateWithSideFile_Succeeds_AndAChangedSideFileIsRejected()
    {
        using var heart = HeartRun.Features();
        CliResult certified = RealCli.Expect(ExitCodes.Success, "certify", heart.RunPath, "--out", heart.Folder("cert"), "--side-file-threshold", "0", "--no-report");
        string path = heart.CertificatePath();
        string side = Path.Combine(heart.Folder("cert"), "parameters.bin");
        Assert.Contains(side, certified.Output);
        Assert.False(File.Exists(Path.Combine(heart.Folder("cert"), "report.md")));
        CertificateFile certificate = CertificateFile.Read(path);
        Assert.NotNull(certificate.SideFile);
        Assert.Contains("\"parametersFile\"", File.ReadAllText(path));
        Assert.DoesNotContain("\"lower\"", File.ReadAllText(path));
        RealCli.Expect(ExitCodes.Success, "verify", path);

        byte[] bytes = File.ReadAllBytes(side);
        bytes[^1] ^= 1;
        File.WriteAllBytes(side, bytes);
        CliResult changed = RealCli.Expect(ExitCodes.UsageError, "verify", path);
        Assert.Contains("parameters.bin", changed.Error);
        Assert.Contains("altered", changed.Error);
    }

    [Fact]
    public void Certify_AgainWithoutSideFile_DoesNotListAStaleParametersBin()
    {
        using var heart = HeartRun.Features();
        heart.Certify("cert", "--side-file-threshold", "0", "--no-report");
        CliResult again = RealCli.Expect(ExitCodes.Success, "certify", heart.RunPath, "--out", heart.Folder("cert"), "--no-report");
        Assert.DoesNotContain("parameters.bin", again.Output);
        Assert.Null(CertificateFile.Read(heart.CertificatePath()).SideFile);
    }

    public static TheoryData<string> TrainRuns() => new() { "heart", "wdbc.json" };

    [Theory]
    [MemberData(nameof(TrainRuns))]
    public void Train_NominalParameters_EqualTheCertificatesNominalBitForBit(string run)
    {
        using var heart = HeartRun.Features();
        string runPath = run == "heart" ? heart.RunPath : Path.Combine(Examples.Folder, run);
        RealCli.Expect(ExitCodes.Success, "certify", runPath, "--out", heart.Folder("cert"), "--no-report");
        string paramsPath = Path.Combine(heart.Folder("trained"), "params.json");
        CliResult trained = RealCli.Expect(ExitCodes.Success, "train", runPath, "--out", paramsPath);
        Assert.Contains($"wrote {paramsPath}", trained.Output);

        CertificateFile certificate = CertificateFile.Read(heart.CertificatePath());
        ParametersFile parameters = ParametersFile.Read(paramsPath);
        Assert.True(parameters.MatchesLayoutOf(certificate));
        foreach (var (bounds, tensor) in certificate.Parameters.Zip(parameters.Parameters))
        {
            Assert.True(bounds.Nominal.BitwiseEquals(tensor.Values), $"{tensor.Name}: trained values differ from the certificate's nominal values");
        }
        CliResult verified = RealCli.Expect(ExitCodes.Success, "verify", heart.CertificatePath(), "--params", paramsPath);
        Assert.Contains("lies inside the box", verified.Output);
    }

    [Fact]
    public void Sweep_ThreeBudgets_PrintsTheTableAndWritesPlotAndReport()
    {
        using var heart = HeartRun.Features();
        string folder = heart.Folder("sweep");
        CliResult result = RealCli.Expect(ExitCodes.Success, "sweep", heart.RunPath, "--k", "0,1,2", "--epsilon", "0.01", "--out", folder);
        Assert.Contains("| k | ε | nominal | certified |", result.Output);
        foreach (int k in new[] { 0, 1, 2 })
        {
            Assert.Matches($@"\| {k} \| 0\.01 \| \d\.\d{{4}} \| \d\.\d{{4}} \|", result.Output);
        }
        Assert.Contains("largest certified budget per test point", result.Output);
        RealCli.AssertPng(Path.Combine(folder, "sweep.png"));
        string report = File.ReadAllText(Path.Combine(folder, "report.md"));
        Assert.Contains("heart-e2e (sweep)", report);
        Assert.Contains("sweep.png", report);
    }

    [Fact]
    public void Sweep_VaryLabels_CertifiesEveryLabelBudgetAndIsNeverBetterThanFewerFlips()
    {
        using var heart = HeartRun.LabelFlips();
        string folder = heart.Folder("sweep-labels");
        CliResult result = RealCli.Expect(ExitCodes.Success, "sweep", heart.RunPath, "--k", "0,1,3", "--epsilon", "0", "--vary", "labels", "--out", folder);
        var certified = new List<double>();
        foreach (int k in new[] { 0, 1, 3 })
        {
            Match row = Regex.Match(result.Output, $@"\| {k} \| 0 \| (\d\.\d{{4}}) \| (\d\.\d{{4}}) \|");
            Assert.True(row.Success, $"no row for k = {k} in:\n{result.Output}");
            certified.Add(double.Parse(row.Groups[2].Value, CultureInfo.InvariantCulture));
        }
        // More flips per batch can only shrink what is certified (each budget's threat contains the smaller one's).
        Assert.True(certified[0] >= certified[1] && certified[1] >= certified[2], string.Join(", ", certified));
        Assert.Contains("label poisoning of k samples", File.ReadAllText(Path.Combine(folder, "report.md")));
    }

    [Fact]
    public void Sweep_VaryLabelsWithoutLabelThreat_IsAUsageErrorNamingTheRunFile()
    {
        using var heart = HeartRun.Features();
        CliResult result = RealCli.Expect(ExitCodes.UsageError, "sweep", heart.RunPath, "--k", "1", "--epsilon", "0.01", "--vary", "labels", "--out", heart.Folder("s"));
        Assert.Contains("--vary labels", result.Error);
        Assert.Contains("heart-run.json", result.Error);
        Assert.False(Directory.Exists(heart.Folder("s")));
    }

    [Fact]
    public void Sweep_UnknownVary_IsAUsageError()
    {
        using var heart = HeartRun.Features();
        CliResult result = RealCli.Expect(ExitCodes.UsageError, "sweep", heart.RunPath, "--k", "1", "--epsilon", "0.01", "--vary", "points", "--out", heart.Folder("s"));
        Assert.Contains("--vary: expected 'features' or 'labels', got 'points'", result.Error);
    }

    [Fact]
    public void Audit_SixRuns_WritesAuditJsonAndPrintsTheMovementTable()
    {
        using var heart = HeartRun.Features();
        string folder = heart.Folder("audit");
        CliResult result = RealCli.Expect(ExitCodes.Success, "audit", heart.RunPath, "--runs", "6", "--seed", "5", "--out", folder);
        Assert.Contains("Audit of 'heart-e2e': 6 poisoned runs within the threat model", result.Output);
        Assert.Contains("| goal | quantity | achieved movement | certified bound | ratio |", result.Output);
        Assert.Contains("No run left the certified box.", result.Output);
        string auditPath = Path.Combine(folder, "audit.json");
        using JsonDocument audit = JsonDocument.Parse(File.ReadAllText(auditPath));
        Assert.Equal(6, audit.RootElement.GetProperty("Runs").GetInt32());
        Assert.Equal(0, audit.RootElement.GetProperty("Escapes").GetArrayLength());
        Assert.True(audit.RootElement.GetProperty("Movements").GetArrayLength() > 0);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    public static TheoryData<string, string, string[]> BadRunFiles() => new()
    {
        { "malformed", "{\n  \"dataset\": { \"name\": \"wdbc\" }\n  \"training\": { \"epochs\": 1 }\n}\n", ["malformed.json', $ (line 3, column 3)", "malformed JSON"] },
        { "unknown-field", "{\n  \"dataset\": { \"name\": \"wdbc\" },\n  \"trainning\": { \"epochs\": 1 }\n}\n", ["unknown-field.json', $.trainning (line 3, column 3)", "unknown field 'trainning'"] },
        {
            "budget-above-batch",
            "{\n  \"dataset\": { \"name\": \"wdbc\" },\n  \"training\": { \"epochs\": 1, \"batchSize\": 8 },\n  \"threat\": { \"features\": { \"count\": 9, \"epsilon\": 0.1 } }\n}\n",
            ["budget-above-batch.json', $.threat.features.count (line 4", "exceeds the 8 points of a batch"]
        },
        {
            "nan-cell",
            "{ \"dataset\": { \"file\": \"cells.csv\", \"target\": \"y\", \"header\": true }, \"training\": { \"epochs\": 1, \"batchSize\": 2 } }",
            ["Data file '", "cells.csv', line 4, column 1", "NaN"]
        },
    };

    [Theory]
    [MemberData(nameof(BadRunFiles))]
    public void Certify_BadRunFile_IsAnInputErrorAndWritesNoCertificate(string name, string json, string[] expected)
    {
        using var scratch = new ScratchFolder();
        scratch.Write("cells.csv", "a,b,y\n1,2,0\n3,4,1\nnan,5,0\n6,7,1\n8,9,0\n");
        string run = scratch.Write($"{name}.json", json);
        string folder = Path.Combine(scratch.Path, "out");
        CliResult result = RealCli.Expect(ExitCodes.UsageError, "certify", run, "--out", folder);
        Assert.StartsWith("poisoncert certify: ", result.Error);
        foreach (string part in expected)
        {
            Assert.Contains(part, result.Error);
        }
        Assert.Equal("", result.Output);
        RealCli.AssertNoCertificate(folder);
    }

    [Fact]
    public void Verify_TruncatedCertificate_IsAnInputError()
    {
        using var heart = HeartRun.Features();
        string path = heart.Certify("cert", "--no-report");
        string json = File.ReadAllText(path);
        File.WriteAllText(path, json[..(json.Length / 2)]);
        CliResult result = RealCli.Expect(ExitCodes.UsageError, "verify", path);
        Assert.Contains("poisoncert verify: ", result.Error);
        Assert.Contains("malformed JSON", result.Error);
        Assert.Contains(path, result.Error);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public void Sweep_NegativeBudget_IsAUsageError()
    {
        using var heart = HeartRun.Features();
        CliResult result = RealCli.Expect(ExitCodes.UsageError, "sweep", heart.RunPath, "--k", "0,-1", "--epsilon", "0.01", "--out", heart.Folder("sweep"));
        Assert.Contains("--k", result.Error);
        Assert.Contains("'-1' is not one", result.Error);
        Assert.False(Directory.Exists(heart.Folder("sweep")));
    }

    [Fact]
    public void Certify_SideFilePathTakenByAFolder_IsAnErrorAndKeepsThePreviousCertificate()
    {
        using var heart = HeartRun.Features();
        string path = heart.Certify("cert", "--no-report");
        byte[] before = File.ReadAllBytes(path);
        Directory.CreateDirectory(Path.Combine(heart.Folder("cert"), "parameters.bin"));
        CliResult result = RealCli.Expect(ExitCodes.UsageError, "certify", heart.RunPath, "--out", heart.Folder("cert"), "--side-file-threshold", "0", "--no-report");
        Assert.StartsWith("poisoncert certify: ", result.Error);
        Assert.Contains("parameters.bin", result.Error);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Empty(Directory.GetFiles(heart.Folder("cert"), "*.tmp"));
    }

    [Fact]
    public void Certify_CertificatePathTakenByAFolder_IsAnErrorAndLeavesNoPartialFile()
    {
        using var heart = HeartRun.Features();
        string folder = heart.Folder("cert");
        Directory.CreateDirectory(Path.Combine(folder, "certificate.json"));
        CliResult result = RealCli.Expect(ExitCodes.UsageError, "certify", heart.RunPath, "--out", folder, "--no-report");
        Assert.StartsWith("poisoncert certify: ", result.Error);
        Assert.Contains("certificate.json", result.Error);
        Assert.Equal([Path.Combine(folder, "certificate.json")], Directory.GetFileSystemEntries(folder));
    }
}
