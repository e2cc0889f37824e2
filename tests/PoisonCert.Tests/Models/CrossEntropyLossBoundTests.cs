using System.Numerics;
using FsCheck.Xunit;
using PoisonCert.Models;
using PoisonCert.Tests.Exact;
using PoisonCert.Training;

namespace PoisonCert.Tests.Models;

/// <summary>
/// IntervalLoss for binary and softmax cross-entropy, clean, with any flip and with flips to one target class:
/// for random logit boxes (K = 2..10 for softmax; narrow, wide and zero-width boxes; logits up to ±80 and spreads
/// up to 200), every sampled member of T (random corners and interior points, plus for each class the two corners
/// that make its probability smallest and largest) and every admissible label, the box contains the program's
/// gradient (PointLoss, zero slack) and an enclosure of the exact gradient σ(z) − y or softmax(z) − onehot(y)
/// (double-double, widened by 2⁻⁷⁰ relative — on the safe side: the box must contain the whole enclosure).
/// </summary>
public abstract class CrossEntropyLossBoundTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    private static (T[] Lower, T[] Upper) LogitBox(Random random, int k)
    {
        var scale = random.Next(4) switch { 0 => 1.0, 1 => 8.0, 2 => 30.0, _ => 80.0 };
        var (lower, upper) = (new T[k], new T[k]);
        for (var j = 0; j < k; j++)
        {
            var center = (2 * random.NextDouble() - 1) * scale;
            if (random.Next(6) == 0) center = random.Next(2) == 0 ? -80 : 80;
            var radius = random.Next(5) switch { 0 => 0.0, 1 => 1e-6, 2 => 0.1, 3 => 2.0, _ => 20.0 };
            lower[j] = T.CreateTruncating(center - radius);
            upper[j] = T.CreateTruncating(center + radius);
        }
        return (lower, upper);
    }

    // Random members, and per class the corner minimising and the corner maximising its probability.
    private static IEnumerable<T[]> Members(Random random, T[] lower, T[] upper)
    {
        for (var i = 0; i < 8; i++) yield return PointMembers.Of<T>(random, lower, upper);
        for (var j = 0; j < lower.Length; j++)
        {
            yield return [.. Enumerable.Range(0, lower.Length).Select(i => i == j ? lower[i] : upper[i])];
            yield return [.. Enumerable.Range(0, lower.Length).Select(i => i == j ? upper[i] : lower[i])];
        }
    }

    private static (LabelBox Box, int[] Admissible) Labels(Random random, int label, int classes)
    {
        switch (random.Next(3))
        {
            case 0:
                return (LabelBox.Clean, [label]);
            case 1:
                return (new LabelBox(LabelPoisoning.AnyFlip, 0, 0), [.. Enumerable.Range(0, classes)]);
            default:
                var target = random.Next(classes);
                return (new LabelBox(LabelPoisoning.TargetFlip, 0, target), target == label ? [label] : [label, target]);
        }
    }

    private static void AssertContains(T lower, T upper, T program, (Rational Lower, Rational Upper) exact, string context)
    {
        Assert.True(lower <= program && program <= upper, $"{context}: program gradient {program:R} outside [{lower:R}, {upper:R}]");
        ExactAssert.Contains(lower, upper, exact.Lower, context + " (exact enclosure, lower end)");
        ExactAssert.Contains(lower, upper, exact.Upper, context + " (exact enclosure, upper end)");
    }

    [Property(MaxTest = 150)]
    public bool Softmax_RandomLogitBoxesAndLabels_ContainProgramAndExactGradients(int seed)
    {
        var random = new Random(seed);
        var k = random.Next(2, 11);
        var (zl, zu) = LogitBox(random, k);
        var label = random.Next(k);
        var (labels, admissible) = Labels(random, label, k);
        var (gl, gu) = (new T[k], new T[k]);
        IntervalLoss.Gradient<T>(LossKind.SoftmaxCrossEntropy, zl, zu, label, default, labels, gl, gu);
        var program = new T[k];
        foreach (var z in Members(random, zl, zu))
        {
            var logits = z.Select(double.CreateTruncating).ToArray();
            var probabilities = Enumerable.Range(0, k).Select(j => ReferenceBounds.Softmax(logits, j)).ToArray();
            foreach (var y in admissible)
            {
                PointLoss.Gradient<T>(LossKind.SoftmaxCrossEntropy, z, y, default, program);
                for (var j = 0; j < k; j++)
                {
                    var one = j == y ? Rational.One : Rational.Zero;
                    AssertContains(gl[j], gu[j], program[j], (probabilities[j].Lower - one, probabilities[j].Upper - one),
                        $"seed {seed}, {labels.Kind}, label {y}, class {j} of logits [{string.Join(", ", z)}]");
                }
            }
        }
        return true;
    }

    [Property(MaxTest = 200)]
    public bool Binary_RandomLogitBoxesAndLabels_ContainProgramAndExactGradients(int seed)
    {
        var random = new Random(seed);
        var (zl, zu) = LogitBox(random, 1);
        var label = random.Next(2);
        var (labels, admissible) = Labels(random, label, 2);
        var (gl, gu) = (new T[1], new T[1]);
        IntervalLoss.Gradient<T>(LossKind.BinaryCrossEntropy, zl, zu, label, default, labels, gl, gu);
        var program = new T[1];
        foreach (var z in Members(random, zl, zu).Concat([[zl[0]], [zu[0]]]))
        {
            var sigma = ReferenceBounds.Sigmoid(double.CreateTruncating(z[0]));
            foreach (var y in admissible)
            {
                PointLoss.Gradient<T>(LossKind.BinaryCrossEntropy, z, y, default, program);
                var one = new Rational(y, 1);
                AssertContains(gl[0], gu[0], program[0], (sigma.Lower - one, sigma.Upper - one), $"seed {seed}, {labels.Kind}, label {y}, z = {z[0]:R}");
            }
        }
        return true;
    }

    // Point logits with a spread near 160: the program's shifted argument zⱼ − max of the far class is rounded (by
    // up to 2⁻⁴⁶ for doubles) against a second large logit, which the bound must absorb through its ρ term.
    [Theory]
    [InlineData(80.0, -80.0, -80.0)]
    [InlineData(-80.0, 80.0, 80.0)]
    [InlineData(80.0, 80.0, -80.0)]
    [InlineData(80.3, 80.1, -79.9)]
    [InlineData(-79.7, 79.3, 79.1)]
    [InlineData(80.01, -80.33, 79.52)]
    [InlineData(80.3, 0.7, -79.9)]
    public void Softmax_ExtremePointLogits_ContainProgramAndExactGradients(double first, double second, double third)
    {
        T[] z = [T.CreateTruncating(first), T.CreateTruncating(second), T.CreateTruncating(third)];
        var (gl, gu) = (new T[3], new T[3]);
        var logits = z.Select(double.CreateTruncating).ToArray();
        var program = new T[3];
        for (var y = 0; y < 3; y++)
        {
            IntervalLoss.Gradient<T>(LossKind.SoftmaxCrossEntropy, z, z, y, default, LabelBox.Clean, gl, gu);
            PointLoss.Gradient<T>(LossKind.SoftmaxCrossEntropy, z, y, default, program);
            for (var j = 0; j < 3; j++)
            {
                var (low, high) = ReferenceBounds.Softmax(logits, j);
                var one = j == y ? Rational.One : Rational.Zero;
                AssertContains(gl[j], gu[j], program[j], (low - one, high - one), $"label {y}, class {j}");
            }
        }
    }
}

public sealed class SingleCrossEntropyLossBoundTests : CrossEntropyLossBoundTests<float> { }

public sealed class DoubleCrossEntropyLossBoundTests : CrossEntropyLossBoundTests<double> { }
