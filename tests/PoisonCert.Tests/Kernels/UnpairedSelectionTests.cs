using System.Numerics;
using System.Runtime.Intrinsics;
using PoisonCert.Kernels;
using PoisonCert.Numerics;
using PoisonCert.Tests.Exact;

namespace PoisonCert.Tests.Kernels;

/// <summary>
/// The exact unpaired selection against brute force over every admissible choice of feature-only, label-only and
/// doubly poisoned samples: equal on differences whose sums are exact in floating point (so the selection is the
/// worst case, not a bound of it), and, scaled by its factor, at least the exact worst case of the exact
/// differences for differences rounded from random float endpoints (zero slack). Vector and scalar feeds agree.
/// (AggregationLemmas.ExactUnpairedAggregation_* prove the recurrence for small batches.)
/// </summary>
public abstract class UnpairedSelectionTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    private static readonly int Lanes = Vector512<T>.Count;

    // Per coordinate and sample: (dF, dL, dJ).
    private static Rational BruteForce(IReadOnlyList<(Rational F, Rational L, Rational J)> samples, int features, int labels)
    {
        var best = Rational.Zero;
        var total = (int)Math.Pow(4, samples.Count);
        for (var code = 0; code < total; code++)
        {
            var (sum, f, l) = (Rational.Zero, 0, 0);
            for (int c = code, i = 0; i < samples.Count; i++, c /= 4)
                switch (c % 4)
                {
                    case 1: sum += samples[i].F; f++; break;
                    case 2: sum += samples[i].L; l++; break;
                    case 3: sum += samples[i].J; f++; l++; break;
                }
            if (f <= features && l <= labels && sum.CompareTo(best) > 0) best = sum;
        }
        return best;
    }

    // Feeds the first Lanes coordinates through the vector entry point and the rest one by one.
    private static UnpairedSelection<T> Select(T[][] f, T[][] l, T[][] j, int width, int features, int labels)
    {
        var selection = new UnpairedSelection<T>(width, features, labels);
        for (var i = 0; i < f.Length; i++)
        {
            var first = 0;
            if (width >= Lanes)
            {
                selection.InsertAt(0, Vector512.Create(f[i].AsSpan(0, Lanes)), Vector512.Create(l[i].AsSpan(0, Lanes)), Vector512.Create(j[i].AsSpan(0, Lanes)));
                first = Lanes;
            }
            for (var c = first; c < width; c++) selection.InsertAt(c, f[i][c], l[i][c], j[i][c]);
        }
        return selection;
    }

    [Fact]
    public void Best_ExactlyRepresentableDifferences_EqualsBruteForceWorstCase()
    {
        var random = new Random(11);
        for (var trial = 0; trial < 60; trial++)
        {
            var (features, labels, count) = (random.Next(1, 4), random.Next(1, 4), random.Next(0, 7));
            var width = Lanes + 3;
            T Draw() => T.CreateTruncating(random.Next(4) == 0 ? 0 : random.Next(1, 40));
            var (f, l, j) = (new T[count][], new T[count][], new T[count][]);
            for (var i = 0; i < count; i++)
            {
                (f[i], l[i], j[i]) = (new T[width], new T[width], new T[width]);
                for (var c = 0; c < width; c++)
                {
                    (f[i][c], l[i][c]) = (Draw(), Draw());
                    // The kernel's joint box contains both single ones, so dJ ≥ max(dF, dL); sometimes beyond their sum.
                    j[i][c] = T.Max(f[i][c], l[i][c]) + T.CreateTruncating(random.Next(3) == 0 ? random.Next(0, 50) : 0);
                }
            }
            var best = Select(f, l, j, width, features, labels).Best;
            for (var c = 0; c < width; c++)
            {
                var samples = Enumerable.Range(0, count).Select(i => (Rational.From(f[i][c]), Rational.From(l[i][c]), Rational.From(j[i][c]))).ToList();
                var exact = BruteForce(samples, features, labels);
                Assert.True(Rational.From(best[c]).Equals(exact), $"trial {trial} (n, m, samples) = ({features}, {labels}, {count}) coordinate {c}: selection {best[c]}, worst case {exact}");
            }
        }
    }

    [Fact]
    public void Best_TimesFactor_BoundsTheExactWorstCaseOfRoundedDifferences()
    {
        var sampler = new BoxSampler<T>(21);
        var random = sampler.Random;
        for (var trial = 0; trial < 40; trial++)
        {
            var (features, labels, count) = (random.Next(1, 4), random.Next(1, 4), random.Next(1, 7));
            var width = Lanes + 5;
            // Endpoints as the kernel forms them: wu ≤ Fu, Lu ≤ Ju; the differences are rounded to nearest.
            var (wu, fu, lu, ju) = (new T[count][], new T[count][], new T[count][], new T[count][]);
            for (var i = 0; i < count; i++)
            {
                (wu[i], fu[i], lu[i], ju[i]) = (new T[width], new T[width], new T[width], new T[width]);
                for (var c = 0; c < width; c++)
                {
                    wu[i][c] = sampler.Value();
                    fu[i][c] = T.Max(wu[i][c], sampler.Value());
                    lu[i][c] = T.Max(wu[i][c], sampler.Value());
                    ju[i][c] = T.Max(T.Max(fu[i][c], lu[i][c]), sampler.Value());
                }
            }
            T[][] Differences(T[][] poisoned) => [.. Enumerable.Range(0, count).Select(i => Enumerable.Range(0, width).Select(c => poisoned[i][c] - wu[i][c]).ToArray())];
            var selection = Select(Differences(fu), Differences(lu), Differences(ju), width, features, labels);
            var factor = selection.Factor;
            for (var c = 0; c < width; c++)
            {
                Rational Exact(T[][] poisoned, int i) => Rational.From(poisoned[i][c]) - Rational.From(wu[i][c]);
                var samples = Enumerable.Range(0, count).Select(i => (Exact(fu, i), Exact(lu, i), Exact(ju, i))).ToList();
                var exact = BruteForce(samples, features, labels);
                var bound = Rounding.MulUp(selection.Best[c], factor);
                Assert.True(Rational.From(bound).CompareTo(exact) >= 0,
                    $"trial {trial} (n, m, samples) = ({features}, {labels}, {count}) coordinate {c}: bound {bound} below the exact worst case {exact}");
            }
        }
    }

    // n = m = 1, samples (dF, dL, dJ) = (1, 1, 2) and (0, 0, 2): the adversary can poison both kinds of one sample
    // (2) or the features of one and the label of another (1): the worst case is 2. The joint rule charges the two
    // largest dJ (4), the split rule top_1(dF) + top_1(dL) + top_1((dJ − dF − dL)⁺) = 1 + 1 + 2 = 4.
    [Fact]
    public void Best_CraftedBatch_IsHalfOfTheJointAndSplitRules()
    {
        var selection = new UnpairedSelection<T>(1, 1, 1);
        selection.InsertAt(0, T.One, T.One, T.CreateTruncating(2));
        selection.InsertAt(0, T.Zero, T.Zero, T.CreateTruncating(2));
        Assert.Equal(T.CreateTruncating(2), selection.Best[0]);
    }

    [Fact]
    public void Factor_IsAtLeastOneOverOneMinusUToTheBudget()
    {
        var selection = new UnpairedSelection<T>(1, 3, 2);
        var u = Rational.From(ErrorBounds.UnitRoundoff<T>());
        var power = Rational.One;
        for (var k = 0; k < 5; k++) power *= Rational.One - u;
        Assert.True((Rational.From(selection.Factor) * power).CompareTo(Rational.One) >= 0);
        Assert.True(selection.Factor > T.One);
    }
}

public class UnpairedSelectionSingleTests : UnpairedSelectionTests<float>;

public class UnpairedSelectionDoubleTests : UnpairedSelectionTests<double>;
