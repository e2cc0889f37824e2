using PoisonCert.Data;

namespace PoisonCert.Runs;

/// <summary>
/// A run with every setting decided: what <see cref="RunSpecification.Resolve()"/> returns and what the engine
/// trains and certifies. Every combination was checked when it was made; <see cref="Validate"/> checks what
/// needs the loaded dataset (class and row counts). Records compare by value except for their lists: compare
/// two runs by <see cref="ToJson"/>.
/// </summary>
public sealed record ResolvedRun
{
    public required string Name { get; init; }

    public required ResolvedDataset Dataset { get; init; }

    public required SplitSettings Split { get; init; }

    public required ScalingMethod Scaling { get; init; }

    /// <summary>
    /// How regression targets are scaled (fitted on the training rows): <see cref="ScalingMethod.Standardize"/> or
    /// <see cref="ScalingMethod.None"/>; always None for classification.
    /// </summary>
    public ScalingMethod TargetScaling { get; init; } = ScalingMethod.None;

    public required NumericPrecision Precision { get; init; }

    public required DomainKind Domain { get; init; }

    public required ModelSettings Model { get; init; }

    public required LossKind Loss { get; init; }

    public required TrainingSettings Training { get; init; }

    public required ThreatModel Threat { get; init; }

    public required CertifySettings Certify { get; init; }

    /// <summary>The run file as the caller named it (not part of the JSON).</summary>
    public string SourceFile { get; init; } = "run.json";

    internal IReadOnlyDictionary<string, (int Line, int Column)> Positions { get; init; } = new Dictionary<string, (int, int)>();

    /// <summary>Whether the targets are class labels or real values (from the dataset).</summary>
    public TargetKind TargetKind => Dataset.TargetKind;

    /// <summary>Every setting, canonical order and form, indented with '\n' line ends.</summary>
    public string ToJson() => RunJsonWriter.Write(this);

    /// <summary>The threat model in words.</summary>
    public string DescribeThreat() => ThreatDescription.Describe(this);

    /// <summary>
    /// Checks the run against the loaded (and split) dataset: target kind and loss, class count and the target
    /// class, the feature count, that a batch fits in the training rows, the last-batch policy. Throws a
    /// <see cref="RunFileException"/> naming the setting.
    /// </summary>
    public void Validate(DatasetInfo dataset) => RunResolver.Validate(this, dataset);

    /// <summary>How many training rows each epoch leaves out under <see cref="LastBatchPolicy.Drop"/>.</summary>
    public int DroppedRowsPerEpoch(int trainRows) => trainRows % Training.BatchSize;

    /// <summary>Optimizer steps over the whole run (whole batches only).</summary>
    public int TotalSteps(int trainRows) => Training.Epochs * (trainRows / Training.BatchSize);
}

/// <summary>
/// The dataset of a resolved run: a registry name (<see cref="RegistryName"/>) or a file (<see cref="File"/>).
/// <see cref="Name"/> is the registry name or the file name without extension.
/// </summary>
public sealed record ResolvedDataset(string Name, string? RegistryName, DatasetFileSource? File, TargetKind TargetKind)
{
    /// <summary>Loads the data: a registry dataset through <paramref name="registry"/> (checksums checked), a file with its loader.</summary>
    public Dataset Load(DatasetRegistry registry) => RunDatasetLoader.Load(this, registry);
}

/// <summary>A dataset file with every loader option decided. <see cref="Path"/> is as given; <see cref="FullPath"/> is absolute.</summary>
public sealed record DatasetFileSource
{
    public required string Path { get; init; }

    public required string FullPath { get; init; }

    public required DatasetFormat Format { get; init; }

    public string? Labels { get; init; }

    public string? LabelsFullPath { get; init; }

    public string? TargetName { get; init; }

    /// <summary>CSV only: the target column by index when <see cref="TargetName"/> is null (−1: the last).</summary>
    public int TargetIndex { get; init; } = -1;

    public required TargetKind Task { get; init; }

    public CsvHeader Header { get; init; } = CsvHeader.Auto;

    public char Delimiter { get; init; } = ',';

    public IReadOnlyList<string> Categorical { get; init; } = [];

    public MissingValuePolicy Missing { get; init; } = MissingValuePolicy.Reject;

    public IReadOnlyList<string> Ignore { get; init; } = [];

    public int? ClassCount { get; init; }

    public int? FeatureCount { get; init; }

    public IReadOnlyList<string> YearFields { get; init; } = [];
}

