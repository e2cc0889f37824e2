using PoisonCert.Data;
using PoisonCert.Runs;
using PoisonCert.Tests.Data;

namespace PoisonCert.Tests.Runs;

/// <summary>The run files shipped in examples/.</summary>
internal static class Examples
{
    public static string RepositoryRoot => Path.GetDirectoryName(TestData.DataFolder)!;

    public static string Folder => Path.Combine(RepositoryRoot, "examples");

    public static IReadOnlyList<string> Files() => [.. Directory.GetFiles(Folder, "*.json").Order(StringComparer.Ordinal)];
}

public class ExampleRunTests
{
    public static TheoryData<string> ExampleNames()
    {
        var data = new TheoryData<string>();
        foreach (string file in Examples.Files())
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Fact]
    public void Examples_FolderHoldsTheDocumentedRuns()
    {
        string[] names = [.. Examples.Files().Select(Path.GetFileName)!];
        Assert.Contains("wdbc.json", names);
        Assert.Contains("diabetes-regression.json", names);
        Assert.Contains("heart.json", names);
        Assert.Contains("iris.json", names);
    }

    [Theory]
    [MemberData(nameof(ExampleNames))]
    public void Example_Parses_ResolvesAndFitsItsDataset(string name)
    {
        ResolvedRun run = RunFile.Load(Path.Combine(Examples.Folder, name)).Resolve();
        Dataset dataset = run.Dataset.Load(TestData.Registry());
        DatasetSplit split = DatasetSplitter.Split(dataset, run.Split.TestFraction, run.Split.Seed, run.Split.Stratified);
        run.Validate(DatasetInfo.Of(split));
        Assert.NotEmpty(run.DescribeThreat());
    }

    [Fact]
    public void KnownDatasets_MatchEveryAvailableRegistryDataset()
    {
        DatasetRegistry registry = TestData.Registry();
        Assert.Equal(DatasetRegistry.Entries.Select(entry => entry.Name), KnownDatasets.All.Select(shape => shape.Name));
        foreach (DatasetAvailability availability in registry.Availability().Where(entry => entry.IsAvailable))
        {
            Dataset dataset = registry.Load(availability.Name);
            KnownDatasetShape shape = KnownDatasets.Find(availability.Name)!;
            Assert.Equal((shape.Rows, shape.Features, shape.ClassCount), (dataset.Rows, dataset.Columns, dataset.ClassCount));
        }
    }
}
