using PoisonCert.Certification;
using PoisonCert.Data;
using PoisonCert.Models;
using PoisonCert.Training;

namespace PoisonCert.Tests;

/// <summary>The library example of README.md, verbatim between the markers, so that it keeps compiling and running.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void ReadmeExample_Wdbc_ProducesACertificateNoWiderThanNominal()
    {
        // README example begins
        var dataset = new DatasetRegistry().Load("wdbc");                       // shipped, checksum-verified
        var split = DatasetSplitter.Split(dataset, testFraction: 0.2, seed: 0, stratified: true);
        var scaling = FeatureScaling.Fit(split.Train, ScalingMethod.Standardize); // fitted on the training rows
        var train = TrainingSet<float>.From(scaling.Apply(split.Train));
        var test = TrainingSet<float>.From(scaling.Apply(split.Test));

        var network = NetworkArchitecture.Perceptron(train.Inputs, hidden: [16], outputs: 1);
        var initial = NetworkParameters<float>.Initialize(network, seed: 0);
        var recipe = new TrainingRecipe { Loss = LossKind.BinaryCrossEntropy, Epochs = 3, BatchSize = 64, LearningRate = 0.1, ShuffleSeed = 0 };
        var threat = ThreatModel.Features(count: 1, epsilon: 0.01);             // 1 point per batch, ℓ∞ ≤ 0.01

        var result = new CertifiedTrainer<float>(recipe, threat).Train(train, initial);
        var certificate = TestTimeCertifier.Classification(result.Box, test);
        Console.WriteLine($"accuracy {certificate.NominalAccuracy:P1}, certified {certificate.CertifiedAccuracy:P1}");

        // Any real poisoned run of the same recipe lands inside the box:
        var poisoned = PlainTrainer.Train(train, recipe, initial);              // (here: the clean run)
        Console.WriteLine(result.Box.Contains(poisoned.Values));                 // True
        // README example ends
        Assert.True(result.Box.Contains(poisoned.Values));
        Assert.InRange(certificate.CertifiedAccuracy, 0.5, certificate.NominalAccuracy);
    }
}
