using System.Numerics;
using FsCheck.Xunit;
using PoisonCert.Kernels;
using PoisonCert.Tests.Exact;

namespace PoisonCert.Tests.Models;

/// <summary>
/// IntervalMatMul.MidpointRadius with coverFloatEvaluation, the product IntervalNetwork uses: for random boxes and
/// sampled members A′ ∈ [A], B′ ∈ [B], every floating-point evaluation of A′·B′ tried — forward, reverse and
/// pairwise summation, each with rounded products or with fused multiply-adds, and PointMatMul itself — lies in the
/// box, as does the exact product. A crafted instance shows the term is needed: without it, the forward evaluation
/// of a member escapes.
/// </summary>
public abstract class FloatEvaluationCoverTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    private delegate T Evaluation(T[] a, T[] b);

    private static readonly (string Name, Evaluation Evaluate)[] Evaluations =
    [
        ("forward", (a, b) => Sequential(a, b, reverse: false, fused: false)),
        ("forward fused", (a, b) => Sequential(a, b, reverse: false, fused: true)),
        ("reverse", (a, b) => Sequential(a, b, reverse: true, fused: false)),
        ("reverse fused", (a, b) => Sequential(a, b, reverse: true, fused: true)),
        ("pairwise", (a, b) => Pairwise(a, b, 0, a.Length, fused: false)),
        ("pairwise fused", (a, b) => Pairwise(a, b, 0, a.Length, fused: true)),
    ];

    private static T Sequential(T[] a, T[] b, bool reverse, bool fused)
    {
        var sum = T.Zero;
        for (var i = 0; i < a.Length; i++)
        {
            var p = reverse ? a.Length - 1 - i : i;
            sum = fused ? T.FusedMultiplyAdd(a[p], b[p], sum) : sum + a[p] * b[p];
        }
        return sum;
    }

    // Halves summed recursively; "fused" evaluates each leaf pair as fma(a₀, b₀, a₁·b₁).
    private static T Pairwise(T[] a, T[] b, int start, int length, bool fused)
    {
        if (length == 0) return T.Zero;
        if (length == 1) return a[start] * b[start];
        if (length == 2 && fused) return T.FusedMultiplyAdd(a[start], b[start], a[start + 1] * b[start + 1]);
        var half = length / 2;
        return Pairwise(a, b, start, half, fused) + Pairwise(a, b, start + half, length - half, fused);
    }

    private static (T[] Lower, T[] Upper) Box(Random random, int length)
    {
        var (lower, upper) = (new T[length], new T[length]);
        var scale = random.Next(3) switch { 0 => 1.0, 1 => 100.0, _ => 1e-3 };
        for (var i = 0; i < length; i++)
        {
            var center = (2 * random.NextDouble() - 1) * scale;
            var radius = random.Next(4) switch { 0 => 0.0, 1 => 1e-7 * scale, 2 => 1e-3 * scale, _ => 0.3 * scale } * random.NextDouble();
            lower[i] = T.CreateTruncating(center - radius);
            upper[i] = T.CreateTruncating(center + radius);
        }
        return (lower, upper);
    }

    [Property(MaxTest = 150)]
    public bool MidpointRadius_Covered_ContainsEveryFloatEvaluationOfMembers(int seed)
    {
        var random = new Random(seed);
        var (m, k, n) = (random.Next(1, 4), random.Next(1, 41), random.Next(1, 4));
        var (al, au) = Box(random, m * k);
        var (bl, bu) = Box(random, k * n);
        var (lower, upper) = (new T[m * n], new T[m * n]);
        IntervalMatMul.MidpointRadius<T>(al, au, bl, bu, lower, upper, m, k, n, coverFloatEvaluation: true);
        for (var sample = 0; sample < 4; sample++)
        {
            var a = PointMembers.Of<T>(random, al, au);
            var b = PointMembers.Of<T>(random, bl, bu);
            var product = new T[m * n];
            PointMatMul.Multiply<T>(a, b, product, m, k, n);
            for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                var row = a.AsSpan(i * k, k).ToArray();
                var column = Enumerable.Range(0, k).Select(p => b[p * n + j]).ToArray();
                var (l, h) = (lower[i * n + j], upper[i * n + j]);
                var where = $"seed {seed}, {m}x{k}x{n}, entry ({i}, {j})";
                Assert.True(l <= product[i * n + j] && product[i * n + j] <= h, $"{where}: PointMatMul {product[i * n + j]:R} outside [{l:R}, {h:R}]");
                foreach (var (name, evaluate) in Evaluations)
                {
                    var value = evaluate(row, column);
                    Assert.True(l <= value && value <= h, $"{where}: {name} evaluation {value:R} outside [{l:R}, {h:R}]");
                }
                var exact = Rational.Zero;
                for (var p = 0; p < k; p++) exact += Rational.From(row[p]) * Rational.From(column[p]);
                ExactAssert.Contains(l, h, exact, where + " (exact)");
            }
        }
        return true;
    }

    /// <summary>
    /// A = [1, t, t, t, t] with t ∈ [u(1 − 3·2⁻¹⁰), u(1 + 2⁻¹⁰)] (u the unit roundoff), B = ones. The centre product
    /// 1 + 4·u(1 − 2⁻¹⁰) rounds every addition down (to 1), while the member with every t at its upper end rounds
    /// every addition up (to 1 + 8u): the two roundings add up to about 8u, but the radius without the evaluation
    /// term is only γ₅·Σ|a_c||b_c| + the tiny exact radius ≈ 5u, so the box ends at 1 + 6u.
    /// </summary>
    [Fact]
    public void MidpointRadius_WithoutTheEvaluationTerm_MissesTheForwardEvaluationOfAMember()
    {
        var u = double.CreateTruncating(PoisonCert.Numerics.ErrorBounds.UnitRoundoff<T>());
        var epsilon = Math.ScaleB(1, -10);
        var low = T.CreateTruncating(u * (1 - 3 * epsilon));
        var high = T.CreateTruncating(u * (1 + epsilon));
        T[] al = [T.One, low, low, low, low];
        T[] au = [T.One, high, high, high, high];
        T[] b = [T.One, T.One, T.One, T.One, T.One];
        var (lower, upper) = (new T[1], new T[1]);
        IntervalMatMul.MidpointRadius<T>(al, au, b, b, lower, upper, 1, 5, 1, coverFloatEvaluation: false);
        var forward = Sequential(au, b, reverse: false, fused: false);
        Assert.Equal(T.One + T.CreateTruncating(8 * u), forward);
        Assert.True(forward > upper[0], $"expected the forward evaluation {forward:R} above the uncovered box's end {upper[0]:R}");
        ExactAssert.Contains(lower[0], upper[0], au.Select(Rational.From).Aggregate(Rational.Zero, (s, x) => s + x), "the exact product is still inside");

        IntervalMatMul.MidpointRadius<T>(al, au, b, b, lower, upper, 1, 5, 1, coverFloatEvaluation: true);
        Assert.True(lower[0] <= forward && forward <= upper[0], $"covered box [{lower[0]:R}, {upper[0]:R}] misses {forward:R}");
    }
}

public sealed class SingleFloatEvaluationCoverTests : FloatEvaluationCoverTests<float> { }

public sealed class DoubleFloatEvaluationCoverTests : FloatEvaluationCoverTests<double> { }
