using System.Globalization;
using PoisonCert.Models;

namespace PoisonCert.Training;

/// <summary>How label poisoning may change a label.</summary>
public enum LabelPoisoning
{
    /// <summary>No label poisoning.</summary>
    None,
    /// <summary>Regression: each target coordinate moved by at most ν (‖ỹ − y‖∞ ≤ ν).</summary>
    Bounded,
    /// <summary>Classification: the label replaced by any class.</summary>
    AnyFlip,
    /// <summary>Classification: the label replaced by one target class only.</summary>
    TargetFlip,
}

/// <summary>Whether the feature- and label-poisoned samples are the same ones (paired) or may differ (unpaired).</summary>
public enum Pairing
{
    Unpaired,
    Paired,
}

/// <summary>
/// The attacker's power, per batch (the paper's convention; a dataset-wide budget of N points is covered by the
/// per-batch budget N). Within each batch the first <see cref="TrustedPerBatch"/> samples are trusted (never
/// poisoned); of the others:
/// <list type="bullet">
/// <item>bounded poisoning: at most <see cref="FeatureCount"/> samples have features moved within
/// ‖x̃ − x‖∞ ≤ <see cref="FeatureEpsilon"/>, and at most <see cref="LabelCount"/> have labels poisoned as
/// <see cref="Labels"/> says. The number of samples that may carry poison is k = max(n, m) when
/// <see cref="Pairing.Paired"/> (the same samples carry both kinds) and k = n + m when unpaired;</item>
/// <item>unbounded: up to <see cref="UnboundedCount"/> samples replaced by arbitrary points (finite only because
/// per-sample gradients are clipped to ±γ per coordinate, so clamp clipping is required);</item>
/// <item>removal: up to <see cref="RemovalCount"/> samples deleted (the batch mean is then over fewer samples).</item>
/// </list>
/// The attacker is adaptive: it may choose new points in every batch and epoch, independently per coordinate.
/// </summary>
public sealed record ThreatModel
{
    public int FeatureCount { get; init; }
    public double FeatureEpsilon { get; init; }
    public int LabelCount { get; init; }
    public LabelPoisoning Labels { get; init; }
    /// <summary>ν for <see cref="LabelPoisoning.Bounded"/>.</summary>
    public double LabelRadius { get; init; }
    /// <summary>The class for <see cref="LabelPoisoning.TargetFlip"/>.</summary>
    public int TargetClass { get; init; }
    public Pairing Pairing { get; init; }
    public int UnboundedCount { get; init; }
    public int RemovalCount { get; init; }
    public int TrustedPerBatch { get; init; }

    public static ThreatModel None { get; } = new();

    public static ThreatModel Features(int count, double epsilon) => new() { FeatureCount = count, FeatureEpsilon = epsilon };

    public static ThreatModel LabelFlips(int count) => new() { LabelCount = count, Labels = LabelPoisoning.AnyFlip };

    public static ThreatModel Unbounded(int count) => new() { UnboundedCount = count };

    public static ThreatModel Removal(int count) => new() { RemovalCount = count };

    public bool IsUnbounded => UnboundedCount > 0;
    public bool IsRemoval => RemovalCount > 0;
    public bool PoisonsFeatures => FeatureCount > 0 && FeatureEpsilon > 0;
    public bool PoisonsLabels => LabelCount > 0 && Labels != LabelPoisoning.None;

    /// <summary>The number of untrusted samples per batch whose gradient may differ from the clean one.</summary>
    public int Budget => IsUnbounded ? UnboundedCount
        : IsRemoval ? RemovalCount
        : Pairing == Pairing.Paired ? Math.Max(EffectiveFeatureCount, EffectiveLabelCount) : EffectiveFeatureCount + EffectiveLabelCount;

    /// <summary>Unpaired feature AND label poisoning: the case the split aggregation rule tightens.</summary>
    public bool SplitsUnpaired => Pairing != Pairing.Paired && PoisonsFeatures && PoisonsLabels;

    private int EffectiveFeatureCount => PoisonsFeatures ? FeatureCount : 0;
    private int EffectiveLabelCount => PoisonsLabels ? LabelCount : 0;

