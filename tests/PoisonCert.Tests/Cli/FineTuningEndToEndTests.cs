using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using JsonNode = System.Text.Json.Nodes.JsonNode;
using PoisonCert.Certification;
using PoisonCert.Cli;
using PoisonCert.Runs;
using PoisonCert.Tests.Data;
using PoisonCert.Tests.Runs;

namespace PoisonCert.Tests.Cli;

/// <summary>
/// Fine-tuning through the command line on a scratch copy of data/heart_scale (scaling "none", so ε is in the
/// file's units): <c>train</c> pretrains a 13 → 8 → 1 network on the rows [0, 108) of the training part, then
/// <c>certify</c> fine-tunes its last Dense layer (<c>frozenLayers</c> 1) from those parameters on the rows
/// [108, 216). Poisoned fine-tuning runs (<c>train --train-data</c>, the same initial parameters) must lie in the
/// certificate's box, zero slack; a changed params file must make <c>verify</c> fail.
/// </summary>
public class FineTuningEndToEndTests
{
    private const double Epsilon = 0.02;
    private const int FeatureBudget = 2;

    /// <summary>0.999 ε: the text is read as float64 and training converts to float32 (see EndToEndPoisoningTests).</summary>
    private const double Move = 0.999 * Epsilon;

    [Fact]
    public void Certify_FromPretrainedParameters_VerifiesAndRecordsTheFileAndRows()
    {
        using var run = FineTuning.Create();
        string certificatePath = run.Certify();
        CliResult verified = RealCli.Expect(ExitCodes.Success, "verify", certificatePath);
        Assert.Contains("verified:", verified.Output);
        CertificateFile certificate = CertificateFile.Read(certificatePath);
        Assert.Equal(run.PretrainedPath, certificate.InitialParameters!.Path);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(run.PretrainedPath))), certificate.InitialParameters.Sha256);
        Assert.Equal(new FileInfo(run.PretrainedPath).Length, certificate.InitialParameters.Length);
        Assert.Equal(new PoisonCert.Data.RowRange(108, 216), certificate.Split.TrainRowRange);
        Assert.Equal(108, certificate.Split.TrainRows);
        Assert.Equal(216, certificate.Split.SplitTrainRows);
        string json = File.ReadAllText(certificatePath);
        Assert.Empty(SchemaConformance.Check("certificate.schema.json", json));
        Assert.Empty(SchemaConformance.Check("run.schema.json", JsonNode.Parse(json)!["run"]!["resolved"]!.ToJsonString()));
        Assert.Empty(SchemaConformance.Check("run.schema.json", File.ReadAllText(run.FineTunePath)));
        // The frozen layer is the pretrained one, as points; the trained layer started there and moved.
        ParametersFile pretrained = ParametersFile.Read(run.PretrainedPath);
        foreach (var (bounds, start) in certificate.Parameters.Zip(pretrained.Parameters))
        {
            if (bounds.Name.StartsWith("layer0.", StringComparison.Ordinal))
            {
                Assert.True(bounds.Nominal.BitwiseEquals(start.Values) && bounds.Lower.BitwiseEquals(start.Values) && bounds.Upper.BitwiseEquals(start.Values), bounds.Name);
            }
            else
            {
                Assert.False(bounds.Nominal.BitwiseEquals(start.Values), bounds.Name);
            }
        }
    }

    [Fact]
    public void Verify_ChangedPretrainedParameters_FailsNamingTheFile()
    {
        using var run = FineTuning.Create();
        string certificatePath = run.Certify();
        string original = File.ReadAllText(run.PretrainedPath);
        ParametersFile pretrained = ParametersFile.Read(run.PretrainedPath);
        // One weight of the frozen layer moved by one float32 step: a valid file of the right layout, other values.
        ParameterTensor first = pretrained.Parameters[0];
        float[] values = first.Values.Single.ToArray();
        values[0] = MathF.BitIncrement(values[0]);
        new ParametersFile(pretrained.ToolVersion, pretrained.Precision, [new ParameterTensor(first.Name, first.Shape, ParameterValues.Of(values)), .. pretrained.Parameters.Skip(1)])
            .Write(run.PretrainedPath);
        CliResult changed = RealCli.Expect(ExitCodes.Refused, "verify", certificatePath);
        Assert.Contains("NOT verified", changed.Output);
        Assert.Contains($"initial parameters file {run.PretrainedPath}: SHA-256", changed.Output);
        Assert.Contains("in the certificate", changed.Output);
        File.Delete(run.PretrainedPath);
        CliResult missing = RealCli.Expect(ExitCodes.Refused, "verify", certificatePath);
        Assert.Contains("cannot be read now", missing.Output);
        File.WriteAllText(run.PretrainedPath, original);
        RealCli.Expect(ExitCodes.Success, "verify", certificatePath);
    }

    [Fact]
    public void ReadCertificate_InitialParametersOrRowRangeTamperedWith_IsRejected()
    {
        using var run = FineTuning.Create();
        string certificatePath = run.Certify();
        string original = File.ReadAllText(certificatePath);
        RealCli.Edit(certificatePath, root => root.Remove("initialParameters"));
        Assert.Contains("'initialParameters' is missing", Assert.Throws<CertificateFileException>(() => CertificateFile.Read(certificatePath)).Message);
        File.WriteAllText(certificatePath, original);
        RealCli.Edit(certificatePath, root => root["split"]!["trainRowRange"] = new JsonArray(100, 216));
        var range = Assert.Throws<CertificateFileException>(() => CertificateFile.Read(certificatePath));
        Assert.Equal("$.split.trainRowRange", range.JsonPath);
        File.WriteAllText(certificatePath, original);
        RealCli.Edit(certificatePath, root => root["split"]!.AsObject().Remove("splitTrainRows"));
        Assert.Equal("$.split", Assert.Throws<CertificateFileException>(() => CertificateFile.Read(certificatePath)).JsonPath);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void PoisonedFineTuning_WithinTheThreatModel_TrainsInsideTheCertifiedBox(int seed)
    {
        using var run = FineTuning.Create();
        string certificatePath = run.Certify();
        var random = new Random(seed);
        var changed = new Dictionary<int, string>();
        foreach (int row in run.FineTuneRows().OrderBy(_ => random.Next()).Take(FeatureBudget))
        {
            var (label, features) = HeartRun.Parse(run.Line(row));
            changed[row] = HeartRun.Format(label, [.. features.Select(x => x + (random.Next(2) == 0 ? Move : -Move))]);
        }
        string paramsPath = run.Train(run.WriteChangedCopy("poisoned", changed));
        CertificateFile certificate = CertificateFile.Read(certificatePath);
        ParametersFile parameters = ParametersFile.Read(paramsPath);
        List<string> outside = RealCli.OutsideBox(certificate, parameters);
        Assert.True(outside.Count == 0, $"{outside.Count} parameters outside the certified box, e.g. {string.Join("; ", outside.Take(5))}");
        Assert.Contains(certificate.Parameters.Zip(parameters.Parameters), pair => !pair.First.Nominal.BitwiseEquals(pair.Second.Values)); // not vacuous
        if (seed == 1)
        {
            Assert.Contains("lies inside the box", RealCli.Expect(ExitCodes.Success, "verify", certificatePath, "--params", paramsPath).Output);
        }
    }

    [Fact]
    public void PoisonedFineTuning_FarOutsideTheThreatModel_LeavesTheCertifiedBox()
    {
        using var run = FineTuning.Create();
        string certificatePath = run.Certify();
        var random = new Random(5);
        var changed = new Dictionary<int, string>();
        foreach (int row in run.FineTuneRows())
        {
            var (label, features) = HeartRun.Parse(run.Line(row));
            changed[row] = HeartRun.Format(label, [.. features.Select(x => x + (random.Next(2) == 0 ? 50 * Epsilon : -50 * Epsilon))]);
        }
        string paramsPath = run.Train(run.WriteChangedCopy("far", changed));
        Assert.NotEmpty(RealCli.OutsideBox(CertificateFile.Read(certificatePath), ParametersFile.Read(paramsPath)));
        Assert.Contains("lies outside the certified", RealCli.Expect(ExitCodes.Refused, "verify", certificatePath, "--params", paramsPath).Output);
    }

    [Fact]
    public void Train_ChangedRowsOutsideTheRange_LeaveTheFineTunedParametersUnchanged()
    {
        using var run = FineTuning.Create();
        string certificatePath = run.Certify();
        IReadOnlyList<int> fineTune = run.FineTuneRows();
        var changed = new Dictionary<int, string>();
        foreach (int row in Enumerable.Range(0, 270).Where(row => !fineTune.Contains(row))) // pretraining and test rows
        {
            var (label, features) = HeartRun.Parse(run.Line(row));
            changed[row] = HeartRun.Format(label == "+1" ? "-1" : "+1", [.. features.Select(x => -x)]);
        }
        string paramsPath = run.Train(run.WriteChangedCopy("elsewhere", changed));
        foreach (var (bounds, tensor) in CertificateFile.Read(certificatePath).Parameters.Zip(ParametersFile.Read(paramsPath).Parameters))
        {
            Assert.True(bounds.Nominal.BitwiseEquals(tensor.Values), tensor.Name);
        }
    }

    /// <summary>The scratch folder: the heart file, the pretraining run and its params.json, the fine-tuning run.</summary>
    private sealed class FineTuning : IDisposable
    {
        private FineTuning()
        {
            File.Copy(TestData.ShippedFile(HeartRun.DataFileName), DataPath);
            string pretrain = Scratch.Write("pretrain.json", """
                {
                  "name": "heart-pretrain",
                  "dataset": { "file": "heart_scale", "format": "libsvm" },
                  "scaling": "none",
                  "split": { "trainRows": [0, 108] },
                  "model": { "hidden": [8] },
                  "training": { "epochs": 4, "batchSize": 27, "learningRate": 0.1 }
                }
                """);
            RealCli.Expect(ExitCodes.Success, "train", pretrain, "--out", PretrainedPath);
            FineTunePath = Scratch.Write("finetune.json", string.Create(CultureInfo.InvariantCulture, $$"""
                {
                  "name": "heart-finetune",
                  "dataset": { "file": "heart_scale", "format": "libsvm" },
                  "scaling": "none",
                  "split": { "trainRows": [108, 216] },
                  "model": { "hidden": [8], "frozenLayers": 1, "initialParameters": "pretrained/params.json" },
                  "training": { "epochs": 2, "batchSize": 27, "learningRate": 0.1 },
                  "threat": { "features": { "count": {{FeatureBudget}}, "epsilon": {{Epsilon:R}} } },
                  "certify": { "maxTestPoints": 20 }
                }
                """));
        }

        public static FineTuning Create() => new();

        public ScratchFolder Scratch { get; } = new();

        public string DataPath => Path.Combine(Scratch.Path, HeartRun.DataFileName);

        public string PretrainedPath => Path.Combine(Scratch.Path, "pretrained", "params.json");

        public string FineTunePath { get; }

        public string Certify()
        {
            string folder = Path.Combine(Scratch.Path, "cert");
            RealCli.Expect(ExitCodes.Success, "certify", FineTunePath, "--out", folder, "--no-report");
            return Path.Combine(folder, "certificate.json");
        }

        /// <summary>The rows of the data file the fine-tuning trains on (the range of the training part).</summary>
        public IReadOnlyList<int> FineTuneRows() => RunPipeline.Prepare(RunFile.Load(FineTunePath), TestData.Registry()).Split.TrainRowIndices;

        public string Line(int row) => File.ReadAllLines(DataPath)[row];

        public string WriteChangedCopy(string name, IReadOnlyDictionary<int, string> changedLines)
        {
            string[] lines = File.ReadAllLines(DataPath);
            foreach (var (row, line) in changedLines)
            {
                lines[row] = line;
            }
            return Scratch.Write(name, string.Join("\n", lines) + "\n");
        }

        /// <summary>Fine-tunes (plain training, from the same pretrained parameters) on a changed copy of the data file.</summary>
        public string Train(string trainData)
        {
            string paramsPath = Path.Combine(Scratch.Path, "trained", Path.GetFileName(trainData) + ".params.json");
            CliResult trained = RealCli.Expect(ExitCodes.Success, "train", FineTunePath, "--train-data", trainData, "--out", paramsPath);
            Assert.Contains($"training rows from {trainData}", trained.Output);
            return paramsPath;
        }

        public void Dispose() => Scratch.Dispose();
    }
}
