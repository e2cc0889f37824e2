using PoisonCert.Certification;
using PoisonCert.Data;
using PoisonCert.Models;
using PoisonCert.Runs;
using PoisonCert.Tests.Data;

namespace PoisonCert.Tests.Runs;

/// <summary>
/// Run files for fine-tuning: <c>split.trainRows</c> (a range of the training part) and <c>model.initialParameters</c>
/// (a params.json to start from), on the shipped Statlog heart file (270 rows; the default stratified split leaves 216
/// training rows and 54 test rows).
/// </summary>
public class FineTuningRunTests
{
    private const int HeartTrainRows = 216;

    private static RunFileException Rejects(string json) => Assert.Throws<RunFileException>(() => RunFile.Parse(json, "bad.json"));

    [Theory]
    [InlineData("""{ "dataset": { "name": "heart" }, "split": { "trainRows": [5] } }""", "$.split.trainRows", "a list of 1")]
    [InlineData("""{ "dataset": { "name": "heart" }, "split": { "trainRows": [1, 2, 3] } }""", "$.split.trainRows", "a list of 3")]
    [InlineData("""{ "dataset": { "name": "heart" }, "split": { "trainRows": 10 } }""", "$.split.trainRows", "[start, end]")]
    [InlineData("""{ "dataset": { "name": "heart" }, "split": { "trainRows": [-1, 4] } }""", "$.split.trainRows[0]", "a first row ≥ 0")]
    [InlineData("""{ "dataset": { "name": "heart" }, "split": { "trainRows": [0.5, 4] } }""", "$.split.trainRows[0]", "a first row ≥ 0")]
    [InlineData("""{ "dataset": { "name": "heart" }, "split": { "trainRows": [8, 8] } }""", "$.split.trainRows[1]", "above the start row 8")]
    [InlineData("""{ "dataset": { "name": "heart" }, "split": { "trainRows": [9, 3] } }""", "$.split.trainRows[1]", "above the start row 9")]
    [InlineData("""{ "dataset": { "name": "heart" }, "model": { "initialParameters": "" } }""", "$.model.initialParameters", "params.json")]
    [InlineData("""{ "dataset": { "name": "heart" }, "model": { "initialParameters": 3 } }""", "$.model.initialParameters", "params.json")]
    [InlineData("""{ "dataset": { "name": "heart" }, "model": { "initialParameters": "p.json", "initSeed": 2 } }""", "$.model.initSeed", "remove one of the two")]
    public void Parse_BadRowRangeOrInitialParameters_IsRejectedAtItsPath(string json, string path, string expected)
    {
        RunFileException error = Rejects(json);
        Assert.Equal(path, error.JsonPath);
        Assert.Contains(expected, error.Problem);
        Assert.Contains("'bad.json'", error.Message);
    }