/// <summary>
/// The split; with <see cref="TrainRows"/>, the run trains on the rows [start, end) of the training part only (the
/// test part is the same either way, and the feature and target scalings are fitted on the whole training part, so
/// runs on different ranges of one split scale their inputs identically).
/// </summary>
public sealed record SplitSettings(double TestFraction, ulong Seed, bool Stratified)
{
    public RowRange? TrainRows { get; init; }
}

/// <summary>
/// A multilayer perceptron: Dense layers of the <see cref="Hidden"/> widths, each followed by ReLU, then a Dense
/// output layer whose width comes from the dataset. The first <see cref="FrozenLayers"/> Dense layers keep their
/// initial (point) parameters: from <see cref="InitialParameters"/> when given (e.g. a pretrained network),
/// else drawn from <see cref="InitSeed"/>.
/// </summary>
public sealed record ModelSettings(IReadOnlyList<int> Hidden, int FrozenLayers, ulong InitSeed)
{
    /// <summary>
    /// The params.json the run starts from, as the run file gives it (relative to the run file), or null: the
    /// parameters are then initialised from <see cref="InitSeed"/>.
    /// </summary>
    public string? InitialParameters { get; init; }

    /// <summary>The absolute path of <see cref="InitialParameters"/>.</summary>
    public string? InitialParametersFullPath { get; init; }

    public int DenseLayerCount => Hidden.Count + 1;
}

public sealed record TrainingSettings(
    int Epochs,
    int BatchSize,
    double LearningRate,
    ulong ShuffleSeed,
    LastBatchPolicy LastBatch,
    OptimizerSettings Optimizer,
    ScheduleSettings Schedule,
    ClipSettings? Clip);

/// <summary>
/// The optimizer. SGD uses momentum, dampening and Nesterov (PyTorch's conventions); Adam and AdamW use
/// β1, β2 and ε. Weight decay is an ℓ2 term in the gradient (SGD, Adam) or decoupled (AdamW); l1 adds
/// l1 · sign(θ).
/// </summary>
public sealed record OptimizerSettings(
    OptimizerKind Type,
    double Momentum,
    double Dampening,
    bool Nesterov,
    double WeightDecay,
    double L1,
    double Beta1,
    double Beta2,
    double Epsilon);

/// <summary>Learning rate at step t (from 0): η_t = max(η₀ / (1 + decay · t), minimum).</summary>
public sealed record ScheduleSettings(double Decay, double Minimum)
{
    public double LearningRateAt(double initial, long step) => Math.Max(initial / (1 + Decay * step), Minimum);
}

public sealed record ClipSettings(ClipKind Type, double Bound);

public sealed record FeatureThreat(int Count, double Epsilon);

/// <summary>Label poisoning: ν for regression; the flip kind and target class for classification.</summary>
public sealed record LabelThreat(int Count, double Nu, LabelFlipKind Flip, int? TargetClass);

/// <summary>
/// What the attacker may do in every batch of <see cref="TrainingSettings.BatchSize"/> points, of which
/// <see cref="Trusted"/> are never poisoned: move the features of up to <see cref="Features"/>.Count points by
/// at most ε (ℓ∞), poison the labels of up to <see cref="Labels"/>.Count points (the same points when paired),
/// replace up to <see cref="UnboundedCount"/> points outright, or remove up to <see cref="RemovalCount"/>.
/// </summary>
public sealed record ThreatModel(
    FeatureThreat Features,
    LabelThreat Labels,
    PairingKind Pairing,
    int UnboundedCount,
    int RemovalCount,
    int Trusted)
{
    /// <summary>The most points of one batch that can differ from the clean batch.</summary>
    public int PoisonedPerBatch =>
        (Pairing == PairingKind.Paired ? Math.Max(Features.Count, Labels.Count) : Features.Count + Labels.Count)
        + UnboundedCount + RemovalCount;

    public bool IsClean => PoisonedPerBatch == 0;
}

public sealed record CertifySettings(double BackdoorEpsilon, int? MaxTestPoints);

/// <summary>
/// What <see cref="ResolvedRun.Validate"/> checks a run against: the loaded dataset's target kind, class count
/// (0 for regression), feature count, target width and the rows of each part of the split.
/// </summary>
public sealed record DatasetInfo(TargetKind TargetKind, int ClassCount, int FeatureCount, int TrainRows, int TestRows, int TargetWidth = 1)
{
    public static DatasetInfo Of(DatasetSplit split)
    {
        ArgumentNullException.ThrowIfNull(split);
        Dataset train = split.Train;
        return new DatasetInfo(train.TargetKind, train.ClassCount, train.Columns, train.Rows, split.Test.Rows, train.TargetWidth);
    }
}
