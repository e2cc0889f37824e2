using System.Numerics;
using PoisonCert.Models;
using PoisonCert.Training;

namespace PoisonCert.Tests.Training;

/// <summary>
/// The certificate does not depend on the thread count: CertifiedTrainer gives bit-identical boxes (lower, nominal,
/// upper, after every step) with MaxDegreeOfParallelism 1, 2 and 4, for bounded, label, unbounded and removal
/// threat models, with and without clipping, in float and double.
/// </summary>
public abstract class CertifiedDeterminismTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    public static TheoryData<string> Threats => ["features", "labels-paired", "unbounded", "removal", "features-norm"];

    [Theory]
    [MemberData(nameof(Threats))]
    public void Train_DifferentThreadCounts_GiveBitIdenticalBoxes(string threat)
    {
        var random = new Random(threat.Length);
        var data = Scenarios.Classification<T>(48, 4, 3, random);
        var architecture = NetworkArchitecture.Perceptron(4, [16, 8], 3);
        var initial = NetworkParameters<T>.Initialize(architecture, 3);
        var recipe = new TrainingRecipe
        {
            Loss = LossKind.SoftmaxCrossEntropy, Epochs = 2, BatchSize = 12, LearningRate = 0.05, ShuffleSeed = 9,
            Optimizer = new OptimizerSettings { Momentum = 0.5 },
            Clipping = threat switch { "unbounded" => new GradientClipping(ClipKind.Clamp, 0.5), "features-norm" => new GradientClipping(ClipKind.Norm, 1), _ => null },
        };
        var model = threat switch
        {
            "labels-paired" => new ThreatModel { FeatureCount = 2, FeatureEpsilon = 0.02, LabelCount = 3, Labels = LabelPoisoning.AnyFlip, Pairing = Pairing.Paired },
            "unbounded" => ThreatModel.Unbounded(2),
            "removal" => ThreatModel.Removal(3) with { TrustedPerBatch = 2 },
            _ => ThreatModel.Features(3, 0.05),
        };
        List<ulong[]> Run(int threads)
        {
            var steps = new List<ulong[]>();
            new CertifiedTrainer<T>(recipe, model, new CertificationOptions { MaxDegreeOfParallelism = threads })
                .Train(data, initial, (_, box) => steps.Add([.. Bits(box.Lower), .. Bits(box.Nominal), .. Bits(box.Upper)]));
            return steps;
        }
        var single = Run(1);
        Assert.Equal(8, single.Count);
        foreach (var threads in new[] { 2, 4 })
        {
            var other = Run(threads);
            for (var step = 0; step < single.Count; step++)
                Assert.True(single[step].SequenceEqual(other[step]), $"{threat}: step {step} differs between 1 and {threads} threads");
        }
    }

    private static IEnumerable<ulong> Bits(T[] values) => values.Select(v => BitConverter.DoubleToUInt64Bits(double.CreateTruncating(v)));
}

public sealed class SingleCertifiedDeterminismTests : CertifiedDeterminismTests<float> { }

public sealed class DoubleCertifiedDeterminismTests : CertifiedDeterminismTests<double> { }
