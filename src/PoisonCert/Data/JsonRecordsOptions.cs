namespace PoisonCert.Data;

/// <summary>How <see cref="JsonRecordsLoader"/> reads a JSON array of flat records.</summary>
public sealed record JsonRecordsOptions
{
    /// <summary>The field holding the target.</summary>
    public required string TargetField { get; init; }

    /// <summary>Regression needs a number; classification takes strings or numbers as class names (sorted ordinally).</summary>
    public TargetKind TargetKind { get; init; } = TargetKind.Regression;

    /// <summary>What to do with a null or absent field in a used column.</summary>
    public MissingValuePolicy Missing { get; init; } = MissingValuePolicy.Reject;

    /// <summary>What to do with a feature field that holds strings.</summary>
    public CategoricalPolicy Categorical { get; init; } = CategoricalPolicy.Reject;

    /// <summary>
    /// With <see cref="CategoricalPolicy.OneHot"/>: the only fields to one-hot encode; a string anywhere else is
    /// still an error. Null: every field that holds a string is encoded.
    /// </summary>
    public IReadOnlyList<string>? CategoricalFields { get; init; }

    /// <summary>Fields to leave out (e.g. a free-text name).</summary>
    public IReadOnlyList<string> IgnoredFields { get; init; } = [];

    /// <summary>Fields holding ISO dates (<c>yyyy-MM-dd…</c>) whose year becomes a numeric feature.</summary>
    public IReadOnlyList<string> YearFields { get; init; } = [];

    /// <summary>Dataset name recorded in the result (default: the file name).</summary>
    public string? DatasetName { get; init; }
}
