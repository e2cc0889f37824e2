namespace PoisonCert.Data;

/// <summary>Where a registered dataset's files live.</summary>
public enum DatasetLocation
{
    /// <summary>In the repository's <c>data/</c> folder (or a copy of it next to the application).</summary>
    Shipped,

    /// <summary>In the dataset cache filled by <c>scripts/fetch-datasets.sh</c>.</summary>
    Cache,
}
