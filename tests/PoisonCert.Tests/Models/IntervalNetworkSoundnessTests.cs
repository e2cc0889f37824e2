using System.Numerics;
using FsCheck.Xunit;
using PoisonCert.Models;
using PoisonCert.Numerics;
using PoisonCert.Tests.Exact;
using PoisonCert.Training;
using Xunit.Abstractions;

namespace PoisonCert.Tests.Models;

/// <summary>
/// IntervalNetwork against the training program (PointNetwork): random small networks (0–2 hidden layers, frozen
/// prefixes, every loss), random parameter boxes (some entries and whole frozen layers zero-width) and input
/// boxes; for sampled members of the parameters, inputs and labels, every pre-activation of every layer and
/// every output gradient of every trained layer that the program computes lies in its box, and so do the exact
/// (rational) pre-activations and, for the squared error, the exact output gradients. Zero slack. With point
/// boxes the boxes are also narrow: within a stated a priori width.
/// </summary>
public abstract class IntervalNetworkSoundnessTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly ITestOutputHelper _output;

    protected IntervalNetworkSoundnessTests(ITestOutputHelper output) => _output = output;

    [Property(MaxTest = 120)]
    public bool Passes_RandomNetworksBoxesAndMembers_ContainProgramAndExactValues(int seed)
    {
        var c = NetworkPassCase<T>.Random(seed);
        var network = c.RunIntervalPass();
        var zLower = Internals.Field<T[][]>(network, "_zLower");
        var zUpper = Internals.Field<T[][]>(network, "_zUpper");
        var random = new Random(seed ^ 0x3C3C);
        var point = new PointNetwork<T>(c.Architecture, c.Count);
        var sum = new T[c.Architecture.ParameterCount];
        for (var sample = 0; sample < 6; sample++)
        {
            var theta = PointMembers.Of<T>(random, c.ParameterLower, c.ParameterUpper);
            var x = PointMembers.Of<T>(random, c.InputLower, c.InputUpper);
            var (labels, targets) = c.AdmissibleLabels(random);
            point.Forward(theta, x, c.Count);
            Array.Clear(sum);
            point.Backward(theta, c.Loss, labels, targets, null, sum);
            var preActivations = Internals.Field<T[][]>(point, "_preActivations");
            var outputGradients = Internals.Field<T[][]>(point, "_outputGradients");
            var exact = ExactNetwork.Forward(c.Architecture, theta, x, c.Count);
            var exactGradients = c.Loss == LossKind.MeanSquaredError ? ExactNetwork.BackwardSquaredError(c.Architecture, theta, exact, targets, c.Count) : null;
            for (var l = 0; l < c.Architecture.Layers.Count; l++)
            {
                var n = c.Count * c.Architecture.Layers[l].Outputs;
                var gl = network.OutputGradientLower(l);
                var gu = network.OutputGradientUpper(l);
                for (var e = 0; e < n; e++)
                {
                    var where = $"seed {seed}, {c.Architecture}, {c.Loss}, layer {l}, entry {e}";
                    Assert.True(zLower[l][e] <= preActivations[l][e] && preActivations[l][e] <= zUpper[l][e],
                        $"{where}: program pre-activation {preActivations[l][e]:R} outside [{zLower[l][e]:R}, {zUpper[l][e]:R}]");
                    ExactAssert.Contains(zLower[l][e], zUpper[l][e], exact[l][e], where + " (exact pre-activation)");
                    if (l < c.Architecture.FirstTrainable) continue;
                    Assert.True(gl[e] <= outputGradients[l][e] && outputGradients[l][e] <= gu[e],
                        $"{where}: program output gradient {outputGradients[l][e]:R} outside [{gl[e]:R}, {gu[e]:R}]");
                    if (exactGradients is not null) ExactAssert.Contains(gl[e], gu[e], exactGradients[l]![e], where + " (exact output gradient)");
                }
            }
        }
        return true;
    }

    /// <summary>
    /// The crafted instance of FloatEvaluationCoverTests as a network: inputs [1, t, t, t, t] with t just around
    /// the unit roundoff u, all weights 1. The program's product rounds every addition up for the member with every
    /// t at its upper end (1 + 8u), about 8u from the centre's evaluation; only the float-evaluation term of the
    /// interval product covers that.
    /// </summary>
    [Fact]
    public void Forward_InputsThatRoundEveryAdditionUp_ContainTheProgramPreActivation()
    {
        var architecture = NetworkArchitecture.Perceptron(5, [], 1);
        var u = double.CreateTruncating(ErrorBounds.UnitRoundoff<T>());
        var low = T.CreateTruncating(u * (1 - 3 * Math.ScaleB(1, -10)));
        var high = T.CreateTruncating(u * (1 + Math.ScaleB(1, -10)));
        T[] parameters = [T.One, T.One, T.One, T.One, T.One, T.Zero];
        var c = new NetworkPassCase<T>
        {
            Architecture = architecture, Loss = LossKind.MeanSquaredError, Count = 1, ParameterLower = parameters, ParameterUpper = parameters,
            InputLower = [T.One, low, low, low, low], InputUpper = [T.One, high, high, high, high], Labels = [0], Targets = [T.Zero], LabelBox = LabelBox.Clean,
        };
        var network = c.RunIntervalPass();
        var point = new PointNetwork<T>(architecture, 1);
        point.Forward(parameters, c.InputUpper, 1);
        var z = point.Outputs[0];
        Assert.True(network.OutputLower[0] <= z && z <= network.OutputUpper[0], $"program output {z:R} outside [{network.OutputLower[0]:R}, {network.OutputUpper[0]:R}]");
    }

    /// <summary>
    /// With point parameters and inputs (clean labels) every box contains the program's value and is at most
    /// 2⁸·u·(1 + M)² wide, M the largest magnitude in the pass (|W|·|h| + |b| for pre-activations, |g| of the
    /// program's output gradients): a few γ_(2k+2) per layer (k ≤ 5), propagated through at most three layers with
    /// |W| ≤ 1.5, plus the loss bound's widening (observed: below 2⁶).
    /// </summary>
    [Fact]
    public void Passes_PointBoxes_ContainTheProgramPassAndAreNarrow()
    {
        var u = double.CreateTruncating(ErrorBounds.UnitRoundoff<T>());
        var worst = 0.0;
        for (var seed = 0; seed < 200; seed++)
        {
            var c = NetworkPassCase<T>.Random(seed, parameterRadius: 0, inputRadius: 0) with { LabelBox = LabelBox.Clean };
            var network = c.RunIntervalPass();
            var zLower = Internals.Field<T[][]>(network, "_zLower");
            var zUpper = Internals.Field<T[][]>(network, "_zUpper");
            var point = new PointNetwork<T>(c.Architecture, c.Count);
            point.Forward(c.ParameterLower, c.InputLower, c.Count);
            point.Backward(c.ParameterLower, c.Loss, c.Labels, c.Targets, null, new T[c.Architecture.ParameterCount]);
            var preActivations = Internals.Field<T[][]>(point, "_preActivations");
            var outputGradients = Internals.Field<T[][]>(point, "_outputGradients");
            var magnitude = Magnitude(c, preActivations, outputGradients);
            var allowed = 256 * u * (1 + magnitude) * (1 + magnitude);
            for (var l = 0; l < c.Architecture.Layers.Count; l++)
            {
                var n = c.Count * c.Architecture.Layers[l].Outputs;
                var gl = network.OutputGradientLower(l);
                var gu = network.OutputGradientUpper(l);
                for (var e = 0; e < n; e++)
                {
                    var where = $"seed {seed}, {c.Architecture}, {c.Loss}, layer {l}, entry {e}";
                    Assert.True(zLower[l][e] <= preActivations[l][e] && preActivations[l][e] <= zUpper[l][e], where + ": pre-activation outside");
                    var width = double.CreateTruncating(zUpper[l][e]) - double.CreateTruncating(zLower[l][e]);
                    Assert.True(width <= allowed, $"{where}: pre-activation box {width:R} wide, above {allowed:R}");
                    worst = Math.Max(worst, width / allowed);
                    if (l < c.Architecture.FirstTrainable) continue;
                    Assert.True(gl[e] <= outputGradients[l][e] && outputGradients[l][e] <= gu[e], where + ": output gradient outside");
                    var gradientWidth = double.CreateTruncating(gu[e]) - double.CreateTruncating(gl[e]);
                    Assert.True(gradientWidth <= allowed, $"{where}: output-gradient box {gradientWidth:R} wide, above {allowed:R}");
                    worst = Math.Max(worst, gradientWidth / allowed);
                }
            }
        }
        _output.WriteLine($"largest width / allowed: {worst:R}");
    }

    // max over the pass of |W|·|h| + |b| per pre-activation and |g| per program output gradient.
    private static double Magnitude(NetworkPassCase<T> c, T[][] preActivations, T[][] outputGradients)
    {
        double D(T v) => Math.Abs(double.CreateTruncating(v));
        var largest = 0.0;
        var h = c.InputLower.Select(D).ToArray();
        for (var l = 0; l < c.Architecture.Layers.Count; l++)
        {
            var layer = c.Architecture.Layers[l];
            for (var i = 0; i < c.Count; i++)
            for (var o = 0; o < layer.Outputs; o++)
            {
                var total = D(c.ParameterLower[layer.BiasOffset + o]);
                for (var j = 0; j < layer.Inputs; j++) total += D(c.ParameterLower[layer.WeightOffset + o * layer.Inputs + j]) * h[i * layer.Inputs + j];
                largest = Math.Max(largest, total);
            }
            h = preActivations[l].Take(c.Count * layer.Outputs).Select(v => layer.Relu ? Math.Max(0, double.CreateTruncating(v)) : D(v)).ToArray();
            if (l >= c.Architecture.FirstTrainable) largest = Math.Max(largest, outputGradients[l].Take(c.Count * layer.Outputs).Max(D));
        }
        return largest;
    }
}

public sealed class SingleIntervalNetworkSoundnessTests(ITestOutputHelper output) : IntervalNetworkSoundnessTests<float>(output) { }

public sealed class DoubleIntervalNetworkSoundnessTests(ITestOutputHelper output) : IntervalNetworkSoundnessTests<double>(output) { }
