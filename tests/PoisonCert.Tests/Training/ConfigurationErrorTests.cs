using PoisonCert.Models;
using PoisonCert.Training;

namespace PoisonCert.Tests.Training;

/// <summary>
/// Inputs the engine cannot certify are rejected before any training, with an InvalidConfigurationException whose
/// message names the offending field (threat models, recipes, optimizers, data, network shapes). Recipe and shape
/// errors are raised by the plain trainer as well.
/// </summary>
public class ConfigurationErrorTests
{
    private static readonly NetworkArchitecture Network = NetworkArchitecture.Perceptron(4, [3], 3);
    private static readonly TrainingRecipe Recipe = new() { Loss = LossKind.SoftmaxCrossEntropy, BatchSize = 4, Epochs = 1 };

    private static TrainingSet<double> Classification(int classes = 3, int rows = 12)
    {
        var random = new Random(1);
        return TrainingSet<double>.Classification("toy", 4, [.. Enumerable.Range(0, rows * 4).Select(_ => random.NextDouble())],
            [.. Enumerable.Range(0, rows).Select(i => i % classes)], classes);
    }

    private static TrainingSet<double> Regression()
        => TrainingSet<double>.Regression("toy", 4, [.. Enumerable.Range(0, 48).Select(i => i / 48.0)], [.. Enumerable.Range(0, 12).Select(i => i / 12.0)], 1);

    private static void Certify(ThreatModel threat, TrainingRecipe? recipe = null, TrainingSet<double>? data = null, NetworkArchitecture? network = null)
    {
        var architecture = network ?? Network;
        new CertifiedTrainer<double>(recipe ?? Recipe, threat, new CertificationOptions { MaxDegreeOfParallelism = 1 })
            .Train(data ?? Classification(), NetworkParameters<double>.Initialize(architecture, 1));
    }

    private static void Plain(TrainingRecipe recipe, TrainingSet<double>? data = null, NetworkArchitecture? network = null)
    {
        var architecture = network ?? Network;
        PlainTrainer.Train(data ?? Classification(), recipe, NetworkParameters<double>.Initialize(architecture, 1));
    }

    private static readonly Dictionary<string, (Action Run, string[] Named)> Cases = new()
    {
        ["budget above the untrusted samples"] = (() => Certify(ThreatModel.Features(3, 0.1) with { TrustedPerBatch = 2 }), ["features.count", "budget of 3", "2 untrusted"]),
        ["unpaired budget n + m above the batch"] = (() => Certify(new ThreatModel { FeatureCount = 2, FeatureEpsilon = 0.1, LabelCount = 3, Labels = LabelPoisoning.AnyFlip }),
            ["features.count + labels.count", "budget of 5"]),
        ["trusted fills the batch"] = (() => Certify(ThreatModel.Features(1, 0.1) with { TrustedPerBatch = 4 }), ["trusted = 4"]),
        ["unbounded without clipping"] = (() => Certify(ThreatModel.Unbounded(1)), ["unbounded", "training.clip", "clamp"]),
        ["unbounded with norm clipping"] = (() => Certify(ThreatModel.Unbounded(1), Recipe with { Clipping = new GradientClipping(ClipKind.Norm, 1) }), ["unbounded", "training.clip"]),
        ["label flips with the squared error"] = (() => Certify(ThreatModel.LabelFlips(1), Recipe with { Loss = LossKind.MeanSquaredError }, Regression(), NetworkArchitecture.Perceptron(4, [3], 1)),
            ["label flips", "labels.nu"]),
        ["nu with classification"] = (() => Certify(new ThreatModel { LabelCount = 1, Labels = LabelPoisoning.Bounded, LabelRadius = 0.1 }), ["labels.nu", "regression"]),
        ["negative nu"] = (() => Certify(new ThreatModel { LabelCount = 1, Labels = LabelPoisoning.Bounded, LabelRadius = -0.1 }), ["labels.nu = -0.1"]),
        ["target class out of range"] = (() => Certify(new ThreatModel { LabelCount = 1, Labels = LabelPoisoning.TargetFlip, TargetClass = 3 }), ["labels.targetClass = 3", "0..2"]),
        ["bounded and removal combined"] = (() => Certify(ThreatModel.Features(1, 0.1) with { RemovalCount = 1 }), ["removal", "cannot be combined"]),
        ["negative epsilon"] = (() => Certify(ThreatModel.Features(1, -0.1)), ["features.epsilon = -0.1"]),
        ["NaN epsilon"] = (() => Certify(ThreatModel.Features(1, double.NaN)), ["features.epsilon = NaN"]),
        ["NaN feature"] = (() => TrainingSet<double>.Classification("toy", 2, [0, 1, 2, double.NaN], [0, 1], 2), ["toy", "feature 1 of row 1", "NaN"]),
        ["infinite target"] = (() => TrainingSet<float>.Regression("toy", 1, [0f, 1f], [0f, float.PositiveInfinity], 1), ["toy", "target 0 of row 1"]),
        ["output width for the loss"] = (() => Certify(ThreatModel.None, network: NetworkArchitecture.Perceptron(4, [3], 2)), ["network has 2 outputs", "needs 3"]),
        ["binary cross-entropy with three classes"] = (() => Certify(ThreatModel.None, Recipe with { Loss = LossKind.BinaryCrossEntropy }, network: NetworkArchitecture.Perceptron(4, [3], 1)),
            ["binary cross-entropy needs 2 classes", "has 3"]),
        ["last batch error with a batch size that does not divide"] = (() => Certify(ThreatModel.None, Recipe with { BatchSize = 5, LastBatch = LastBatchPolicy.Error }),
            ["lastBatch = error", "batches of 5"]),
        ["frozen layers cover every dense layer"] = (() => NetworkArchitecture.Perceptron(4, [3], 3, frozenLayers: 2), ["frozenLayers = 2"]),
        ["nesterov without momentum"] = (() => Certify(ThreatModel.None, Recipe with { Optimizer = new OptimizerSettings { Nesterov = true } }),
            ["training.optimizer", "Nesterov", "momentum > 0"]),
        ["adam with momentum"] = (() => Certify(ThreatModel.None, Recipe with { Optimizer = new OptimizerSettings { Kind = OptimizerKind.Adam, Momentum = 0.9 } }),
            ["training.optimizer", "momentum", "beta1"]),
        ["plain: last batch error"] = (() => Plain(Recipe with { BatchSize = 5, LastBatch = LastBatchPolicy.Error }), ["lastBatch = error"]),
        ["plain: nesterov without momentum"] = (() => Plain(Recipe with { Optimizer = new OptimizerSettings { Nesterov = true } }), ["training.optimizer", "Nesterov"]),
        ["plain: binary cross-entropy with three classes"] = (() => Plain(Recipe with { Loss = LossKind.BinaryCrossEntropy }, network: NetworkArchitecture.Perceptron(4, [3], 1)),
            ["binary cross-entropy needs 2 classes"]),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Configuration_Invalid_ThrowsNamingTheField(string name)
    {
        var (run, named) = Cases[name];
        var error = Assert.Throws<InvalidConfigurationException>(run);
        foreach (var field in named) Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }
}
