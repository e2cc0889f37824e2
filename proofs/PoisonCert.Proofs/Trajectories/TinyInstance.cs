using PoisonCert.Models;
using PoisonCert.Training;

namespace PoisonCert.Proofs.Trajectories;

/// <summary>
/// A tiny regression problem small enough for an exact Z3 encoding of its whole training run: 2 inputs, one hidden
/// Dense-ReLU layer of <see cref="Hidden"/> units, <see cref="Outputs"/> linear outputs, MSE loss, <see cref="Rows"/>
/// training rows in batches of <see cref="BatchSize"/> for <see cref="Epochs"/> epochs. Data (uniform in [−1, 1]) and
/// initial parameters (<see cref="NetworkParameters{T}.Initialize"/>) come from <see cref="Seed"/>.
/// </summary>
public sealed record TinyInstance(string Name, int Hidden, int Outputs, int BatchSize, int Rows, int Epochs, OptimizerSettings Optimizer,
    double LearningRate, ThreatModel Threat, GradientClipping? Clipping = null, ulong? ShuffleSeed = null, int Seed = 4)
{
    public NetworkArchitecture Architecture => NetworkArchitecture.Perceptron(2, [Hidden], Outputs);

    public TrainingRecipe Recipe => new()
    {
        Loss = LossKind.MeanSquaredError,
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Optimizer = Optimizer,
        Clipping = Clipping,
        ShuffleSeed = ShuffleSeed,
    };

    public int Steps => Epochs * (Rows / BatchSize);

    public TrainingSet<double> Data
    {
        get
        {
            var random = new Random(Seed);
            var features = new double[Rows * 2];
            for (var i = 0; i < features.Length; i++) features[i] = random.NextDouble() * 2 - 1;
            var targets = new double[Rows * Outputs];
            for (var i = 0; i < targets.Length; i++) targets[i] = random.NextDouble() * 2 - 1;
            return TrainingSet<double>.Regression(Name, 2, features, targets, Outputs);
        }
    }

    public NetworkParameters<double> Initial => NetworkParameters<double>.Initialize(Architecture, (ulong)Seed);

    /// <summary>The engine's box after every step (CertifiedTrainer&lt;double&gt;, one thread).</summary>
    public IReadOnlyList<ParameterBox<double>> Certify()
    {
        var boxes = new List<ParameterBox<double>>();
        new CertifiedTrainer<double>(Recipe, Threat, new CertificationOptions { MaxDegreeOfParallelism = 1 })
            .Train(Data, Initial, (_, box) => boxes.Add(box.Clone()));
        return boxes;
    }

    /// <summary>The plain (float) program's parameters after every step, on batches changed by <paramref name="poisoner"/>.</summary>
    public IReadOnlyList<double[]> Train(IBatchPoisoner<double>? poisoner)
    {
        var after = new List<double[]>();
        PlainTrainer.Train(Data, Recipe, Initial, poisoner, (_, parameters) => after.Add((double[])parameters.Clone()));
        return after;
    }

    public string ParameterName(int flat)
    {
        var (entry, index) = Architecture.Locate(flat);
        return $"{entry.Name}[{string.Join(",", index)}]";
    }

    public override string ToString() => Name;
}

/// <summary>The instances the trajectory proofs cover.</summary>
public static class TinyInstances
{
    private static readonly OptimizerSettings Sgd = new();

