using System.Numerics;
using FsCheck.Xunit;
using PoisonCert.Kernels;
using PoisonCert.Models;
using PoisonCert.Tests.Exact;
using PoisonCert.Tests.Models;
using PoisonCert.Training;

namespace PoisonCert.Tests.Training;

/// <summary>
/// Per-sample gradient clipping in the certified step against the program: for random networks, parameter and
/// input boxes and sampled members (NetworkPassCase), each sample's norm-clipping factor box (NormClipping.Factors)
/// contains the factor min(1, C/‖g‖₂) the program computes (its sequential float sum of squares of the rounded
/// per-sample entries) and, for the squared error, the exact factor; and the program's clipped per-sample gradient
/// (PointNetwork on that one sample, norm or clamp clipping) lies in the per-sample box the aggregator forms
/// (sign-case outer product, then scaled by the factor box or clamped to ±C). Zero slack.
/// </summary>
public abstract class ClippingSoundnessTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    private static readonly double[] Bounds = [1e-3, 0.05, 0.5, 3, 1e3];

    [Property(MaxTest = 100)]
    public bool NormClipping_RandomTracksAndMembers_FactorsAndClippedGradientsInside(int seed) => Check(seed, ClipKind.Norm);

    [Property(MaxTest = 100)]
    public bool ClampClipping_RandomTracksAndMembers_ClippedGradientsInside(int seed) => Check(seed, ClipKind.Clamp);

    private static bool Check(int seed, ClipKind kind)
    {
        var c = NetworkPassCase<T>.Random(seed);
        var random = new Random(seed ^ 0x77);
        var clipping = new GradientClipping(kind, Bounds[random.Next(Bounds.Length)]);
        var bound = T.CreateTruncating(clipping.Bound);
        var architecture = c.Architecture;
        var network = c.RunIntervalPass();
        var factors = new ClipFactors<T>(c.Count);
        if (kind == ClipKind.Norm) NormClipping.Factors(architecture, network, bound, factors);
        var first = architecture.Layers[architecture.FirstTrainable].WeightOffset;
        var (boxLower, boxUpper) = (new T[architecture.ParameterCount], new T[architecture.ParameterCount]);
        var point = new PointNetwork<T>(architecture, 1);
        var (raw, clipped) = (new T[architecture.ParameterCount], new T[architecture.ParameterCount]);
        for (var sample = 0; sample < 4; sample++)
        {
            var theta = PointMembers.Of<T>(random, c.ParameterLower, c.ParameterUpper);
            var x = PointMembers.Of<T>(random, c.InputLower, c.InputUpper);
            var (labels, targets) = c.AdmissibleLabels(random);
            for (var i = 0; i < c.Count; i++)
            {
                var where = $"seed {seed}, {architecture}, {c.Loss}, {kind} {clipping.Bound}, sample {i}";
                var features = x.AsSpan(i * architecture.Inputs, architecture.Inputs).ToArray();
                var sampleTargets = c.TargetWidth == 0 ? [] : targets.AsSpan(i * c.TargetWidth, c.TargetWidth).ToArray();
                point.Forward(theta, features, 1);
                Array.Clear(raw);
                point.Backward(theta, c.Loss, [labels[i]], sampleTargets, null, raw);
                point.Forward(theta, features, 1);
                Array.Clear(clipped);
                point.Backward(theta, c.Loss, [labels[i]], sampleTargets, clipping, clipped);
                SampleBox(architecture, network, i, clipping, factors, boxLower, boxUpper);
                for (var e = first; e < raw.Length; e++)
                    Assert.True(boxLower[e] <= clipped[e] && clipped[e] <= boxUpper[e],
                        $"{where}: clipped gradient {clipped[e]:R} of parameter {e} outside [{boxLower[e]:R}, {boxUpper[e]:R}]");
                if (kind != ClipKind.Norm) continue;

                // The program's factor: sequential sum of squares of the rounded per-sample entries, √, C/·, min(1, ·).
                var squares = T.Zero;
                for (var e = first; e < raw.Length; e++) squares += raw[e] * raw[e];
                var factor = T.Min(T.One, bound / T.Sqrt(squares));
                Assert.True(factors.Lower[i] <= factor && factor <= factors.Upper[i], $"{where}: program factor {factor:R} outside [{factors.Lower[i]:R}, {factors.Upper[i]:R}]");
                if (c.Loss == LossKind.MeanSquaredError) AssertExactFactor(architecture, theta, features, sampleTargets, clipping.Bound, factors.Lower[i], factors.Upper[i], where);
            }
        }
        return true;
    }

    // The aggregator's per-sample box: bias = G[i], weights = G[i] ⊗ H[i], then scaled by the factor box or clamped.
    private static void SampleBox(NetworkArchitecture architecture, IntervalNetwork<T> network, int i, GradientClipping clipping, ClipFactors<T> factors,
        T[] lower, T[] upper)
    {
        for (var l = architecture.FirstTrainable; l < architecture.Layers.Count; l++)
        {
            var layer = architecture.Layers[l];
            IntervalOuterProduct.Compute<T>(network.OutputGradientLower(l).Slice(i * layer.Outputs, layer.Outputs),
                network.OutputGradientUpper(l).Slice(i * layer.Outputs, layer.Outputs),
                network.LayerInputLower(l).Slice(i * layer.Inputs, layer.Inputs), network.LayerInputUpper(l).Slice(i * layer.Inputs, layer.Inputs),
                lower.AsSpan(layer.WeightOffset, layer.WeightCount), upper.AsSpan(layer.WeightOffset, layer.WeightCount));
            network.OutputGradientLower(l).Slice(i * layer.Outputs, layer.Outputs).CopyTo(lower.AsSpan(layer.BiasOffset, layer.Outputs));
            network.OutputGradientUpper(l).Slice(i * layer.Outputs, layer.Outputs).CopyTo(upper.AsSpan(layer.BiasOffset, layer.Outputs));
        }
        var first = architecture.Layers[architecture.FirstTrainable].WeightOffset;
        var l0 = lower.AsSpan(first);
        var u0 = upper.AsSpan(first);
        var bound = T.CreateTruncating(clipping.Bound);
        if (clipping.Kind == ClipKind.Clamp) IntervalKernels.Clamp<T>(l0, u0, -bound, bound, l0, u0);
        else IntervalKernels.Scale<T>(l0, u0, factors.Lower[i], factors.Upper[i], l0, u0);
    }

    // f = min(1, C/√N) with N the exact squared norm: f ≥ fₗ ⟺ fₗ ≤ 1 and fₗ²N ≤ C²; f ≤ fᵤ ⟺ fᵤ ≥ 1 or C² ≤ fᵤ²N.
    private static void AssertExactFactor(NetworkArchitecture architecture, T[] theta, T[] features, T[] targets, double clipBound, T lower, T upper, string where)
    {
        var z = ExactNetwork.Forward(architecture, theta, features, 1);
        var gradients = ExactNetwork.BackwardSquaredError(architecture, theta, z, targets, 1);
        var norm = Rational.Zero;
        for (var l = architecture.FirstTrainable; l < architecture.Layers.Count; l++)
        {
            var input = l == 0 ? features.Select(Rational.From).ToArray() : [.. z[l - 1].Select(v => architecture.Layers[l - 1].Relu && v.Sign < 0 ? Rational.Zero : v)];
            var inputSquares = input.Aggregate(Rational.One, (s, h) => s + h * h); // Σ h² + 1 (the bias)
            foreach (var g in gradients[l]!) norm += g * g * inputSquares;
        }
        var c2 = Rational.From(T.CreateTruncating(clipBound)) * Rational.From(T.CreateTruncating(clipBound));
        var (fl, fu) = (Rational.From(lower), Rational.From(upper));
        Assert.True(fl <= Rational.One && fl * fl * norm <= c2, $"{where}: factor lower bound {lower:R} above the exact factor");
        Assert.True(fu >= Rational.One || c2 <= fu * fu * norm, $"{where}: factor upper bound {upper:R} below the exact factor");
    }
}

public sealed class SingleClippingSoundnessTests : ClippingSoundnessTests<float> { }

public sealed class DoubleClippingSoundnessTests : ClippingSoundnessTests<double> { }
