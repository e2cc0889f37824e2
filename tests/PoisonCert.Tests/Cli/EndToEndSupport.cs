using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PoisonCert.Certification;
using PoisonCert.Cli;
using PoisonCert.Cli.Commands;
using PoisonCert.Cli.Engine;
using PoisonCert.Cli.Progress;
using PoisonCert.Runs;
using JsonNode = System.Text.Json.Nodes.JsonNode;
using PoisonCert.Tests.Data;

namespace PoisonCert.Tests.Cli;

/// <summary>What a command line run against the real engine returned and wrote.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public string All => Output + Error;

    public override string ToString() => $"exit {ExitCode}\n--- output ---\n{Output}\n--- error ---\n{Error}";
}

/// <summary>Runs <c>poisoncert</c> in process with the real <see cref="RunEngine"/> on the repository's data/ folder, quietly.</summary>
internal static class RealCli
{
    public static CliResult Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, new CommandContext
        {
            Output = output,
            Error = error,
            Engine = new RunEngine(TestData.Registry),
            Progress = _ => ProgressReporter.Silent,
            Registry = TestData.Registry,
        });
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs and asserts the exit code, showing everything the command wrote when it differs.</summary>
    public static CliResult Expect(int exitCode, params string[] args)
    {
        CliResult result = Run(args);
        Assert.True(result.ExitCode == exitCode, $"expected exit {exitCode} from 'poisoncert {string.Join(" ", args)}', got {result}");
        return result;
    }

    public static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"missing {path}");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 100, $"{path} has only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
    }

    /// <summary>No certificate.json and no temporary file of an atomic write in the folder (which need not exist).</summary>
    public static void AssertNoCertificate(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }
        Assert.False(File.Exists(Path.Combine(folder, "certificate.json")), $"{folder} holds a certificate.json after a failed certify");
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
    }

    /// <summary>Changes a certificate.json through its JSON tree and writes it back (still valid JSON).</summary>
    public static void Edit(string certificatePath, Action<JsonObject> edit)
    {
        JsonObject root = JsonNode.Parse(File.ReadAllText(certificatePath))!.AsObject();
        edit(root);
        File.WriteAllText(certificatePath, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Every value of the parameters outside the certificate's box, as "name[i] = v ∉ [lo, hi]".</summary>
    public static List<string> OutsideBox(CertificateFile certificate, ParametersFile parameters)
    {
        Assert.True(parameters.MatchesLayoutOf(certificate));
        var outside = new List<string>();
        foreach (var (bounds, tensor) in certificate.Parameters.Zip(parameters.Parameters))
        {
            for (int i = 0; i < tensor.Values.Length; i++)
            {
                double value = tensor.Values[i];
                if (!(bounds.Lower[i] <= value && value <= bounds.Upper[i]))
                {
                    outside.Add(string.Create(CultureInfo.InvariantCulture, $"{tensor.Name}[{i}] = {value:R} ∉ [{bounds.Lower[i]:R}, {bounds.Upper[i]:R}]"));
                }
            }
        }
        return outside;
    }
}

/// <summary>
/// A small file-dataset run on a scratch copy of data/heart_scale (LIBSVM, 270 rows × 13 features already in
/// [−1, 1], labels ±1): scaling "none", so the threat model's ε is in the file's own units; one hidden layer of 8,
/// 2 epochs of 8 batches of 27, 20 test points. No "loss": the default comes from the loaded dataset (2 classes).
/// </summary>
internal sealed class HeartRun : IDisposable
{
    public const string DataFileName = "heart_scale";
    public const int FeatureCount = 13;
    public const double Epsilon = 0.02;
    public const int FeatureBudget = 2;
    public const int LabelBudget = 2;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private HeartRun(string threatJson, string domain = "interval")
    {
        File.Copy(TestData.ShippedFile(DataFileName), DataPath);
        RunPath = Scratch.Write("heart-run.json", $$"""
            {
              "name": "heart-e2e",
              "dataset": { "file": "{{DataFileName}}", "format": "libsvm" },
              "scaling": "none",
              "domain": "{{domain}}",
              "model": { "hidden": [8] },
              "training": { "epochs": 2, "batchSize": 27, "learningRate": 0.1 },
              "threat": {{threatJson}},
              "certify": { "maxTestPoints": 20 }
            }
            """);
    }

    /// <summary>Up to <see cref="FeatureBudget"/> points per batch with features moved by at most <see cref="Epsilon"/> (ℓ∞).</summary>
    public static HeartRun Features(string domain = "interval")
        => new(string.Create(Invariant, $$"""{ "features": { "count": {{FeatureBudget}}, "epsilon": {{Epsilon:R}} } }"""), domain);

    /// <summary>Up to <see cref="LabelBudget"/> points per batch with their label flipped.</summary>
    public static HeartRun LabelFlips() => new($$"""{ "labels": { "count": {{LabelBudget}}, "flip": "any" } }""");

    public ScratchFolder Scratch { get; } = new();

    public string DataPath => Path.Combine(Scratch.Path, DataFileName);

    public string RunPath { get; }

    public string Folder(string name) => Path.Combine(Scratch.Path, name);

    public string CertificatePath(string folder = "cert") => Path.Combine(Folder(folder), "certificate.json");

    /// <summary>Certifies the run into <paramref name="folder"/> and returns the certificate's path.</summary>
    public string Certify(string folder = "cert", params string[] options)
    {
        RealCli.Expect(ExitCodes.Success, ["certify", RunPath, "--out", Folder(folder), .. options]);
        return CertificatePath(folder);
    }

    /// <summary>The rows of the data file that the run trains on (file order, as the split chose them).</summary>
    public IReadOnlyList<int> TrainRows() => RunPipeline.Prepare(RunFile.Load(RunPath), TestData.Registry()).Split.TrainRowIndices;

    /// <summary>Writes a copy of the data file with some lines changed (same rows, same order) and returns its path.</summary>
    public string WriteChangedCopy(string name, IReadOnlyDictionary<int, string> changedLines)
    {
        string[] lines = File.ReadAllLines(DataPath);
        Assert.Equal(270, lines.Length);
        foreach (var (row, line) in changedLines)
        {
            lines[row] = line;
        }
        return Scratch.Write(name, string.Join("\n", lines) + "\n");
    }

    public string Line(int row) => File.ReadAllLines(DataPath)[row];

    /// <summary>A LIBSVM line's label text and its 13 features (absent indices are 0).</summary>
    public static (string Label, double[] Features) Parse(string line)
    {
        string[] tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var features = new double[FeatureCount];
        foreach (string token in tokens.Skip(1))
        {
            int colon = token.IndexOf(':');
            features[int.Parse(token[..colon], Invariant) - 1] = double.Parse(token[(colon + 1)..], Invariant);
        }
        return (tokens[0], features);
    }

    /// <summary>A LIBSVM line with every feature written (shortest round-trip form).</summary>
    public static string Format(string label, double[] features) =>
        label + " " + string.Join(" ", features.Select((value, index) => string.Create(Invariant, $"{index + 1}:{value:R}")));

    public void Dispose() => Scratch.Dispose();
}
