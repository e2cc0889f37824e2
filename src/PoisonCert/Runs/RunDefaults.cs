using PoisonCert.Data;

namespace PoisonCert.Runs;

/// <summary>The value of every setting a run file leaves out (docs/formats.md lists them).</summary>
public static class RunDefaults
{
    public const double TestFraction = 0.2;
    public const ulong SplitSeed = 0;
    public const ScalingMethod Scaling = ScalingMethod.Standardize;
    public const NumericPrecision Precision = NumericPrecision.Float32;
    public const DomainKind Domain = DomainKind.Interval;
    public static IReadOnlyList<int> Hidden { get; } = [16];
    public const int Epochs = 2;
    public const int BatchSize = 64;
    public const double LearningRate = 0.1;
    public const LastBatchPolicy LastBatch = LastBatchPolicy.Drop;
    public const double Beta1 = 0.9;
    public const double Beta2 = 0.999;
    public const double AdamEpsilon = 1e-8;
    public const ClipKind Clip = ClipKind.Clamp;
    public const double ClipBound = 1.0;
    public const PairingKind Pairing = PairingKind.Unpaired;

    /// <summary>Cross-entropy for more than two classes, binary cross-entropy for two, MSE for regression.</summary>
    public static LossKind LossFor(TargetKind kind, int classCount) =>
        kind == TargetKind.Regression ? LossKind.MeanSquaredError
        : classCount == 2 ? LossKind.BinaryCrossEntropy
        : LossKind.CrossEntropy;

    /// <summary>The task a format's loader assumes when the file does not say (as the loaders do).</summary>
    public static TargetKind TaskFor(DatasetFormat format) =>
        format == DatasetFormat.JsonRecords ? TargetKind.Regression : TargetKind.Classification;
}
