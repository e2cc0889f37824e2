namespace PoisonCert.Data;

/// <summary>
/// One dataset known by short name: where its files are (relative to the data folder or the cache folder), what
/// its target is, and how to load it. <see cref="LoadFrom"/> loads given copies of the files without checking
/// their checksums; <see cref="DatasetRegistry.Load"/> finds the files and checks them first.
/// </summary>
public sealed class DatasetRegistryEntry
{
    private readonly Func<IReadOnlyList<string>, Dataset> _load;

    internal DatasetRegistryEntry(string name, string title, DatasetLocation location, IReadOnlyList<string> files,
        TargetKind targetKind, Func<IReadOnlyList<string>, Dataset> load)
    {
        Name = name;
        Title = title;
        Location = location;
        Files = files;
        TargetKind = targetKind;
        _load = load;
    }

    public string Name { get; }

    public string Title { get; }

    public DatasetLocation Location { get; }

    /// <summary>The files, relative to the data folder or the cache folder, with '/' separators.</summary>
    public IReadOnlyList<string> Files { get; }

    public TargetKind TargetKind { get; }

    /// <summary>Loads the dataset from the given paths (one per entry of <see cref="Files"/>, same order).</summary>
    public Dataset LoadFrom(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count != Files.Count)
        {
            throw new InvalidConfigurationException($"Dataset '{Name}' is read from {Files.Count} files ({string.Join(", ", Files)}), {paths.Count} paths were given.");
        }
        return _load(paths);
    }
}
