using PoisonCert.Models;
using PoisonCert.Training;
using PoisonCert.Training.Attacks;

namespace PoisonCert.Tests.Training;

/// <summary>
/// The adversarial feature search on inputs wide enough (over 134 features) for its tail features to move in groups:
/// every poisoned feature stays within ε of the clean one, at most n samples per batch change, the search moves
/// every tail feature to an end of its ε-interval, and poisoned trainings stay inside the certified box.
/// </summary>
public class WideInputAttackTests
{
    private const int Inputs = 200;
    private const double Epsilon = 0.05;

    [Fact]
    public void AdversarialPoisons_WideInputs_StayAdmissibleAndMoveEveryTailFeatureToAnEnd()
    {
        var random = new Random(3);
        var data = Scenarios.Classification<double>(12, Inputs, 3, random);
        var architecture = NetworkArchitecture.Perceptron(Inputs, [4], 3);
        var initial = NetworkParameters<double>.Initialize(architecture, 5);
        var recipe = new TrainingRecipe { Loss = LossKind.SoftmaxCrossEntropy, Epochs = 1, BatchSize = 6, LearningRate = 0.1 };
        var threat = ThreatModel.Features(1, Epsilon);
        var start = architecture.Layers[0].WeightOffset;
        var poisoner = new AdmissiblePoisoner<double>(threat, recipe, architecture, data.ClassCount, new Random(7), new AttackGoal.Parameter(start + 11, 1));
        var batch = new BatchData<double>(6, Inputs, classification: true, targetWidth: 0);
        batch.Load(data, [0, 1, 2, 3, 4, 5]);
        var clean = batch.Features.ToArray();
        poisoner.Poison(0, batch, initial.Values);
        var changed = 0;
        for (var i = 0; i < 6; i++)
        {
            var moved = false;
            for (var j = 0; j < Inputs; j++)
            {
                var delta = Math.Abs(batch.Features[i * Inputs + j] - clean[i * Inputs + j]);
                Assert.True(delta <= Epsilon, $"sample {i}, feature {j} moved by {delta:R} > ε");
                if (delta > 0) moved = true;
            }
            if (!moved) continue;
            changed++;
            for (var j = 6; j < Inputs; j++)
                Assert.True(Math.Abs(batch.Features[i * Inputs + j] - clean[i * Inputs + j]) > 0.9 * Epsilon, $"sample {i}, tail feature {j} not at an end");
        }
        Assert.Equal(1, changed); // the push has a sample with positive gain here, and the budget is one
    }

    [Fact]
    public void PoisonedRuns_WideInputs_StayInCertifiedBox()
    {
        var random = new Random(11);
        var architecture = NetworkArchitecture.Perceptron(Inputs, [4], 3);
        var scenario = new SoundnessScenario<double>
        {
            Name = "wide-inputs",
            Data = Scenarios.Classification<double>(24, Inputs, 3, random),
            Initial = NetworkParameters<double>.Initialize(architecture, 11),
            Recipe = new TrainingRecipe { Loss = LossKind.SoftmaxCrossEntropy, Epochs = 2, BatchSize = 6, LearningRate = 0.1, ShuffleSeed = 11 },
            Threat = ThreatModel.Features(1, Epsilon),
        };
        Assert.Equal(8, scenario.Check(4, 4, 11));
    }
}
