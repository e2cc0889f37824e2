using PoisonCert.Data;

namespace PoisonCert.Runs;

/// <summary>The names the run file (and the certificate) use for each enumerated setting.</summary>
public static class RunVocabulary
{
    public static JsonEnum<ScalingMethod> Scaling { get; } =
        new(("standard", ScalingMethod.Standardize), ("minmax", ScalingMethod.MinMax), ("none", ScalingMethod.None));

    /// <summary>Regression target scaling: the feature scalings' names, minmax excluded.</summary>
    public static JsonEnum<ScalingMethod> TargetScaling { get; } = new(("standard", ScalingMethod.Standardize), ("none", ScalingMethod.None));

    public static JsonEnum<NumericPrecision> Precision { get; } =
        new(("float32", NumericPrecision.Float32), ("float64", NumericPrecision.Float64));

    public static JsonEnum<DomainKind> Domain { get; } =
        new(("interval", DomainKind.Interval), ("interval-exact", DomainKind.IntervalExact), ("affine", DomainKind.Affine), ("affine-exact", DomainKind.AffineExact), ("crown", DomainKind.Crown));

    public static JsonEnum<LossKind> Loss { get; } =
        new(("mse", LossKind.MeanSquaredError), ("binary-cross-entropy", LossKind.BinaryCrossEntropy), ("cross-entropy", LossKind.CrossEntropy));

    public static JsonEnum<OptimizerKind> Optimizer { get; } =
        new(("sgd", OptimizerKind.Sgd), ("adam", OptimizerKind.Adam), ("adamw", OptimizerKind.AdamW));

    public static JsonEnum<ClipKind> Clip { get; } = new(("clamp", ClipKind.Clamp), ("norm", ClipKind.Norm));

    public static JsonEnum<LastBatchPolicy> LastBatch { get; } = new(("drop", LastBatchPolicy.Drop), ("error", LastBatchPolicy.Error));

    public static JsonEnum<LabelFlipKind> Flip { get; } = new(("any", LabelFlipKind.Any), ("target", LabelFlipKind.Target));

    public static JsonEnum<PairingKind> Pairing { get; } = new(("unpaired", PairingKind.Unpaired), ("paired", PairingKind.Paired));

    public static JsonEnum<DatasetFormat> Format { get; } =
        new(("csv", DatasetFormat.Csv), ("libsvm", DatasetFormat.LibSvm), ("idx", DatasetFormat.Idx),
            ("mnist-json", DatasetFormat.MnistJson), ("json-records", DatasetFormat.JsonRecords));

    public static JsonEnum<TargetKind> Task { get; } =
        new(("classification", TargetKind.Classification), ("regression", TargetKind.Regression));

    public static JsonEnum<MissingValuePolicy> Missing { get; } = new(("reject", MissingValuePolicy.Reject), ("drop", MissingValuePolicy.DropRow));

    public static JsonEnum<CsvHeader> Header { get; } =
        new(("auto", CsvHeader.Auto), ("names", CsvHeader.Names), ("none", CsvHeader.None), ("sklearn", CsvHeader.SklearnCounts));
}
