namespace PoisonCert.Data;

/// <summary>How <see cref="CsvLoader"/> reads a delimited text file (plain or gzip).</summary>
public sealed record CsvOptions
{
    /// <summary>
    /// The cell delimiter. A space means "one or more spaces or tabs", with leading and trailing blanks ignored
    /// (the diabetes files). Double-quoted cells (with "" for a quote) are read for other delimiters.
    /// </summary>
    public char Delimiter { get; init; } = ',';

    public CsvHeader Header { get; init; } = CsvHeader.Auto;

    /// <summary>The target column by name (needs a names header). Takes precedence over <see cref="TargetColumnIndex"/>.</summary>
    public string? TargetColumnName { get; init; }

    /// <summary>
    /// The target column by 0-based index; negative counts from the end. Default: the last column. (A file of
    /// features only is read with <see cref="CsvLoader.LoadWithSeparateTargets"/>.)
    /// </summary>
    public int TargetColumnIndex { get; init; } = -1;

    public TargetKind TargetKind { get; init; } = TargetKind.Classification;

    public CategoricalPolicy Categorical { get; init; } = CategoricalPolicy.Reject;

    /// <summary>
    /// With <see cref="CategoricalPolicy.OneHot"/>: the only columns to one-hot encode (by name); a non-numeric
    /// cell anywhere else is still an error, so a corrupted numeric column cannot turn into categories. Null: every
    /// column that holds a non-numeric cell is encoded.
    /// </summary>
    public IReadOnlyList<string>? CategoricalColumns { get; init; }

    public MissingValuePolicy Missing { get; init; } = MissingValuePolicy.Reject;

    /// <summary>Cell texts that mean "missing" (compared after trimming blanks).</summary>
    public IReadOnlyList<string> MissingMarkers { get; init; } = ["", "NA", "?"];

    /// <summary>Columns to leave out, by name (needs a names header).</summary>
    public IReadOnlyList<string> IgnoredColumns { get; init; } = [];

    /// <summary>Names for the feature columns when the file has none (otherwise column1, column2, …).</summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }

    /// <summary>Name of the target when the file has none.</summary>
    public string? TargetName { get; init; }

    /// <summary>
    /// For numeric class labels without an sklearn header: the number of classes (labels must be in
    /// [0, ClassCount)). When null, it is the largest label plus one.
    /// </summary>
    public int? ClassCount { get; init; }

    /// <summary>Dataset name recorded in the result (default: the file name).</summary>
    public string? DatasetName { get; init; }
}
