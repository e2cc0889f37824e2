using System.Numerics;
using System.Text.RegularExpressions;
using PoisonCert.Models;
using PoisonCert.Training;

namespace PoisonCert.Tests.Training;

/// <summary>
/// Bounds that overflow end the run with a BoundViolationException naming the step, the tensor and the index —
/// never a certificate: with a huge learning rate on a feature-poisoned run (SGD, momentum, Adam) the widths blow
/// up within a few steps, and every box handed out before that is finite and contains its nominal parameters.
/// </summary>
public abstract partial class BoundViolationTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    [GeneratedRegex(@"^Step (\d+): layer\d+\.(weight|bias)\[\d+(, \d+)?\]: ")]
    private static partial Regex Location();

    [Theory]
    [InlineData("sgd")]
    [InlineData("momentum")]
    [InlineData("adam")]
    public void Train_HugeLearningRate_ThrowsNamingStepTensorAndIndex(string optimizer)
    {
        var data = Scenarios.Classification<T>(40, 3, 2, new Random(2));
        var architecture = NetworkArchitecture.Perceptron(3, [6], 2);
        var recipe = new TrainingRecipe
        {
            Loss = LossKind.SoftmaxCrossEntropy, Epochs = 20, BatchSize = 8,
            // Adam's step is bounded by η·R, so only a learning rate near the top of T's range overflows.
            LearningRate = optimizer != "adam" ? 1e12 : typeof(T) == typeof(float) ? 1e30 : 1e200,
            Optimizer = optimizer switch
            {
                "momentum" => new OptimizerSettings { Momentum = 0.9 },
                "adam" => new OptimizerSettings { Kind = OptimizerKind.Adam },
                _ => new OptimizerSettings(),
            },
        };
        var handedOut = 0;
        var trainer = new CertifiedTrainer<T>(recipe, ThreatModel.Features(2, 0.1), new CertificationOptions { MaxDegreeOfParallelism = 1 });
        var error = Assert.Throws<BoundViolationException>(() => trainer.Train(data, NetworkParameters<T>.Initialize(architecture, 4), (_, box) =>
        {
            handedOut++;
            for (var e = 0; e < box.Lower.Length; e++)
                Assert.True(T.IsFinite(box.Lower[e]) && T.IsFinite(box.Upper[e]) && box.Lower[e] <= box.Nominal[e] && box.Nominal[e] <= box.Upper[e],
                    $"a box with a non-finite or misordered entry {e} was handed out");
        }));
        var match = Location().Match(error.Message);
        Assert.True(match.Success, $"the message does not start with the step, tensor and index: {error.Message}");
        Assert.Equal(handedOut, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    // A feature radius near the top of T's range makes the poisoned track's layer boxes overflow in the first forward
    // pass while the parameters are still finite: the aggregation does not stream non-finite boxes (its kernel relies
    // on finite inputs) but hands back [−∞, +∞], and the run stops at step 0 naming a parameter.
    [Fact]
    public void Train_ForwardBoxesOverflow_StopsAtFirstStepNamingParameter()
    {
        var data = Scenarios.Classification<T>(16, 3, 2, new Random(5));
        var architecture = NetworkArchitecture.Perceptron(3, [4], 2);
        var recipe = new TrainingRecipe { Loss = LossKind.SoftmaxCrossEntropy, Epochs = 1, BatchSize = 8, LearningRate = 0.1 };
        var epsilon = typeof(T) == typeof(float) ? 3e38 : 1.7e308;
        var trainer = new CertifiedTrainer<T>(recipe, ThreatModel.Features(2, epsilon), new CertificationOptions { MaxDegreeOfParallelism = 1 });
        var handedOut = 0;
        var error = Assert.Throws<BoundViolationException>(() => trainer.Train(data, NetworkParameters<T>.Initialize(architecture, 4), (_, _) => handedOut++));
        Assert.Equal(0, handedOut);
        var match = Location().Match(error.Message);
        Assert.True(match.Success && match.Groups[1].Value == "0", $"the message does not name step 0, a tensor and an index: {error.Message}");
        Assert.Contains("no longer finite", error.Message);
    }
}

public sealed class SingleBoundViolationTests : BoundViolationTests<float> { }

public sealed class DoubleBoundViolationTests : BoundViolationTests<double> { }

/// <summary>
/// Adam with an ε that rounds to zero in float32: where the second-moment box reaches zero the denominator box is not
/// positive, and the run stops naming the step and the parameter entry instead of dividing by zero.
/// </summary>
public sealed class AdamDenominatorTests
{
    [Fact]
    public void Train_AdamEpsilonRoundingToZero_ThrowsNamingStepAndEntry()
    {
        var data = Scenarios.Classification<float>(16, 3, 2, new Random(3));
        var architecture = NetworkArchitecture.Perceptron(3, [4], 2);
        var recipe = new TrainingRecipe
        {
            Loss = LossKind.SoftmaxCrossEntropy, Epochs = 1, BatchSize = 8, LearningRate = 0.01,
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Adam, Epsilon = 1e-50 },
        };
        // A wide feature radius makes some gradient boxes straddle zero, so their second-moment boxes start at zero.
        var trainer = new CertifiedTrainer<float>(recipe, ThreatModel.Features(2, 2.0), new CertificationOptions { MaxDegreeOfParallelism = 1 });
        var error = Assert.Throws<BoundViolationException>(() => trainer.Train(data, NetworkParameters<float>.Initialize(architecture, 4)));
        Assert.Matches(@"^Step 0: parameter entry \d+: Adam's denominator box \[0, ", error.Message);
        Assert.Contains("ε that rounds to zero in Single", error.Message);
    }
}
