using PoisonCert.Data;
using PoisonCert.Runs;
using PoisonCert.Tests.Data;

namespace PoisonCert.Tests.Runs;

public class RunFileTests
{
    private const string Minimal = """{ "dataset": { "name": "wdbc" } }""";

    private static RunFileException Rejects(string json, string fileName = "bad.json") =>
        Assert.Throws<RunFileException>(() => RunFile.Parse(json, fileName));

    [Fact]
    public void Parse_MinimalRegistryRun_ResolvesEveryDefault()
    {
        ResolvedRun run = RunFile.Parse(Minimal, "runs/wdbc-default.json").Resolve();
        Assert.Equal("wdbc-default", run.Name);
        Assert.Equal("wdbc", run.Dataset.RegistryName);
        Assert.Equal(new SplitSettings(0.2, 0, true), run.Split);
        Assert.Equal(ScalingMethod.Standardize, run.Scaling);
        Assert.Equal(NumericPrecision.Float32, run.Precision);
        Assert.Equal(DomainKind.Interval, run.Domain);
        Assert.Equal([16], run.Model.Hidden);
        Assert.Equal(LossKind.BinaryCrossEntropy, run.Loss);
        Assert.Equal(2, run.Training.Epochs);
        Assert.Equal(64, run.Training.BatchSize);
        Assert.Equal(0.1, run.Training.LearningRate);
        Assert.Equal(LastBatchPolicy.Drop, run.Training.LastBatch);
        Assert.Equal(OptimizerKind.Sgd, run.Training.Optimizer.Type);
        Assert.Null(run.Training.Clip);
        Assert.True(run.Threat.IsClean);
        Assert.Null(run.Certify.MaxTestPoints);
    }

    [Theory]
    [InlineData("iris", LossKind.CrossEntropy)]
    [InlineData("heart", LossKind.BinaryCrossEntropy)]
    [InlineData("diabetes", LossKind.MeanSquaredError)]
    public void Resolve_NoLossGiven_PicksLossFromTheDataset(string dataset, LossKind expected)
    {
        ResolvedRun run = RunFile.Parse($$"""{ "dataset": { "name": "{{dataset}}" } }""", "run.json").Resolve();
        Assert.Equal(expected, run.Loss);
        Assert.Equal(expected != LossKind.MeanSquaredError, run.Split.Stratified);
    }

    [Fact]
    public void Parse_UnknownField_NamesPathPositionAndKnownFields()
    {
        var error = Rejects("""
            {
              "dataset": { "name": "wdbc" },
              "threat": { "features": { "count": 1, "epsilom": 0.1 } }
            }
            """);
        Assert.Equal("$.threat.features.epsilom", error.JsonPath);
        Assert.Equal(3, error.Line);
        Assert.Equal(41, error.Column);
        Assert.Contains("bad.json", error.Message);
        Assert.Contains("unknown field 'epsilom'", error.Message);
        Assert.Contains("'epsilon'", error.Message);
    }

    [Fact]
    public void Parse_UnknownTopLevelField_IsRejected()
    {
        var error = Rejects("""{ "dataset": { "name": "wdbc" }, "epochs": 3 }""");
        Assert.Equal("$.epochs", error.JsonPath);
    }