    public static readonly TinyInstance[] All =
    [
        // features: k = 1 of 2 rows moved by ε = 0.05, one full-batch SGD step, 1 hidden unit
        new("features-h1-b2-sgd1", Hidden: 1, Outputs: 1, BatchSize: 2, Rows: 2, Epochs: 1, Sgd, 0.1, ThreatModel.Features(1, 0.05)),
        // the same, two full-batch SGD steps
        new("features-h1-b2-sgd2", Hidden: 1, Outputs: 1, BatchSize: 2, Rows: 2, Epochs: 2, Sgd, 0.1, ThreatModel.Features(1, 0.05)),
        // features: k = 1 of 3 rows, 2 hidden units, 3 full-batch SGD steps. Seed 1 (hidden unit 0 is inactive on every
        // poisoned batch); with the default seed 4 Z3 did not finish the third step's first query within minutes.
        new("features-h2-b3-sgd3", Hidden: 2, Outputs: 1, BatchSize: 3, Rows: 3, Epochs: 3, Sgd, 0.1, ThreatModel.Features(1, 0.05), Seed: 1),
        // features: k = 2 of 6 rows, 3 hidden units, 2 outputs, one SGD step
        new("features-h3-o2-b6-sgd1", Hidden: 3, Outputs: 2, BatchSize: 6, Rows: 6, Epochs: 1, Sgd, 0.1, ThreatModel.Features(2, 0.02)),
        // labels: k = 1 of 2 rows, targets moved by ν = 0.1, 2 outputs, mini-batches (4 shuffled rows, batches of 2): 2 steps
        new("labels-h2-o2-b2-sgd2-shuffled", Hidden: 2, Outputs: 2, BatchSize: 2, Rows: 4, Epochs: 1, Sgd, 0.1,
            new ThreatModel { LabelCount = 1, Labels = LabelPoisoning.Bounded, LabelRadius = 0.1 }, ShuffleSeed: 7),
        // labels: k = 2 of 4 rows, ν = 0.05, 3 full-batch SGD steps
        new("labels-h2-b4-sgd3", Hidden: 2, Outputs: 1, BatchSize: 4, Rows: 4, Epochs: 3, Sgd, 0.1,
            new ThreatModel { LabelCount = 2, Labels = LabelPoisoning.Bounded, LabelRadius = 0.05 }),
        // unpaired features (k = 1, ε = 0.05) and labels (k = 1, ν = 0.05) of 3 rows, one SGD step
        new("unpaired-h2-b3-sgd1", Hidden: 2, Outputs: 1, BatchSize: 3, Rows: 3, Epochs: 1, Sgd, 0.1,
            new ThreatModel { FeatureCount = 1, FeatureEpsilon = 0.05, LabelCount = 1, Labels = LabelPoisoning.Bounded, LabelRadius = 0.05 }),
        // unbounded: k = 1 of 3 rows replaced by any point, clamp clipping γ = 0.25, 2 full-batch SGD steps
        new("unbounded-h2-b3-sgd2-clamp", Hidden: 2, Outputs: 1, BatchSize: 3, Rows: 3, Epochs: 2, Sgd, 0.1,
            ThreatModel.Unbounded(1), new GradientClipping(ClipKind.Clamp, 0.25)),
        // unbounded: k = 1 of 4 rows, 2 outputs, clamp γ = 0.5, one SGD step
        new("unbounded-h1-o2-b4-sgd1-clamp", Hidden: 1, Outputs: 2, BatchSize: 4, Rows: 4, Epochs: 1, Sgd, 0.1,
            ThreatModel.Unbounded(1), new GradientClipping(ClipKind.Clamp, 0.5)),
        // momentum μ = 0.9, 2 full-batch steps (the second uses the velocity), features k = 1 of 2
        new("features-h2-b2-momentum2", Hidden: 2, Outputs: 1, BatchSize: 2, Rows: 2, Epochs: 2, Sgd with { Momentum = 0.9 }, 0.1,
            ThreatModel.Features(1, 0.05)),
        // Adam (β = 0.9, 0.999, ε = 1e-8), one step, labels k = 1 of 3, ν = 0.1
        new("labels-h2-b3-adam1", Hidden: 2, Outputs: 1, BatchSize: 3, Rows: 3, Epochs: 1, new OptimizerSettings { Kind = OptimizerKind.Adam }, 0.01,
            new ThreatModel { LabelCount = 1, Labels = LabelPoisoning.Bounded, LabelRadius = 0.1 }),
        // Adam, one step, features k = 1 of 2
        new("features-h1-b2-adam1", Hidden: 1, Outputs: 1, BatchSize: 2, Rows: 2, Epochs: 1, new OptimizerSettings { Kind = OptimizerKind.Adam }, 0.01,
            ThreatModel.Features(1, 0.05)),
    ];

    public static TinyInstance Named(string name) => All.Single(i => i.Name == name);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var instance in All) data.Add(instance.Name);
        return data;
    }
}
