using System.Numerics;
using PoisonCert.Models;
using PoisonCert.Training;

namespace PoisonCert.Tests.Training;

/// <summary>
/// End-to-end soundness: for small random networks and recipes covering every threat model, loss, optimizer and
/// clipping mode in float32 and float64, real poisoned trainings (random and adversarial, fixed seeds) must stay in
/// the certified box after every step. Zero slack. The suite checks well over 10,000 trajectories in all (the
/// count is asserted in <see cref="Suite_AllScenarios_CheckAtLeastTenThousandTrajectories"/>).
/// </summary>
public class EndToEndSoundnessTests
{
    public const int RandomRuns = 200;
    public const int AdversarialRuns = 50;

    public sealed record Case(string Name, LossKind Loss, ThreatModel Threat, OptimizerSettings Optimizer, GradientClipping? Clipping = null,
        LearningRateSchedule? Schedule = null, int Epochs = 2, int BatchSize = 6, double LearningRate = 0.1, int Hidden = 4, int FrozenLayers = 0,
        bool Deep = false, bool Exact = false, bool Joint = false, bool Affine = false, bool Crown = false)
    {
        public override string ToString() => Name;
    }

    private static readonly OptimizerSettings Sgd = new();

    public static TheoryData<Case> Cases()
    {
        var features = ThreatModel.Features(1, 0.05);
        var data = new TheoryData<Case>
        {
            new("ce-features-sgd", LossKind.SoftmaxCrossEntropy, features, Sgd),
            new("ce-features-two", LossKind.SoftmaxCrossEntropy, ThreatModel.Features(2, 0.02), Sgd),
            new("ce-anyflip-sgd", LossKind.SoftmaxCrossEntropy, ThreatModel.LabelFlips(1), Sgd),
            new("ce-targetflip", LossKind.SoftmaxCrossEntropy, new ThreatModel { LabelCount = 2, Labels = LabelPoisoning.TargetFlip, TargetClass = 1 }, Sgd),
            new("ce-unpaired", LossKind.SoftmaxCrossEntropy, new ThreatModel { FeatureCount = 1, FeatureEpsilon = 0.05, LabelCount = 1, Labels = LabelPoisoning.AnyFlip }, Sgd),
            new("ce-paired", LossKind.SoftmaxCrossEntropy, new ThreatModel { FeatureCount = 1, FeatureEpsilon = 0.05, LabelCount = 1, Labels = LabelPoisoning.AnyFlip, Pairing = Pairing.Paired }, Sgd),
            new("ce-trusted", LossKind.SoftmaxCrossEntropy, ThreatModel.Features(1, 0.1) with { TrustedPerBatch = 2 }, Sgd),
            new("ce-unbounded-clamp", LossKind.SoftmaxCrossEntropy, ThreatModel.Unbounded(1), Sgd, new GradientClipping(ClipKind.Clamp, 0.5)),
            new("ce-removal", LossKind.SoftmaxCrossEntropy, ThreatModel.Removal(2), Sgd),
            new("ce-removal-trusted", LossKind.SoftmaxCrossEntropy, ThreatModel.Removal(2) with { TrustedPerBatch = 2 }, Sgd),
            new("ce-momentum-decay", LossKind.SoftmaxCrossEntropy, features, Sgd with { Momentum = 0.9, WeightDecay = 0.5 }),
            new("ce-nesterov", LossKind.SoftmaxCrossEntropy, features, Sgd with { Momentum = 0.8, Nesterov = true }),
            new("ce-dampening-l1", LossKind.SoftmaxCrossEntropy, features, Sgd with { Momentum = 0.5, Dampening = 0.3, L1 = 0.01 }),
            new("ce-large-decay", LossKind.SoftmaxCrossEntropy, features, Sgd with { WeightDecay = 15 }, LearningRate: 0.1),
            new("ce-schedule", LossKind.SoftmaxCrossEntropy, features, Sgd, Schedule: new LearningRateSchedule(0.5, 0.02)),
            new("ce-adam", LossKind.SoftmaxCrossEntropy, features, new OptimizerSettings { Kind = OptimizerKind.Adam, WeightDecay = 0.01 }, LearningRate: 0.01),
            new("ce-adamw", LossKind.SoftmaxCrossEntropy, ThreatModel.LabelFlips(1), new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = 0.1 }, LearningRate: 0.01),
            new("ce-clamp", LossKind.SoftmaxCrossEntropy, features, Sgd, new GradientClipping(ClipKind.Clamp, 0.2)),
            new("ce-norm", LossKind.SoftmaxCrossEntropy, features, Sgd, new GradientClipping(ClipKind.Norm, 0.3)),
            new("ce-frozen", LossKind.SoftmaxCrossEntropy, features, Sgd, FrozenLayers: 1, Deep: true),
            new("ce-deep", LossKind.SoftmaxCrossEntropy, features, Sgd with { Momentum = 0.9 }, Deep: true),
            new("bce-features", LossKind.BinaryCrossEntropy, features, Sgd),
            new("bce-flip", LossKind.BinaryCrossEntropy, ThreatModel.LabelFlips(2), Sgd),
            new("bce-targetflip-adam", LossKind.BinaryCrossEntropy, new ThreatModel { LabelCount = 1, Labels = LabelPoisoning.TargetFlip, TargetClass = 0 },
                new OptimizerSettings { Kind = OptimizerKind.Adam }, LearningRate: 0.02),
            new("bce-unbounded", LossKind.BinaryCrossEntropy, ThreatModel.Unbounded(2), Sgd with { Momentum = 0.5 }, new GradientClipping(ClipKind.Clamp, 1)),
            new("bce-norm-removal", LossKind.BinaryCrossEntropy, ThreatModel.Removal(1), Sgd, new GradientClipping(ClipKind.Norm, 0.5)),
            new("mse-features", LossKind.MeanSquaredError, features, Sgd),
            new("mse-nu", LossKind.MeanSquaredError, new ThreatModel { LabelCount = 1, Labels = LabelPoisoning.Bounded, LabelRadius = 0.1 }, Sgd),
            new("mse-unpaired", LossKind.MeanSquaredError, new ThreatModel { FeatureCount = 1, FeatureEpsilon = 0.05, LabelCount = 1, Labels = LabelPoisoning.Bounded, LabelRadius = 0.05 }, Sgd with { Momentum = 0.9, WeightDecay = 0.1 }),
            new("mse-removal-adam", LossKind.MeanSquaredError, ThreatModel.Removal(2), new OptimizerSettings { Kind = OptimizerKind.Adam }, LearningRate: 0.01),
            new("mse-unbounded-norm-clamp", LossKind.MeanSquaredError, ThreatModel.Unbounded(1), Sgd, new GradientClipping(ClipKind.Clamp, 0.25)),
            new("mse-norm-nu", LossKind.MeanSquaredError, new ThreatModel { LabelCount = 2, Labels = LabelPoisoning.Bounded, LabelRadius = 0.2 }, Sgd, new GradientClipping(ClipKind.Norm, 0.4)),
            new("mse-deep-adamw", LossKind.MeanSquaredError, features, new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = 0.05 }, LearningRate: 0.01, Deep: true),
            new("ce-features-exact", LossKind.SoftmaxCrossEntropy, features, Sgd, Exact: true),
            new("ce-unpaired-exact-deep", LossKind.SoftmaxCrossEntropy, new ThreatModel { FeatureCount = 1, FeatureEpsilon = 0.05, LabelCount = 1, Labels = LabelPoisoning.AnyFlip }, Sgd with { Momentum = 0.9 }, Deep: true, Exact: true),
            new("bce-flip-exact-adam", LossKind.BinaryCrossEntropy, ThreatModel.LabelFlips(1), new OptimizerSettings { Kind = OptimizerKind.Adam }, LearningRate: 0.02, Exact: true),
            new("mse-nu-exact-norm", LossKind.MeanSquaredError, new ThreatModel { LabelCount = 1, Labels = LabelPoisoning.Bounded, LabelRadius = 0.1 }, Sgd, new GradientClipping(ClipKind.Norm, 0.4), Exact: true),
            new("ce-unpaired-split-overlap", LossKind.SoftmaxCrossEntropy, new ThreatModel { FeatureCount = 2, FeatureEpsilon = 0.05, LabelCount = 2, Labels = LabelPoisoning.AnyFlip }, Sgd),
            new("bce-unpaired-split-clamp", LossKind.BinaryCrossEntropy, new ThreatModel { FeatureCount = 1, FeatureEpsilon = 0.1, LabelCount = 2, Labels = LabelPoisoning.AnyFlip }, Sgd, new GradientClipping(ClipKind.Clamp, 0.3)),
            new("mse-unpaired-split-trusted", LossKind.MeanSquaredError, new ThreatModel { FeatureCount = 2, FeatureEpsilon = 0.05, LabelCount = 1, Labels = LabelPoisoning.Bounded, LabelRadius = 0.2, TrustedPerBatch = 2 }, Sgd with { Momentum = 0.5 }),
            // Tables of ≥ 8 entries on batches of more than 3(n + m) untrusted samples: the candidate passes.
            new("ce-unpaired-candidates", LossKind.SoftmaxCrossEntropy, new ThreatModel { FeatureCount = 2, FeatureEpsilon = 0.05, LabelCount = 2, Labels = LabelPoisoning.AnyFlip }, Sgd with { Momentum = 0.5 }, Epochs: 3, BatchSize: 24),
            new("mse-unpaired-candidates-trusted", LossKind.MeanSquaredError, new ThreatModel { FeatureCount = 3, FeatureEpsilon = 0.05, LabelCount = 2, Labels = LabelPoisoning.Bounded, LabelRadius = 0.2, TrustedPerBatch = 3 }, Sgd, new GradientClipping(ClipKind.Clamp, 0.5), Epochs: 3, BatchSize: 24),
            new("ce-unpaired-joint", LossKind.SoftmaxCrossEntropy, new ThreatModel { FeatureCount = 1, FeatureEpsilon = 0.05, LabelCount = 1, Labels = LabelPoisoning.TargetFlip, TargetClass = 2 }, Sgd, Joint: true),
            new("mse-nesterov-decay", LossKind.MeanSquaredError, features, Sgd with { Momentum = 0.9, Nesterov = true, WeightDecay = 2 }, LearningRate: 0.05),
            new("mse-features-affine", LossKind.MeanSquaredError, features, Sgd, Affine: true),
            new("mse-features-affine-deep", LossKind.MeanSquaredError, ThreatModel.Features(2, 0.05), Sgd with { Momentum = 0.9 }, Deep: true, Affine: true),
            new("mse-unpaired-affine-deep", LossKind.MeanSquaredError, new ThreatModel { FeatureCount = 1, FeatureEpsilon = 0.05, LabelCount = 1, Labels = LabelPoisoning.Bounded, LabelRadius = 0.1 }, Sgd, Deep: true, Affine: true),
            new("mse-norm-affine-deep", LossKind.MeanSquaredError, features, Sgd, new GradientClipping(ClipKind.Norm, 0.4), Deep: true, Affine: true),
            new("mse-frozen-affine", LossKind.MeanSquaredError, features, Sgd, FrozenLayers: 1, Deep: true, Affine: true),
            new("ce-features-affine-deep", LossKind.SoftmaxCrossEntropy, features, Sgd, Deep: true, Affine: true),
            new("ce-unpaired-affine-exact", LossKind.SoftmaxCrossEntropy, new ThreatModel { FeatureCount = 1, FeatureEpsilon = 0.05, LabelCount = 1, Labels = LabelPoisoning.AnyFlip }, Sgd, Deep: true, Exact: true, Affine: true),
            new("bce-features-affine-adam", LossKind.BinaryCrossEntropy, ThreatModel.Features(1, 0.1), new OptimizerSettings { Kind = OptimizerKind.Adam }, LearningRate: 0.02, Deep: true, Affine: true),
            new("mse-features-crown-deep", LossKind.MeanSquaredError, ThreatModel.Features(2, 0.05), Sgd with { Momentum = 0.9 }, Deep: true, Crown: true),
            new("ce-unpaired-crown-deep", LossKind.SoftmaxCrossEntropy, new ThreatModel { FeatureCount = 1, FeatureEpsilon = 0.05, LabelCount = 1, Labels = LabelPoisoning.AnyFlip }, Sgd, Deep: true, Crown: true),
            new("bce-features-crown-frozen", LossKind.BinaryCrossEntropy, ThreatModel.Features(1, 0.1), new OptimizerSettings { Kind = OptimizerKind.Adam }, LearningRate: 0.02, FrozenLayers: 1, Deep: true, Crown: true),
            new("mse-nu-crown-norm", LossKind.MeanSquaredError, new ThreatModel { LabelCount = 1, Labels = LabelPoisoning.Bounded, LabelRadius = 0.1 }, Sgd, new GradientClipping(ClipKind.Norm, 0.4), Deep: true, Crown: true),
            new("mse-unbounded-affine", LossKind.MeanSquaredError, ThreatModel.Unbounded(1), Sgd, new GradientClipping(ClipKind.Clamp, 0.25), Deep: true, Affine: true),
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PoisonedRuns_Float32_StayInCertifiedBox(Case c) => Assert.Equal(RandomRuns + AdversarialRuns, Run<float>(c, 11));