    /// <summary>
    /// Checks the threat model against the recipe and the data; every problem is reported with the field's name.
    /// </summary>
    public void Validate(int batchSize, LossKind loss, int classCount, GradientClipping? clipping)
    {
        void Fail(string message) => throw new InvalidConfigurationException("threat: " + message);
        if (FeatureCount < 0 || LabelCount < 0 || UnboundedCount < 0 || RemovalCount < 0 || TrustedPerBatch < 0)
            Fail("counts (features, labels, unbounded, removal, trusted) must be non-negative.");
        if (!double.IsFinite(FeatureEpsilon) || FeatureEpsilon < 0) Fail($"features.epsilon = {FeatureEpsilon}: it must be finite and ≥ 0.");
        if (!double.IsFinite(LabelRadius) || LabelRadius < 0) Fail($"labels.nu = {LabelRadius}: it must be finite and ≥ 0.");
        var kinds = (PoisonsFeatures || PoisonsLabels ? 1 : 0) + (IsUnbounded ? 1 : 0) + (IsRemoval ? 1 : 0);
        if (kinds > 1) Fail("bounded (features/labels), unbounded and removal poisoning cannot be combined in one run; certify them separately.");
        if (TrustedPerBatch >= batchSize) Fail($"trusted = {TrustedPerBatch} leaves no untrusted sample in batches of {batchSize}.");
        var untrusted = batchSize - TrustedPerBatch;
        if (Budget > untrusted)
            Fail($"the budget of {Budget} poisoned samples per batch ({DescribeBudget()}) exceeds the {untrusted} untrusted samples of each batch of {batchSize}.");
        if (IsRemoval && RemovalCount >= batchSize) Fail($"removal.count = {RemovalCount} would empty a batch of {batchSize}.");
        if (IsUnbounded && clipping is not { Kind: ClipKind.Clamp })
            Fail("unbounded poisoning needs per-coordinate gradient clipping (training.clip = {\"type\": \"clamp\", \"bound\": γ}): without it a replaced sample's gradient is unbounded.");
        switch (Labels)
        {
            case LabelPoisoning.Bounded when loss != LossKind.MeanSquaredError:
                Fail("labels.nu (bounded target poisoning) needs a regression loss (mse); use flips for classification.");
                break;
            case LabelPoisoning.AnyFlip or LabelPoisoning.TargetFlip when loss == LossKind.MeanSquaredError:
                Fail("label flips need a classification loss; use labels.nu for regression targets.");
                break;
            case LabelPoisoning.TargetFlip when TargetClass < 0 || TargetClass >= classCount:
                Fail($"labels.targetClass = {TargetClass} is not a class (the data have classes 0..{classCount - 1}).");
                break;
        }
        if (LabelCount > 0 && Labels == LabelPoisoning.None) Fail($"labels.count = {LabelCount} but no kind of label poisoning is given (nu, or flip).");
        if (FeatureCount > 0 && FeatureEpsilon == 0) Fail($"features.count = {FeatureCount} with epsilon = 0 poisons nothing; set epsilon or count 0.");
    }

    private string DescribeBudget() => IsUnbounded ? "unbounded.count"
        : IsRemoval ? "removal.count"
        : Pairing == Pairing.Paired ? "max(features.count, labels.count), paired" : "features.count + labels.count, unpaired";

    /// <summary>The threat model in words, as certificates and reports state it.</summary>
    public string Describe(int batchSize)
    {
        var c = CultureInfo.InvariantCulture;
        var parts = new List<string>();
        if (PoisonsFeatures) parts.Add(string.Format(c, "up to {0} samples may have every feature moved by at most {1} (ℓ∞)", FeatureCount, FeatureEpsilon));
        if (PoisonsLabels)
            parts.Add(Labels switch
            {
                LabelPoisoning.Bounded => string.Format(c, "up to {0} samples may have every target moved by at most {1}", LabelCount, LabelRadius),
                LabelPoisoning.AnyFlip => string.Format(c, "up to {0} samples may have their label changed to any class", LabelCount),
                _ => string.Format(c, "up to {0} samples may have their label changed to class {1}", LabelCount, TargetClass),
            });
        if (PoisonsFeatures && PoisonsLabels)
            parts.Add(Pairing == Pairing.Paired ? "the same samples carry both kinds of poison" : "the two kinds may hit different samples");
        if (IsUnbounded) parts.Add(string.Format(c, "up to {0} samples may be replaced by arbitrary points", UnboundedCount));
        if (IsRemoval) parts.Add(string.Format(c, "up to {0} samples may be removed", RemovalCount));
        if (parts.Count == 0) return "no poisoning (the certificate bounds only floating-point effects)";
        var text = string.Format(c, "In every batch of {0} training samples, ", batchSize) + string.Join("; ", parts);
        if (TrustedPerBatch > 0) text += string.Format(c, "; the first {0} samples of each batch are trusted and never poisoned", TrustedPerBatch);
        return text + ". The attacker may choose different points in every batch and epoch.";
    }
}