    [Fact]
    public void ToJson_RowRangeAndInitialParameters_RoundTripGivenAndResolved()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("runs/ft.json", """
            { "dataset": { "name": "heart" }, "split": { "trainRows": [10, 20] },
              "model": { "hidden": [4], "frozenLayers": 1, "initialParameters": "../pre/params.json" } }
            """);
        RunSpecification specification = RunFile.Load(path);
        Assert.Equal(new RowRange(10, 20), specification.Split!.TrainRows);
        string given = specification.ToJson();
        Assert.Contains("\"trainRows\": [10, 20]", given);
        Assert.Equal(given, RunFile.Parse(given, path).ToJson());
        ResolvedRun run = specification.Resolve();
        Assert.Equal(new RowRange(10, 20), run.Split.TrainRows);
        Assert.Equal("../pre/params.json", run.Model.InitialParameters);
        Assert.Equal(Path.Combine(scratch.Path, "pre", "params.json"), run.Model.InitialParametersFullPath);
        string resolved = run.ToJson();
        Assert.DoesNotContain("initSeed", resolved); // initSeed does not apply with initialParameters (and may not be given with it)
        Assert.Equal(resolved, RunFile.Parse(resolved, path).Resolve().ToJson());
        Assert.Empty(SchemaConformance.Check("run.schema.json", resolved));
        Assert.Empty(SchemaConformance.Check("run.schema.json", given));
        // Without either field the resolved run records neither (and still its initSeed).
        string plain = RunFile.Parse("""{ "dataset": { "name": "heart" } }""", path).Resolve().ToJson();
        Assert.DoesNotContain("trainRows", plain);
        Assert.DoesNotContain("initialParameters", plain);
        Assert.Contains("initSeed", plain);
    }

    [Fact]
    public void Prepare_RangePastTheTrainingPart_IsRejectedWithTheRowCount()
    {
        RunSpecification run = RunFile.Parse($$"""{ "dataset": { "name": "heart" }, "split": { "trainRows": [100, {{HeartTrainRows + 1}}] } }""", "runs/ft.json");
        var error = Assert.Throws<RunFileException>(() => RunPipeline.Prepare(run, TestData.Registry()));
        Assert.Equal("$.split.trainRows", error.JsonPath);
        Assert.Contains($"reaches past the {HeartTrainRows} rows", error.Problem);
        Assert.Contains($"at most {HeartTrainRows}", error.Problem);
        // The last possible range is accepted.
        Assert.Equal(116, RunPipeline.Prepare(run with { Split = new SplitSpecification { TrainRows = new RowRange(100, HeartTrainRows) } }, TestData.Registry()).Train.Rows);
    }

    [Fact]
    public void Prepare_BatchLargerThanTheRange_IsRejectedAtTheBatchSize()
    {
        RunSpecification run = RunFile.Parse("""{ "dataset": { "name": "heart" }, "split": { "trainRows": [0, 40] }, "training": { "batchSize": 54 } }""", "runs/ft.json");
        var error = Assert.Throws<RunFileException>(() => RunPipeline.Prepare(run, TestData.Registry()));
        Assert.Equal("$.training.batchSize", error.JsonPath);
        Assert.Contains("40 training rows", error.Problem);
    }

    [Fact]
    public void Prepare_DisjointRanges_SplitTheTrainingPartAndShareScalingAndTestRows()
    {
        DatasetRegistry registry = TestData.Registry();
        PreparedRun whole = RunPipeline.Prepare(RunFile.Parse("""{ "dataset": { "name": "heart" } }""", "runs/all.json"), registry);
        PreparedRun first = RunPipeline.Prepare(RunFile.Parse("""{ "dataset": { "name": "heart" }, "split": { "trainRows": [0, 100] } }""", "runs/a.json"), registry);
        PreparedRun second = RunPipeline.Prepare(RunFile.Parse("""{ "dataset": { "name": "heart" }, "split": { "trainRows": [100, 216] } }""", "runs/b.json"), registry);
        Assert.Equal(HeartTrainRows, whole.Train.Rows);
        Assert.Equal(100, first.Train.Rows);
        Assert.Equal(116, second.Train.Rows);
        Assert.Empty(first.Split.TrainRowIndices.Intersect(second.Split.TrainRowIndices));
        Assert.Equal(whole.Split.TrainRowIndices, [.. first.Split.TrainRowIndices, .. second.Split.TrainRowIndices]);
        Assert.Empty(first.Split.TrainRowIndices.Intersect(first.Split.TestRowIndices));
        foreach (PreparedRun part in new[] { first, second })
        {
            Assert.Equal(whole.Split.TestRowIndices, part.Split.TestRowIndices);
            Assert.Equal(whole.Scaling.Offsets, part.Scaling.Offsets); // fitted on the whole training part
            Assert.Equal(whole.Scaling.Scales, part.Scaling.Scales);
            Assert.Equal(HeartTrainRows, part.Scaling.FittedOnRows);
            Assert.Equal(HeartTrainRows, part.Split.Description.SplitTrainRows);
            Assert.Equal(part.Train.Rows, part.Split.Description.TrainRows);
        }
        Assert.Equal(new RowRange(100, 216), second.Split.Description.TrainRowRange);
        Assert.Null(whole.Split.Description.TrainRowRange);
        Assert.Null(whole.Split.Description.SplitTrainRows);
        // The kept rows are the training part's rows start … end − 1, features scaled as in the whole run.
        for (int row = 0; row < second.Train.Rows; row++)
        {
            Assert.Equal(whole.Train.Features.Slice((100 + row) * whole.Train.Columns, whole.Train.Columns).ToArray(),
                second.Train.Features.Slice(row * second.Train.Columns, second.Train.Columns).ToArray());
        }
    }

    [Fact]
    public void Prepare_InitialParameters_AreTheFilesValuesBitForBit()
    {
        using var scratch = new ScratchFolder();
        ParametersFile file = Pretrained(scratch, out string runPath);
        PreparedRun prepared = RunPipeline.Prepare(RunFile.Load(runPath), TestData.Registry());
        Assert.Equal(Path.Combine(scratch.Path, "pre.params.json"), prepared.InitialParametersFile!.Path);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(scratch.Path, "pre.params.json")))),
            prepared.InitialParametersFile.Sha256);
        var (_, _, initial, _) = RunPipeline.Build<float>(prepared);
        float[] expected = [.. file.Parameters.SelectMany(tensor => tensor.Values.Single.ToArray())];
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), initial.Values.Select(BitConverter.SingleToInt32Bits));
        // Not the seeded initialisation.
        Assert.NotEqual(NetworkParameters<float>.Initialize(initial.Architecture, 0).Values, initial.Values);
    }

    [Theory]
    [InlineData("name", "$.parameters[0].name", "expected 'layer0.weight'")]
    [InlineData("shape", "$.parameters[1].shape", "has shape [4], the file's [3]")]
    [InlineData("count", "$.parameters", "has 4 parameter tensors")]
    [InlineData("precision", "$.precision", "the run's precision is float32, the file's float64")]
    [InlineData("finite", "$.parameters[3].values[0]", "a finite float32")]
    [InlineData("values", "$.parameters[3].values", "expected 1 values")]
    [InlineData("format", "$.format", "not a PoisonCert parameters file")]
    public void Prepare_InitialParametersThatDoNotFit_NameTheFileAndPath(string change, string path, string expected)
    {
        using var scratch = new ScratchFolder();
        ParametersFile file = Pretrained(scratch, out string runPath);
        string paramsPath = Path.Combine(scratch.Path, "pre.params.json");
        string json = File.ReadAllText(paramsPath);
        json = change switch
        {
            "name" => json.Replace("\"layer0.weight\"", "\"first.weight\""),
            "shape" => ReplaceTensor(json, file, 1, new ParameterTensor("layer0.bias", [3], ParameterValues.Of(new float[] { 1, 2, 3 }))),
            "count" => new ParametersFile("t", NumericPrecision.Float32, [.. file.Parameters.Take(3)]).ToJson(),
            "precision" => new ParametersFile("t", NumericPrecision.Float64,
                [.. file.Parameters.Select(tensor => new ParameterTensor(tensor.Name, tensor.Shape, ParameterValues.Of(tensor.Values.Single.ToArray().Select(v => (double)v).ToArray())))]).ToJson(),
            "finite" => ReplaceTensor(json, file, 3, null, "[1e39]"),
            "values" => ReplaceTensor(json, file, 3, null, "[1, 2]"),
            _ => json.Replace("poisoncert-parameters", "something-else"),
        };
        File.WriteAllText(paramsPath, json);
        var error = Assert.Throws<ParametersFileException>(() => RunPipeline.Prepare(RunFile.Load(runPath), TestData.Registry()));
        Assert.Equal(path, error.JsonPath);
        Assert.Contains(expected, error.Problem);
        Assert.StartsWith($"Parameters file '{paramsPath}', {path}", error.Message);
    }

    [Fact]
    public void Prepare_MissingInitialParameters_IsARunFileErrorAtTheField()
    {
        using var scratch = new ScratchFolder();
        string runPath = scratch.Write("ft.json", """{ "dataset": { "name": "heart" }, "model": { "hidden": [4], "initialParameters": "nowhere/params.json" } }""");
        var error = Assert.Throws<RunFileException>(() => RunPipeline.Prepare(RunFile.Load(runPath), TestData.Registry()));
        Assert.Equal("$.model.initialParameters", error.JsonPath);
        Assert.NotNull(error.Line);
        Assert.Contains(Path.Combine(scratch.Path, "nowhere", "params.json"), error.Problem);
    }

    [Fact]
    public void Prepare_InitialParametersOfAnotherArchitecture_NameTheExpectedModel()
    {
        using var scratch = new ScratchFolder();
        Pretrained(scratch, out _);
        string runPath = scratch.Write("wider.json", """{ "dataset": { "name": "heart" }, "model": { "hidden": [5], "initialParameters": "pre.params.json" } }""");
        var error = Assert.Throws<ParametersFileException>(() => RunPipeline.Prepare(RunFile.Load(runPath), TestData.Registry()));
        Assert.Equal("$.parameters[0].shape", error.JsonPath);
        Assert.Contains("13 → Dense(5)-ReLU → Dense(1)", error.Problem);
        Assert.Contains("has shape [5, 13], the file's [4, 13]", error.Problem);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(4999)]
    public void Read_BadValueOnALongLine_GivesItsCharacterColumn(int bad)
    {
        // One line holding every token, with multi-byte characters before the values: columns count characters.
        string[] values = [.. Enumerable.Range(0, 5000).Select(i => i == bad ? "1e39" : "0.5")];
        string json = "{ \"format\": \"poisoncert-parameters\", \"formatVersion\": 1, \"toolVersion\": \"é→ü\", \"precision\": \"float32\", "
            + "\"parameters\": [{ \"name\": \"w\", \"shape\": [5000], \"values\": [" + string.Join(", ", values) + "] }] }";
        using var scratch = new ScratchFolder();
        string path = scratch.Write("long.json", "{\n" + json[1..]);
        var error = Assert.Throws<ParametersFileException>(() => ParametersFile.Read(path));
        Assert.Equal($"$.parameters[0].values[{bad}]", error.JsonPath);
        Assert.Equal(2, error.Line);
        Assert.Equal(json.IndexOf("1e39", StringComparison.Ordinal), error.Column); // 1-based on line 2, which lacks the opening brace
    }

    /// <summary>Trains a 13 → 4 → 1 network on the heart rows [0, 100) into pre.params.json and writes a run starting from it.</summary>
    private static ParametersFile Pretrained(ScratchFolder scratch, out string runPath)
    {
        string pretrain = scratch.Write("pre.json", """{ "dataset": { "name": "heart" }, "split": { "trainRows": [0, 100] }, "model": { "hidden": [4] }, "training": { "batchSize": 25 } }""");
        PreparedRun prepared = RunPipeline.Prepare(RunFile.Load(pretrain), TestData.Registry());
        var file = new ParametersFile("test", NumericPrecision.Float32, RunPipeline.Train(prepared));
        file.Write(Path.Combine(scratch.Path, "pre.params.json"));
        runPath = scratch.Write("ft.json", """
            { "dataset": { "name": "heart" }, "split": { "trainRows": [100, 216] },
              "model": { "hidden": [4], "frozenLayers": 1, "initialParameters": "pre.params.json" }, "training": { "batchSize": 29 } }
            """);
        return file;
    }

    private static string ReplaceTensor(string json, ParametersFile file, int index, ParameterTensor? replacement, string? valuesJson = null)
    {
        var tensors = file.Parameters.ToList();
        if (replacement is not null)
        {
            tensors[index] = replacement;
            return new ParametersFile("t", NumericPrecision.Float32, tensors).ToJson();
        }
        string values = "[" + string.Join(", ", tensors[index].Values.Formatted()) + "]";
        int at = json.IndexOf($"\"name\": \"{tensors[index].Name}\"", StringComparison.Ordinal);
        int start = json.IndexOf(values, at, StringComparison.Ordinal);
        return json[..start] + valuesJson + json[(start + values.Length)..];
    }
}
