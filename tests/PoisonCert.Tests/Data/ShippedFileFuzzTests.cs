using System.IO.Compression;
using PoisonCert.Data;

namespace PoisonCert.Tests.Data;

/// <summary>
/// Random corruptions of the real shipped files, with fixed seeds: every load must either give a well-formed
/// dataset or throw <see cref="DataFormatException"/>; never another exception, never a non-finite value.
/// </summary>
public class ShippedFileFuzzTests
{
    public enum Corruption
    {
        Truncate,
        FlipBytes,
        InsertGarbage,
        DeleteSeparators,
    }

    private const int SeedsPerCase = 15;

    private static readonly string[] GarbageTokens =
        ["abc", "NaN", "Infinity", "1e999", ",", "\n", " ", ";", "\"", ":", "1:2", "0:5", "-", "{", "}", "[", "]", "null", "NA", "?", "é", "\t", "99999999999", "-1", "7"];

    private static readonly byte[] Separators = [(byte)',', (byte)' ', (byte)'\n', (byte)':', (byte)'{', (byte)'"'];

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
                    bytes = CorruptFile(bytes, corruption, random);
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

    /// <summary>Gzip files are corrupted either in their compressed bytes or in their text, then recompressed.</summary>
    private static byte[] CorruptFile(byte[] bytes, Corruption corruption, Random random)
    {
        bool gzip = bytes.Length > 2 && bytes[0] == 0x1F && bytes[1] == 0x8B;
        if (!gzip || random.Next(2) == 0)
        {
            return Corrupt(bytes, corruption, random);
        }
        using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var text = new MemoryStream();
        input.CopyTo(text);
        return TestData.Gzip(Corrupt(text.ToArray(), corruption, random));
    }

    private static byte[] Corrupt(byte[] bytes, Corruption corruption, Random random)
    {
        switch (corruption)
        {
            case Corruption.Truncate:
                return bytes[..random.Next(bytes.Length)];
            case Corruption.FlipBytes:
                byte[] flipped = (byte[])bytes.Clone();
                for (int count = random.Next(1, 6); count > 0; count--)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                }
                return flipped;
            case Corruption.InsertGarbage:
                var inserted = new List<byte>(bytes);
                for (int count = random.Next(1, 4); count > 0; count--)
                {
                    inserted.InsertRange(random.Next(inserted.Count + 1), TestData.Utf8(GarbageTokens[random.Next(GarbageTokens.Length)]));
                }
                return [.. inserted];
            default:
                var deleted = new List<byte>(bytes);
                for (int count = random.Next(1, 4); count > 0; count--)
                {
                    byte separator = Separators[random.Next(Separators.Length)];
                    int start = random.Next(deleted.Count);
                    int at = deleted.IndexOf(separator, start);
                    if (at >= 0)
                    {
                        deleted.RemoveAt(at);
                    }
                }
                return [.. deleted];
        }
    }

    private static void AssertWellFormed(Dataset dataset)
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