    [Theory]
    [MemberData(nameof(Cases))]
    public void PoisonedRuns_Float64_StayInCertifiedBox(Case c) => Assert.Equal(RandomRuns / 4 + AdversarialRuns / 4, Run<double>(c, 23, 4));

    [Fact]
    public void Suite_AllScenarios_CheckAtLeastTenThousandTrajectories()
    {
        var perCase = RandomRuns + AdversarialRuns + (RandomRuns + AdversarialRuns) / 4;
        var cases = Cases().Count;
        Assert.True(cases * perCase >= 10_000, $"{cases} cases × {perCase} runs");
    }

    internal static int Run<T>(Case c, int seed, int divisor = 1) where T : IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(seed + c.Name.GetHashCode(StringComparison.Ordinal) % 1000);
        var classes = c.Loss == LossKind.SoftmaxCrossEntropy ? 3 : 2;
        var outputs = c.Loss switch { LossKind.SoftmaxCrossEntropy => classes, LossKind.BinaryCrossEntropy => 1, _ => 2 };
        var data = c.Loss == LossKind.MeanSquaredError
            ? Scenarios.Regression<T>(24, 3, outputs, random)
            : Scenarios.Classification<T>(24, 3, classes, random);
        var hidden = c.Deep ? new[] { c.Hidden, 3 } : [c.Hidden];
        var architecture = NetworkArchitecture.Perceptron(3, hidden, outputs, c.FrozenLayers);
        var scenario = new SoundnessScenario<T>
        {
            Name = $"{c.Name}/{typeof(T).Name}",
            Data = data,
            Initial = NetworkParameters<T>.Initialize(architecture, (ulong)seed),
            Recipe = new TrainingRecipe
            {
                Loss = c.Loss, Epochs = c.Epochs, BatchSize = c.BatchSize, LearningRate = c.LearningRate, Optimizer = c.Optimizer,
                Clipping = c.Clipping, Schedule = c.Schedule ?? new LearningRateSchedule(), ShuffleSeed = (ulong)seed,
            },
            Threat = c.Threat,
            Bounds = new BoundSettings { Products = c.Exact ? IntervalProducts.Exact : IntervalProducts.MidpointRadius, SplitUnpaired = !c.Joint, Affine = c.Affine, Crown = c.Crown },
        };
        return scenario.Check(RandomRuns / divisor, AdversarialRuns / divisor, seed);
    }
}
