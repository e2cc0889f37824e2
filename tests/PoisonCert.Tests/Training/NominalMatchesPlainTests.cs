using System.Numerics;
using PoisonCert.Models;
using PoisonCert.Training;

namespace PoisonCert.Tests.Training;

/// <summary>
/// The certified trainer's nominal track IS the training program: its final Box.Nominal equals PlainTrainer.Train on
/// the clean data with the same recipe and seed bit for bit, for SGD, momentum and Adam, without clipping and with
/// clamp and norm clipping, in float and double (with a poisoned track running, so the tracks share nothing that
/// could leak into the nominal one).
/// </summary>
public abstract class NominalMatchesPlainTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var optimizer in new[] { "sgd", "momentum", "adam" })
            foreach (var clipping in new[] { "none", "clamp", "norm" })
                data.Add(optimizer, clipping);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CertifiedNominal_CleanData_EqualsPlainTrainingBitForBit(string optimizer, string clipping)
    {
        var random = new Random(optimizer.Length * 31 + clipping.Length);
        var data = Scenarios.Classification<T>(30, 3, 3, random);
        var architecture = NetworkArchitecture.Perceptron(3, [5, 4], 3);
        var initial = NetworkParameters<T>.Initialize(architecture, 11);
        var recipe = new TrainingRecipe
        {
            Loss = LossKind.SoftmaxCrossEntropy, Epochs = 3, BatchSize = 7, LearningRate = optimizer == "adam" ? 0.01 : 0.1, ShuffleSeed = 5,
            Optimizer = optimizer switch
            {
                "sgd" => new OptimizerSettings { WeightDecay = 0.01 },
                "momentum" => new OptimizerSettings { Momentum = 0.9, Nesterov = true },
                _ => new OptimizerSettings { Kind = OptimizerKind.Adam },
            },
            Clipping = clipping switch { "clamp" => new GradientClipping(ClipKind.Clamp, 0.05), "norm" => new GradientClipping(ClipKind.Norm, 0.2), _ => null },
        };
        var certified = new CertifiedTrainer<T>(recipe, ThreatModel.Features(1, 0.01), new CertificationOptions { MaxDegreeOfParallelism = 2 })
            .Train(data, initial);
        var plain = PlainTrainer.Train(data, recipe, initial);
        Assert.Equal(Bits(plain.Values), Bits(certified.Box.Nominal));
        Assert.True(certified.Box.Contains(plain.Values));
        Assert.Equal(12, certified.Steps); // 4 batches of 7 (2 rows dropped) × 3 epochs
    }

    private static ulong[] Bits(T[] values) => [.. values.Select(v => BitConverter.DoubleToUInt64Bits(double.CreateTruncating(v)))];
}

public sealed class SingleNominalMatchesPlainTests : NominalMatchesPlainTests<float> { }

public sealed class DoubleNominalMatchesPlainTests : NominalMatchesPlainTests<double> { }