    [Theory]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "training": { "epochs": "2" } }""", "$.training.epochs", "integer")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "training": { "epochs": 2.5 } }""", "$.training.epochs", "integer")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "threat": { "features": { "epsilon": "0.1" } } }""", "$.threat.features.epsilon", "non-negative finite number")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "model": { "hidden": 16 } }""", "$.model.hidden", "JSON array")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "split": { "stratified": 1 } }""", "$.split.stratified", "true or false")]
    [InlineData("""{ "dataset": "wdbc" }""", "$.dataset", "JSON object")]
    [InlineData("""[1, 2]""", "$", "JSON object")]
    public void Parse_WrongType_NamesPathAndExpectation(string json, string path, string expected)
    {
        var error = Rejects(json);
        Assert.Equal(path, error.JsonPath);
        Assert.Contains(expected, error.Message);
        Assert.NotNull(error.Line);
    }

    [Theory]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "threat": { "features": { "count": -1, "epsilon": 0.1 } } }""", "$.threat.features.count")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "threat": { "labels": { "count": -2 } } }""", "$.threat.labels.count")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "threat": { "trusted": -1 } }""", "$.threat.trusted")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "threat": { "features": { "count": 1, "epsilon": -0.1 } } }""", "$.threat.features.epsilon")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "threat": { "removal": { "count": -3 } } }""", "$.threat.removal.count")]
    public void Parse_NegativeBudget_IsRejected(string json, string path)
    {
        var error = Rejects(json);
        Assert.Equal(path, error.JsonPath);
        Assert.Contains("non-negative", error.Message);
    }

    [Fact]
    public void Parse_UnpairedBudgetsAboveBatchMinusTrusted_IsRejectedWithTheArithmetic()
    {
        var error = Rejects("""
            { "dataset": { "name": "wdbc" }, "training": { "batchSize": 10 },
              "threat": { "features": { "count": 6, "epsilon": 0.1 }, "labels": { "count": 3 }, "trusted": 2 } }
            """);
        Assert.Equal("$.threat.features.count", error.JsonPath);
        Assert.Contains("features 6 + labels 3 = 9", error.Message);
        Assert.Contains("batchSize 10 − trusted 2", error.Message);
    }

    [Fact]
    public void Parse_PairedBudgetsUseTheMaximum_AcceptsWhatUnpairedRejects()
    {
        const string threat = """ "features": { "count": 6, "epsilon": 0.1 }, "labels": { "count": 3 }, "trusted": 2 """;
        RunSpecification paired = RunFile.Parse($$"""{ "dataset": { "name": "wdbc" }, "training": { "batchSize": 10 }, "threat": { {{threat}}, "pairing": "paired" } }""", "run.json");
        Assert.Equal(6, paired.Resolve().Threat.PoisonedPerBatch);
        Rejects($$"""{ "dataset": { "name": "wdbc" }, "training": { "batchSize": 10 }, "threat": { {{threat}} } }""");
    }

    [Fact]
    public void Parse_BudgetAboveDefaultBatch_IsRejected()
    {
        var error = Rejects("""{ "dataset": { "name": "wdbc" }, "threat": { "features": { "count": 65, "epsilon": 0.1 } } }""");
        Assert.Contains("batchSize 64", error.Message);
    }

    [Fact]
    public void Parse_RemovalOfWholeBatch_IsRejected()
    {
        var error = Rejects("""{ "dataset": { "name": "wdbc" }, "training": { "batchSize": 8 }, "threat": { "removal": { "count": 8 } } }""");
        Assert.Equal("$.threat.removal.count", error.JsonPath);
        Assert.Contains("less than 8", error.Message);
    }

    [Fact]
    public void Parse_UnboundedWithoutClip_IsRejectedAskingForAClipBound()
    {
        var error = Rejects("""{ "dataset": { "name": "wdbc" }, "threat": { "unbounded": { "count": 1 } } }""");
        Assert.Equal("$.threat.unbounded", error.JsonPath);
        Assert.Contains("clip", error.Message);
        var clipped = RunFile.Parse("""{ "dataset": { "name": "wdbc" }, "training": { "clip": { "bound": 0.5 } }, "threat": { "unbounded": { "count": 1 } } }""", "run.json").Resolve();
        Assert.Equal(new ClipSettings(ClipKind.Clamp, 0.5), clipped.Training.Clip);
    }

    [Theory]
    [InlineData("""{ "unbounded": { "count": 1 }, "features": { "count": 1, "epsilon": 0.1 } }""", "$.threat.unbounded")]
    [InlineData("""{ "removal": { "count": 1 }, "labels": { "count": 1 } }""", "$.threat.removal")]
    [InlineData("""{ "removal": { "count": 1 }, "unbounded": { "count": 1 } }""", "$.threat.removal")]
    public void Parse_UnboundedOrRemovalWithOtherPoisoning_IsRejected(string threat, string path)
    {
        var error = Rejects($$"""{ "dataset": { "name": "wdbc" }, "training": { "clip": { "bound": 1 } }, "threat": {{threat}} }""");
        Assert.Equal(path, error.JsonPath);
    }

    [Fact]
    public void Parse_FlipsWithMseLoss_IsRejectedBecauseTheRunIsRegression()
    {
        var error = Rejects("""{ "dataset": { "name": "diabetes" }, "loss": "mse", "threat": { "labels": { "count": 1, "flip": "any" } } }""");
        Assert.Equal("$.threat.labels.flip", error.JsonPath);
        Assert.Contains("regression", error.Message);
    }

    [Fact]
    public void Parse_MseOnClassificationDataset_IsRejected()
    {
        var error = Rejects("""{ "dataset": { "name": "wdbc" }, "loss": "mse" }""");
        Assert.Equal("$.loss", error.JsonPath);
        Assert.Contains("class labels", error.Message);
    }

    [Fact]
    public void Parse_NuOnClassification_IsRejected()
    {
        var error = Rejects("""{ "dataset": { "name": "wdbc" }, "threat": { "labels": { "count": 1, "nu": 0.5 } } }""");
        Assert.Equal("$.threat.labels.nu", error.JsonPath);
    }

    [Fact]
    public void Parse_TargetFlipWithoutTargetClass_IsRejected()
    {
        var error = Rejects("""{ "dataset": { "name": "iris" }, "threat": { "labels": { "count": 1, "flip": "target" } } }""");
        Assert.Contains("targetClass", error.Message);
    }

    [Fact]
    public void Parse_InvalidEnumValues_ListTheChoices()
    {
        Assert.Contains("\"drop\", \"error\"", Rejects("""{ "dataset": { "name": "wdbc" }, "training": { "lastBatch": "pad" } }""").Message);
        Assert.Contains("\"float32\", \"float64\"", Rejects("""{ "dataset": { "name": "wdbc" }, "precision": "float16" }""").Message);
        Assert.Contains("\"interval\", \"interval-exact\", \"affine\", \"affine-exact\", \"crown\"", Rejects("""{ "dataset": { "name": "wdbc" }, "domain": "zonotope" }""").Message);
    }

    [Fact]
    public void Parse_UnknownRegistryDataset_ListsKnownNames()
    {
        var error = Rejects("""{ "dataset": { "name": "mnist-full" } }""");
        Assert.Equal("$.dataset.name", error.JsonPath);
        Assert.Contains("wdbc", error.Message);
    }

    [Theory]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "training": { "optimizer": { "type": "sgd", "beta1": 0.8 } } }""", "$.training.optimizer.beta1")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "training": { "optimizer": { "type": "adam", "momentum": 0.9 } } }""", "$.training.optimizer.momentum")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "training": { "optimizer": { "nesterov": true } } }""", "$.training.optimizer.nesterov")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "training": { "learningRate": 0.1, "schedule": { "minimum": 0.2 } } }""", "$.training.schedule.minimum")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "model": { "hidden": [8], "frozenLayers": 2 } }""", "$.model.frozenLayers")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "model": { "hidden": [8, 0] } }""", "$.model.hidden[1]")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "split": { "testFraction": 1 } }""", "$.split.testFraction")]
    [InlineData("""{ "dataset": { "name": "diabetes" }, "split": { "stratified": true } }""", "$.split.stratified")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "training": { "batchSize": 0 } }""", "$.training.batchSize")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "training": { "learningRate": 0 } }""", "$.training.learningRate")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "training": { "clip": { "bound": 0 } } }""", "$.training.clip.bound")]
    [InlineData("""{ "dataset": { "name": "wdbc" }, "certify": { "maxTestPoints": 0 } }""", "$.certify.maxTestPoints")]
    [InlineData("""{ "dataset": { "name": "wdbc", "file": "x.csv" } }""", "$.dataset")]
    [InlineData("""{ "dataset": { "file": "x.libsvm", "header": true } }""", "$.dataset.header")]
    [InlineData("""{ "dataset": { "file": "x.bin" } }""", "$.dataset")]
    [InlineData("""{ "dataset": { "file": "cars.json" } }""", "$.dataset")]
    [InlineData("""{ "split": {} }""", "$")]
    public void Parse_InvalidSettingOrCombination_IsRejectedAtItsPath(string json, string path)
    {
        Assert.Equal(path, Rejects(json).JsonPath);
    }

    [Theory]
    [InlineData("{ \"dataset\": { \"name\": \"wdbc\" },\n  \"training\": { \"epochs\": 2, }\n}", 2, "$.training")]
    [InlineData("{ \"dataset\": { \"name\": \"wdbc\" }\n  \"scaling\": \"none\" }", 2, "$")]
    [InlineData("{ \"dataset\": { \"name\": \"wdbc\" },\n  \"training\": { \"epochs\": 2", 2, "$.training")]
    [InlineData("{ // comment\n \"dataset\": { \"name\": \"wdbc\" } }", 1, "$")]
    [InlineData("", 1, "$")]
    public void Parse_MalformedJson_GivesLineAndColumn(string json, int line, string path)
    {
        var error = Rejects(json, "broken.json");
        Assert.Equal(line, error.Line);
        Assert.NotNull(error.Column);
        Assert.Equal(path, error.JsonPath);
        Assert.Contains($"'broken.json', {path} (line {line}, column {error.Column})", error.Message);
    }

    [Fact]
    public void Parse_DuplicateField_IsRejected()
    {
        var error = Rejects("""{ "dataset": { "name": "wdbc" }, "scaling": "none", "scaling": "minmax" }""");
        Assert.Equal("$.scaling", error.JsonPath);
        Assert.Contains("twice", error.Message);
    }

    [Fact]
    public void Parse_ColumnCountsCharactersNotBytes()
    {
        var error = Rejects("{ \"name\": \"ε-run\", \"dataset\": { \"name\": \"wdbc\" }, \"bogus\": 1 }");
        Assert.Equal(1, error.Line);
        Assert.Equal(51, error.Column);
    }

    [Fact]
    public void Load_MissingFile_ThrowsRunFileException()
    {
        var error = Assert.Throws<RunFileException>(() => RunFile.Load("/nonexistent/run.json"));
        Assert.Contains("cannot read", error.Message);
    }

    [Fact]
    public void Resolve_FileDatasetWithoutLossOrClassCount_AsksForThemOrTheDataset()
    {
        RunSpecification run = RunFile.Parse("""{ "dataset": { "file": "x.csv" } }""", "run.json");
        var error = Assert.Throws<RunFileException>(() => run.Resolve());
        Assert.Contains("loss", error.Message);
        ResolvedRun resolved = run.Resolve(new DatasetInfo(TargetKind.Classification, 3, 4, 120, 30));
        Assert.Equal(LossKind.CrossEntropy, resolved.Loss);
    }

    [Fact]
    public void Resolve_FileDatasetPaths_AreRelativeToTheRunFile()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("runs/penguins.json", """
            { "dataset": { "file": "../data/penguins.csv", "target": "species", "header": true, "categorical": ["island", "sex"], "missing": "drop" },
              "loss": "cross-entropy" }
            """);
        ResolvedRun run = RunFile.Load(path).Resolve();
        Assert.Equal(Path.Combine(scratch.Path, "data", "penguins.csv"), run.Dataset.File!.FullPath);
        Assert.Equal("penguins", run.Dataset.Name);
        Assert.Equal(CsvHeader.Names, run.Dataset.File.Header);
    }

    [Fact]
    public void Validate_TargetClassOutOfRange_NamesTheFieldAndTheClassCount()
    {
        ResolvedRun run = RunFile.Parse("""
            { "dataset": { "name": "iris" }, "training": { "batchSize": 30 },
              "threat": { "labels": { "count": 1, "flip": "target", "targetClass": 3 } } }
            """, "iris.json").Resolve();
        var error = Assert.Throws<RunFileException>(() => run.Validate(new DatasetInfo(TargetKind.Classification, 3, 4, 120, 30)));
        Assert.Equal("$.threat.labels.targetClass", error.JsonPath);
        Assert.Contains("0 to 2", error.Message);
        Assert.Equal(2, error.Line);
    }

    [Theory]
    [InlineData(TargetKind.Regression, 0, 100, "$.dataset")]
    [InlineData(TargetKind.Classification, 3, 100, "$.loss")]
    [InlineData(TargetKind.Classification, 2, 50, "$.training.batchSize")]
    public void Validate_DatasetThatDoesNotFit_IsRejected(TargetKind kind, int classes, int trainRows, string path)
    {
        ResolvedRun run = RunFile.Parse(Minimal, "run.json").Resolve();
        var error = Assert.Throws<RunFileException>(() => run.Validate(new DatasetInfo(kind, classes, 30, trainRows, 20)));
        Assert.Equal(path, error.JsonPath);
    }

    [Fact]
    public void Validate_LastBatchError_RequiresWholeBatches()
    {
        ResolvedRun run = RunFile.Parse("""{ "dataset": { "name": "wdbc" }, "training": { "batchSize": 50, "lastBatch": "error" } }""", "run.json").Resolve();
        run.Validate(new DatasetInfo(TargetKind.Classification, 2, 30, 400, 100));
        var error = Assert.Throws<RunFileException>(() => run.Validate(new DatasetInfo(TargetKind.Classification, 2, 30, 455, 114)));
        Assert.Contains("5 are left over", error.Message);
        Assert.Equal(5, run.DroppedRowsPerEpoch(455));
        Assert.Equal(2 * 9, run.TotalSteps(455));
    }

    [Fact]
    public void ToJson_Specification_RoundTripsAndKeepsOnlyGivenFields()
    {
        RunSpecification run = RunFile.Parse("""{ "threat": { "features": { "epsilon": 0.1, "count": 2 } }, "dataset": { "name": "wdbc" } }""", "run.json");
        string json = run.ToJson();
        Assert.Equal("""
            {
              "dataset": {
                "name": "wdbc"
              },
              "threat": {
                "features": {
                  "count": 2,
                  "epsilon": 0.1
                }
              }
            }

            """.ReplaceLineEndings("\n"), json);
        Assert.Equal(json, RunFile.Parse(json, "run.json").ToJson());
    }

    [Fact]
    public void ToJson_Resolved_ParsesBackToTheSameResolvedRun()
    {
        foreach (string example in Examples.Files())
        {
            ResolvedRun run = RunFile.Load(example).Resolve();
            string json = run.ToJson();
            ResolvedRun again = RunFile.Parse(json, example).Resolve();
            Assert.Equal(json, again.ToJson());
        }
    }

    [Fact]
    public void ToJson_DoublesUseShortestRoundTripForm()
    {
        RunSpecification run = RunFile.Parse("""{ "dataset": { "name": "wdbc" }, "training": { "learningRate": 0.30000000000000004, "optimizer": { "type": "adam", "epsilon": 1e-8 } } }""", "run.json");
        string json = run.ToJson();
        Assert.Contains("\"learningRate\": 0.30000000000000004", json);
        Assert.Contains("\"epsilon\": 1E-08", json);
        Assert.Equal(0.30000000000000004, RunFile.Parse(json, "run.json").Resolve().Training.LearningRate);
    }

    [Fact]
    public void Schedule_LearningRate_DecaysToTheFloor()
    {
        var schedule = new ScheduleSettings(0.5, 0.02);
        Assert.Equal(0.1, schedule.LearningRateAt(0.1, 0));
        Assert.Equal(0.05, schedule.LearningRateAt(0.1, 2));
        Assert.Equal(0.02, schedule.LearningRateAt(0.1, 100));
    }
}
