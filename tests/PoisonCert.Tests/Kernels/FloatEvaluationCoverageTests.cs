using System.Numerics;
using PoisonCert.Kernels;
using PoisonCert.Tests.Exact;

namespace PoisonCert.Tests.Kernels;

/// <summary>
/// With coverFloatEvaluation, both interval product forms contain every float value a program computes for the
/// product of members — here forward, reverse and pairwise summation, with separate roundings and with fused
/// multiply-adds — and the exact product of members (rationals). Zero slack.
/// </summary>
public abstract class FloatEvaluationCoverageTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    public static TheoryData<bool> Forms() => new() { false, true };

    [Theory]
    [MemberData(nameof(Forms))]
    public void Product_SampledMembersAnyEvaluationOrder_Contained(bool exactForm)
    {
        var sampler = new BoxSampler<T>(exactForm ? 17 : 19);
        var random = sampler.Random;
        for (var trial = 0; trial < 60; trial++)
        {
            int m = random.Next(1, 4), k = random.Next(1, 40), n = random.Next(1, 4);
            var (al, au) = Box(random, m * k, trial % 3 == 0);
            var (bl, bu) = Box(random, k * n, trial % 4 == 0);
            var (lower, upper) = (new T[m * n], new T[m * n]);
            if (exactForm) IntervalMatMul.Exact<T>(al, au, bl, bu, lower, upper, m, k, n, coverFloatEvaluation: true);
            else IntervalMatMul.MidpointRadius<T>(al, au, bl, bu, lower, upper, m, k, n, coverFloatEvaluation: true);
            for (var sample = 0; sample < 8; sample++)
            {
                var a = Member(random, al, au);
                var b = Member(random, bl, bu);
                for (var i = 0; i < m; i++)
                    for (var j = 0; j < n; j++)
                    {
                        var x = Enumerable.Range(0, k).Select(p => a[i * k + p]).ToArray();
                        var y = Enumerable.Range(0, k).Select(p => b[p * n + j]).ToArray();
                        var exact = Rational.Zero;
                        for (var p = 0; p < k; p++) exact += Rational.From(x[p]) * Rational.From(y[p]);
                        ExactAssert.Contains(lower[i * n + j], upper[i * n + j], exact, $"exact product [{i},{j}]");
                        foreach (var (name, value) in Evaluations(x, y))
                            Assert.True(lower[i * n + j] <= value && value <= upper[i * n + j],
                                $"{name} evaluation {value} outside [{lower[i * n + j]}, {upper[i * n + j]}] (trial {trial}, k = {k})");
                    }
            }
        }
    }

    // Boxes of ordinary magnitudes with cancellation (mixed signs), some of them points.
    private static (T[], T[]) Box(Random random, int length, bool points)
    {
        var (l, u) = (new T[length], new T[length]);
        for (var e = 0; e < length; e++)
        {
            var c = (random.NextDouble() * 2 - 1) * Math.Pow(10, random.Next(-3, 4));
            var r = points ? 0 : random.NextDouble() * Math.Abs(c) * 0.01;
            l[e] = T.CreateTruncating(c - r);
            u[e] = T.Max(l[e], T.CreateTruncating(c + r));
        }
        return (l, u);
    }

    private static T[] Member(Random random, T[] lower, T[] upper)
        => [.. lower.Select((l, e) => random.Next(3) switch { 0 => l, 1 => upper[e], _ => T.Clamp(l + T.CreateTruncating(random.NextDouble()) * (upper[e] - l), l, upper[e]) })];

    private static IEnumerable<(string, T)> Evaluations(T[] x, T[] y)
    {
        T forward = T.Zero, reverse = T.Zero, fused = T.Zero;
        for (var p = 0; p < x.Length; p++) forward += x[p] * y[p];
        for (var p = x.Length - 1; p >= 0; p--) reverse += x[p] * y[p];
        for (var p = 0; p < x.Length; p++) fused = T.FusedMultiplyAdd(x[p], y[p], fused);
        yield return ("forward", forward);
        yield return ("reverse", reverse);
        yield return ("fused", fused);
        yield return ("pairwise", Pairwise(x, y, 0, x.Length));
    }

    private static T Pairwise(T[] x, T[] y, int start, int count)
        => count == 1 ? x[start] * y[start] : Pairwise(x, y, start, count / 2) + Pairwise(x, y, start + count / 2, count - count / 2);
}

public class FloatEvaluationCoverageSingleTests : FloatEvaluationCoverageTests<float>;

public class FloatEvaluationCoverageDoubleTests : FloatEvaluationCoverageTests<double>;
