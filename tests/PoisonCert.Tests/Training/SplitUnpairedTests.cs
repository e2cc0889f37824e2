using PoisonCert.Models;
using PoisonCert.Training;

namespace PoisonCert.Tests.Training;

/// <summary>
/// The exact selection of unpaired feature and label poisoning is never looser than the joint rule (n + m joint
/// candidates): after the first step, whose input box is the same point for both, its box lies inside the joint box
/// coordinate for coordinate; it is strictly narrower in mean; and the nominal run is identical. (Its soundness is
/// checked by the end-to-end suite's unpaired cases and proved by AggregationLemmas.ExactUnpairedAggregation_*.)
/// </summary>
public class SplitUnpairedTests
{
    public static TheoryData<string> Cases() => ["ce", "mse", "bce-clamp"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void FirstStep_SplitBoxInsideJointBox_AndNarrower(string name)
    {
        var random = new Random(5);
        var (loss, threat, clipping) = name switch
        {
            "ce" => (LossKind.SoftmaxCrossEntropy, new ThreatModel { FeatureCount = 2, FeatureEpsilon = 0.05, LabelCount = 2, Labels = LabelPoisoning.AnyFlip }, (GradientClipping?)null),
            "mse" => (LossKind.MeanSquaredError, new ThreatModel { FeatureCount = 2, FeatureEpsilon = 0.05, LabelCount = 3, Labels = LabelPoisoning.Bounded, LabelRadius = 0.3 }, null),
            _ => (LossKind.BinaryCrossEntropy, new ThreatModel { FeatureCount = 1, FeatureEpsilon = 0.1, LabelCount = 2, Labels = LabelPoisoning.AnyFlip }, new GradientClipping(ClipKind.Clamp, 0.5)),
        };
        var outputs = loss switch { LossKind.SoftmaxCrossEntropy => 3, LossKind.BinaryCrossEntropy => 1, _ => 2 };
        var data = loss == LossKind.MeanSquaredError ? Scenarios.Regression<float>(40, 5, outputs, random) : Scenarios.Classification<float>(40, 5, loss == LossKind.BinaryCrossEntropy ? 2 : 3, random);
        var architecture = NetworkArchitecture.Perceptron(5, [8], outputs);
        var initial = NetworkParameters<float>.Initialize(architecture, 9);
        var recipe = new TrainingRecipe { Loss = loss, Epochs = 1, BatchSize = 20, LearningRate = 0.1, Clipping = clipping };
        ParameterBox<float> FirstBox(bool split)
        {
            ParameterBox<float>? first = null;
            new CertifiedTrainer<float>(recipe, threat, new CertificationOptions { MaxDegreeOfParallelism = 1 }, new BoundSettings { SplitUnpaired = split })
                .Train(data, initial, (step, box) => first ??= box.Clone());
            return first!;
        }
        var splitBox = FirstBox(split: true);
        var jointBox = FirstBox(split: false);
        for (var p = 0; p < splitBox.Lower.Length; p++)
        {
            Assert.True(jointBox.Lower[p] <= splitBox.Lower[p] && splitBox.Upper[p] <= jointBox.Upper[p],
                $"{name}: parameter {p}: split [{splitBox.Lower[p]}, {splitBox.Upper[p]}] not inside joint [{jointBox.Lower[p]}, {jointBox.Upper[p]}]");
            Assert.Equal(jointBox.Nominal[p], splitBox.Nominal[p]);
        }
        Assert.True(splitBox.MeanWidth() < jointBox.MeanWidth(), $"{name}: split mean width {splitBox.MeanWidth()} not below joint {jointBox.MeanWidth()}");
    }

    [Fact]
    public void SplitAggregation_PairedThreatModel_IsNotUsedAndGivesTheJointResult()
    {
        var random = new Random(8);
        var data = Scenarios.Classification<float>(20, 3, 3, random);
        var architecture = NetworkArchitecture.Perceptron(3, [4], 3);
        var initial = NetworkParameters<float>.Initialize(architecture, 2);
        var recipe = new TrainingRecipe { Loss = LossKind.SoftmaxCrossEntropy, Epochs = 1, BatchSize = 10, LearningRate = 0.1 };
        var paired = new ThreatModel { FeatureCount = 1, FeatureEpsilon = 0.05, LabelCount = 1, Labels = LabelPoisoning.AnyFlip, Pairing = Pairing.Paired };
        float[] Final(bool split) => new CertifiedTrainer<float>(recipe, paired, new CertificationOptions { MaxDegreeOfParallelism = 1 },
            new BoundSettings { SplitUnpaired = split }).Train(data, initial).Box.Upper;
        Assert.Equal(Final(false), Final(true));
    }
}
