using PoisonCert.Data;
using PoisonCert.Runs;
using PoisonCert.Tests.Data;
using PoisonCert.Tests.Exact;

namespace PoisonCert.Tests.Runs;

/// <summary>The run file's targetScaling: parsing, strict errors, resolution, and the fitted scaling of a prepared run.</summary>
public class TargetScalingRunTests
{
    private static RunFileException Rejects(string json) => Assert.Throws<RunFileException>(() => RunFile.Parse(json, "bad.json"));

    [Fact]
    public void Resolve_NotGiven_IsNoneForRegressionAndClassification()
    {
        Assert.Equal(ScalingMethod.None, RunFile.Parse("""{ "dataset": { "name": "diabetes" } }""", "run.json").Resolve().TargetScaling);
        Assert.Equal(ScalingMethod.None, RunFile.Parse("""{ "dataset": { "name": "wdbc" } }""", "run.json").Resolve().TargetScaling);
    }

    [Fact]
    public void Resolve_Standard_IsRecordedInTheGivenAndResolvedJson()
    {
        RunSpecification given = RunFile.Parse("""{ "dataset": { "name": "auto-mpg" }, "targetScaling": "standard" }""", "run.json");
        Assert.Equal(ScalingMethod.Standardize, given.TargetScaling);
        Assert.Contains("\"targetScaling\": \"standard\"", given.ToJson());
        ResolvedRun resolved = given.Resolve();
        Assert.Equal(ScalingMethod.Standardize, resolved.TargetScaling);
        string json = resolved.ToJson();
        Assert.Contains("\"scaling\": \"standard\",\n  \"targetScaling\": \"standard\"", json);
        Assert.Equal(json, RunFile.Parse(json, "resolved.json").Resolve().ToJson());
    }

    [Fact]
    public void Parse_StandardOnClassification_IsRejectedAtTheField()
    {
        var error = Rejects("""
            { "dataset": { "name": "wdbc" },
              "targetScaling": "standard" }
            """);
        Assert.Equal("$.targetScaling", error.JsonPath);
        Assert.Equal(2, error.Line);
        Assert.Contains("classification", error.Message);
        Assert.Contains("bad.json", error.Message);
        Assert.Equal(ScalingMethod.None, RunFile.Parse("""{ "dataset": { "name": "wdbc" }, "targetScaling": "none" }""", "run.json").Resolve().TargetScaling);
    }

    [Fact]
    public void Parse_StandardWithACrossEntropyLossOnRegressionData_NamesTheLoss()
    {
        var error = Rejects("""{ "dataset": { "name": "diabetes" }, "targetScaling": "standard", "loss": "cross-entropy" }""");
        Assert.Equal("$.loss", error.JsonPath);
    }

    [Theory]
    [InlineData("\"minmax\"", "\"standard\", \"none\"")]
    [InlineData("\"Standard\"", "\"standard\", \"none\"")]
    [InlineData("true", "\"standard\", \"none\"")]
    public void Parse_BadValue_ListsTheChoices(string value, string expected)
    {
        var error = Rejects($$"""{ "dataset": { "name": "diabetes" }, "targetScaling": {{value}} }""");
        Assert.Equal("$.targetScaling", error.JsonPath);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Prepare_Standard_FitsOnTheTrainingRowsOnlyAndScalesBothParts()
    {
        RunSpecification run = RunFile.Parse("""{ "dataset": { "name": "auto-mpg" }, "targetScaling": "standard" }""", "run.json");
        PreparedRun prepared = RunPipeline.Prepare(run, TestData.Registry());
        TargetScaling scaling = prepared.TargetScaling!;
        ReadOnlySpan<double> train = prepared.Split.Train.RegressionTargets;
        double mean = 0;
        foreach (double y in train) mean += y;
        mean /= train.Length;
        Assert.Equal(mean, scaling.Offsets[0]);
        Assert.Equal(prepared.Split.Train.Rows, scaling.FittedOnRows);
        double squares = 0;
        foreach (double y in train) squares += (y - mean) * (y - mean);
        Assert.Equal(Math.Sqrt(squares / train.Length), scaling.Scales[0]);
        Assert.Equal((prepared.Split.Test.RegressionTargets[3] - scaling.Offsets[0]) / scaling.Scales[0], prepared.Test.RegressionTargets[3]);
        Assert.Equal((train[5] - scaling.Offsets[0]) / scaling.Scales[0], prepared.Train.RegressionTargets[5]);
        Assert.Equal(["Miles_per_Gallon"], scaling.TargetNames);
        Assert.Null(RunPipeline.Prepare(run with { TargetScaling = null }, TestData.Registry()).TargetScaling);
    }

    [Fact]
    public void Fit_Classification_IsRejected()
    {
        Dataset wdbc = TestData.Registry().Load("wdbc");
        Assert.Throws<InvalidConfigurationException>(() => TargetScaling.Fit(wdbc, ScalingMethod.Standardize));
    }

    [Fact]
    public void InTargetUnits_BoundEveryModelWithinTheScaledBounds_AgainstTheExactTargets()
    {
        // Stored scaled targets c = fl32(fl((y − μ) / σ)), predictions p, W an upper bound of the scaled MSE: the MSE
        // in target units of the predictions μ + σp against the exact y (rational arithmetic) must lie between the
        // converted bounds, and the upper one must not be loose by more than the target-rounding term.
        const double mu = 23.514331210191082, sigma = 7.8049192726327561;
        var scaling = new TargetScaling(ScalingMethod.Standardize, ["y"], [mu], [sigma], 10);
        double[] y = [9, 14.5, 18, 22.25, 26, 31, 37.5, 44.6];
        double[] c = [.. y.Select(v => (double)(float)((v - mu) / sigma))];
        double[] p = [.. c.Select((v, i) => (double)(float)(v + (i % 2 == 0 ? 0.3 : -0.2)))];
        Rational scaled = Rational.Zero, exact = Rational.Zero;
        for (int i = 0; i < y.Length; i++)
        {
            Rational r = Rational.FromDouble(p[i]) - Rational.FromDouble(c[i]);
            scaled += r * r;
            Rational e = Rational.FromDouble(p[i]) * Rational.FromDouble(sigma) + Rational.FromDouble(mu) - Rational.FromDouble(y[i]);
            exact += e * e;
        }
        scaled /= Rational.FromDouble(y.Length);
        exact /= Rational.FromDouble(y.Length);
        double upper = scaled.ToDoubleApproximate(), lower = upper;
        while (Rational.FromDouble(upper) < scaled) upper = Math.BitIncrement(upper);
        while (Rational.FromDouble(lower) > scaled) lower = Math.BitDecrement(lower);
        double worst = scaling.WorstCaseMseInTargetUnits(upper, c);
        double best = scaling.BestCaseMseInTargetUnits(lower, c);
        Assert.True(exact <= Rational.FromDouble(worst), $"exact {exact.ToDoubleApproximate():R} > certified {worst:R}");
        Assert.True(Rational.FromDouble(best) <= exact, $"exact {exact.ToDoubleApproximate():R} < certified best case {best:R}");
        Assert.True(worst < upper * sigma * sigma * (1 + 1e-5), $"{worst:R} is looser than the rounding allows");
        Assert.Equal(upper, new TargetScaling(ScalingMethod.None, ["y"], [0], [1], 10).WorstCaseMseInTargetUnits(upper, c));
    }
}
