namespace PoisonCert.Data;

/// <summary>How <see cref="LibSvmLoader"/> reads a LIBSVM sparse text file.</summary>
public sealed record LibSvmOptions
{
    /// <summary>The number of features; indices above it are errors. Default: the largest index in the file.</summary>
    public int? FeatureCount { get; init; }

    /// <summary>
    /// Classification maps the distinct label values, sorted ascending, to classes 0, 1, … (so -1 → 0, +1 → 1);
    /// regression keeps the label as the target.
    /// </summary>
    public TargetKind TargetKind { get; init; } = TargetKind.Classification;

    public IReadOnlyList<string>? FeatureNames { get; init; }

    public string TargetName { get; init; } = "label";

    /// <summary>Dataset name recorded in the result (default: the file name).</summary>
    public string? DatasetName { get; init; }
}
