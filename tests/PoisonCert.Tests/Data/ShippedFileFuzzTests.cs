using PoisonCert.Data;

namespace PoisonCert.Tests.Data;

/// <summary>
/// Random corruptions of the real shipped files, with fixed seeds: every load must either give a well-formed
/// dataset or throw <see cref="DataFormatException"/>; never another exception, never a non-finite value.
/// </summary>
public class ShippedFileFuzzTests
{
    private const int SeedsPerCase = 15;

    public static TheoryData<string, Corruption> Cases()
    {
        var cases = new TheoryData<string, Corruption>();
        foreach (DatasetRegistryEntry entry in DatasetRegistry.Entries.Where(entry => entry.Location == DatasetLocation.Shipped))
        {
            foreach (Corruption corruption in Enum.GetValues<Corruption>())
            {
                cases.Add(entry.Name, corruption);
            }
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LoadFrom_CorruptedShippedFile_ReturnsWellFormedDatasetOrThrowsDataFormatException(string datasetName, Corruption corruption)
    {
        DatasetRegistryEntry entry = DatasetRegistry.Find(datasetName);
        IReadOnlyList<string> originals = TestData.Registry().PathsOf(datasetName);
        int rejected = 0;
        for (int seed = 1; seed <= SeedsPerCase; seed++)
        {
            var random = new Random(seed * 7919 + (int)corruption);
            using var scratch = new ScratchFolder();
            int victim = random.Next(originals.Count);
            var paths = new List<string>();
            for (int index = 0; index < originals.Count; index++)
            {
                byte[] bytes = File.ReadAllBytes(originals[index]);
                if (index == victim)
                {
                    bytes = FileCorruption.Apply(bytes, corruption, random);
                }
                paths.Add(scratch.Write(Path.GetFileName(originals[index]), bytes));
            }
            try
            {
                AssertWellFormed(entry.LoadFrom(paths));
            }
            catch (DataFormatException exception)
            {
                Assert.Contains(paths[victim], exception.Message);
                rejected++;
            }
            catch (Exception exception)
            {
                Assert.Fail($"{datasetName}, {corruption}, seed {seed}: {exception.GetType().Name} instead of DataFormatException: {exception}");
            }
        }
        if (corruption == Corruption.Truncate && entry.Files.Any(file => file.EndsWith(".gz", StringComparison.Ordinal)))
        {
            Assert.True(rejected > 0, "a truncated gzip file must be rejected at least once");
        }
    }

    internal static void AssertWellFormed(Dataset dataset)
    {
        Assert.True(dataset.Rows > 0);
        Assert.True(dataset.Columns > 0);
        Assert.Equal((long)dataset.Rows * dataset.Columns, dataset.Features.Length);
        Assert.Equal(dataset.Columns, dataset.FeatureNames.Count);
        foreach (double value in dataset.Features)
        {
            Assert.True(double.IsFinite(value));
        }
        if (dataset.TargetKind == TargetKind.Classification)
        {
            Assert.Equal(dataset.Rows, dataset.Labels.Length);
            foreach (int label in dataset.Labels)
            {
                Assert.InRange(label, 0, dataset.ClassCount - 1);
            }
        }
        else
        {
            Assert.Equal((long)dataset.Rows * dataset.TargetWidth, dataset.RegressionTargets.Length);
            foreach (double value in dataset.RegressionTargets)
            {
                Assert.True(double.IsFinite(value));
            }
        }
    }
}
