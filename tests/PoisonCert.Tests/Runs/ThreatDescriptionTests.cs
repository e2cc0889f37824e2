using PoisonCert.Runs;

namespace PoisonCert.Tests.Runs;

public class ThreatDescriptionTests
{
    private static string Describe(string threat, string extra = "") =>
        RunFile.Parse($$"""{ "dataset": { "name": "wdbc" }, {{extra}} "threat": {{threat}} }""", "run.json").Resolve().DescribeThreat();

    [Fact]
    public void Describe_FeaturesAndLabels_StatesBudgetsPerBatch()
    {
        string text = Describe("""{ "features": { "count": 2, "epsilon": 0.01 }, "labels": { "count": 1 } }""");
        Assert.Equal("up to 2 of every 64 training points per batch may have their features moved by at most 0.01 in ℓ∞ norm; "
            + "up to 1 (possibly other) points per batch may have their label flipped to any other class.", text);
    }

    [Fact]
    public void Describe_Paired_SaysTheSamePoints()
    {
        string text = Describe("""{ "features": { "count": 2, "epsilon": 0.5 }, "labels": { "count": 3 }, "pairing": "paired", "trusted": 4 }""");
        Assert.Contains("up to 3 of every 64", text);
        Assert.Contains("the same points", text);
        Assert.Contains("4 points of each batch are trusted", text);
    }

    [Fact]
    public void Describe_UnboundedAndClean_AreStated()
    {
        Assert.Contains("replaced by arbitrary points", Describe("""{ "unbounded": { "count": 1 } }""", """ "training": { "clip": { "bound": 2 } }, """));
        Assert.Contains("clamped to ±2", Describe("""{ "unbounded": { "count": 1 } }""", """ "training": { "clip": { "bound": 2 } }, """));
        Assert.Contains("may be removed", Describe("""{ "removal": { "count": 3 } }"""));
        Assert.Contains("no training point may be poisoned", Describe("{}"));
    }

    [Fact]
    public void Describe_RegressionTargets_UsesNu()
    {
        string text = RunFile.Parse("""{ "dataset": { "name": "diabetes" }, "threat": { "labels": { "count": 1, "nu": 0.25 } } }""", "run.json").Resolve().DescribeThreat();
        Assert.Contains("target moved by at most 0.25", text);
    }
}
