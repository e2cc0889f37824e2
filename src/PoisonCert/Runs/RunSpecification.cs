using PoisonCert.Data;

namespace PoisonCert.Runs;

/// <summary>
/// A run file as given: every setting the file named, null where it said nothing. <see cref="RunFile.Parse(string, string)"/>
/// makes one (after checking every field and every combination that does not need the dataset);
/// <see cref="Resolve()"/> fills the defaults. Paths in <see cref="Dataset"/> are relative to
/// <see cref="BaseFolder"/>, the run file's folder.
/// </summary>
public sealed record RunSpecification
{
    public string? Name { get; init; }

    public required DatasetSpecification Dataset { get; init; }

    public SplitSpecification? Split { get; init; }

    public ScalingMethod? Scaling { get; init; }

    /// <summary>Regression targets: <see cref="ScalingMethod.Standardize"/> or <see cref="ScalingMethod.None"/> (fitted on the training rows).</summary>
    public ScalingMethod? TargetScaling { get; init; }

    public NumericPrecision? Precision { get; init; }

    public DomainKind? Domain { get; init; }

    public ModelSpecification? Model { get; init; }

    public LossKind? Loss { get; init; }

    public TrainingSpecification? Training { get; init; }

    public ThreatSpecification? Threat { get; init; }

    public CertifySpecification? Certify { get; init; }

    /// <summary>The run file as the caller named it (used in messages; not part of the JSON).</summary>
    public string SourceFile { get; init; } = "run.json";

    /// <summary>The folder relative dataset paths are read from (not part of the JSON).</summary>
    public string BaseFolder { get; init; } = ".";

    /// <summary>Where each value of the file was (JSON path → line, column), for messages after parsing.</summary>
    internal IReadOnlyDictionary<string, (int Line, int Column)> Positions { get; init; } = new Dictionary<string, (int, int)>();

    /// <summary>The run with every default filled in, for a registry dataset or a file dataset whose loss (or class count) is given.</summary>
    public ResolvedRun Resolve() => RunResolver.Resolve(this, null);

    /// <summary>
    /// The run resolved only far enough to load and split its data: its dataset and split settings are final, its
    /// loss may be a placeholder when a file dataset's class count is not known yet.
    /// </summary>
    internal ResolvedRun ResolveBeforeLoading() => RunResolver.Resolve(this, null, beforeLoading: true);

    /// <summary>The run with every default filled in from the loaded dataset, then <see cref="ResolvedRun.Validate"/>d against it.</summary>
    public ResolvedRun Resolve(DatasetInfo dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ResolvedRun run = RunResolver.Resolve(this, dataset);
        run.Validate(dataset);
        return run;
    }

    /// <summary>
    /// Checks every setting and combination that needs no dataset (as <see cref="RunFile.Parse(string, string)"/>
    /// does), e.g. for a run changed with <c>with</c>; throws a <see cref="RunFileException"/>.
    /// </summary>
    public void CheckCombinations() => RunResolver.CheckCombinations(this);

    /// <summary>The settings the file gave, in canonical order and form (indented, '\n' line ends).</summary>
    public string ToJson() => RunJsonWriter.Write(this);
}

/// <summary>
/// Where the data comes from: a registry name (<see cref="DatasetRegistry.Entries"/>), or a file with the loader
/// options that apply to its format. Exactly one of <see cref="Name"/> and <see cref="File"/> is set.
/// </summary>
public sealed record DatasetSpecification
{
    public string? Name { get; init; }

    /// <summary>The data file (for mnist-json: a folder of 0.json … 9.json, or one digit file), relative to the run file.</summary>
    public string? File { get; init; }

    public DatasetFormat? Format { get; init; }

    /// <summary>A second file: the labels of an IDX image file, or the targets of a CSV features file.</summary>
    public string? Labels { get; init; }

    /// <summary>The target column or field by name (CSV with a names header, JSON records).</summary>
    public string? TargetName { get; init; }

    /// <summary>The target column by 0-based index, negative from the end (CSV).</summary>
    public int? TargetIndex { get; init; }

    public TargetKind? Task { get; init; }

    public CsvHeader? Header { get; init; }

    public char? Delimiter { get; init; }

    /// <summary>Columns or fields to one-hot encode; absent means non-numeric values are rejected.</summary>
    public IReadOnlyList<string>? Categorical { get; init; }

    public MissingValuePolicy? Missing { get; init; }

    public IReadOnlyList<string>? Ignore { get; init; }

    public int? ClassCount { get; init; }

    public int? FeatureCount { get; init; }

    public IReadOnlyList<string>? YearFields { get; init; }
}

public sealed record SplitSpecification
{
    public double? TestFraction { get; init; }

    public ulong? Seed { get; init; }

    public bool? Stratified { get; init; }

    /// <summary>
    /// Rows [start, end) of the training part, counted 0-based in the order the split keeps them (ascending source
    /// row): the run trains on these only. Null: every training row.
    /// </summary>
    public RowRange? TrainRows { get; init; }
}


public sealed record ModelSpecification
{
    public IReadOnlyList<int>? Hidden { get; init; }

    public int? FrozenLayers { get; init; }

    public ulong? InitSeed { get; init; }

    /// <summary>A params.json to start from (pretrained parameters), relative to the run file; replaces the seeded initialisation.</summary>
    public string? InitialParameters { get; init; }
}

public sealed record TrainingSpecification
{
    public int? Epochs { get; init; }

    public int? BatchSize { get; init; }

    public double? LearningRate { get; init; }

    public ulong? ShuffleSeed { get; init; }

    public LastBatchPolicy? LastBatch { get; init; }

    public OptimizerSpecification? Optimizer { get; init; }

    public ScheduleSpecification? Schedule { get; init; }

    /// <summary>Gradient clipping; null when absent or given as JSON null (no clipping).</summary>
    public ClipSpecification? Clip { get; init; }
}

public sealed record OptimizerSpecification
{
    public OptimizerKind? Type { get; init; }

    public double? Momentum { get; init; }

    public double? Dampening { get; init; }

    public bool? Nesterov { get; init; }

    public double? WeightDecay { get; init; }

    public double? L1 { get; init; }

    public double? Beta1 { get; init; }

    public double? Beta2 { get; init; }

    public double? Epsilon { get; init; }
}

public sealed record ScheduleSpecification
{
    public double? Decay { get; init; }

    public double? Minimum { get; init; }
}

public sealed record ClipSpecification
{
    public ClipKind? Type { get; init; }

    public double? Bound { get; init; }
}

public sealed record ThreatSpecification
{
    public FeatureThreatSpecification? Features { get; init; }

    public LabelThreatSpecification? Labels { get; init; }

    public PairingKind? Pairing { get; init; }

    public int? UnboundedCount { get; init; }

    public int? RemovalCount { get; init; }

    public int? Trusted { get; init; }
}

public sealed record FeatureThreatSpecification
{
    public int? Count { get; init; }

    public double? Epsilon { get; init; }
}

/// <summary>Label poisoning: <see cref="Nu"/> for regression, <see cref="Flip"/> and <see cref="TargetClass"/> for classification.</summary>
public sealed record LabelThreatSpecification
{
    public int? Count { get; init; }

    public double? Nu { get; init; }

    public LabelFlipKind? Flip { get; init; }

    public int? TargetClass { get; init; }
}

public sealed record CertifySpecification
{
    public double? BackdoorEpsilon { get; init; }

    public int? MaxTestPoints { get; init; }
}
