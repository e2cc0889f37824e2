using System.Numerics;
using FsCheck.Xunit;
using PoisonCert.Numerics;
using PoisonCert.Tests.Exact;

namespace PoisonCert.Tests.Numerics;

/// <summary>
/// Directed rounding against exact rationals: OpDown ≤ exact ≤ OpUp with no slack, and tightness (each result is
/// the exact value when representable, otherwise at most one step beyond the nearest value).
/// </summary>
public abstract class RoundingTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    private static IEnumerable<(T A, T B)> Operands(int seed, int count)
    {
        var sampler = new BoxSampler<T>(seed);
        var special = new[] { T.Zero, -T.Zero, T.One, -T.One, T.Epsilon, -T.Epsilon, T.BitDecrement(T.PositiveInfinity),
            T.CreateTruncating(0.1), T.CreateTruncating(3) };
        foreach (var a in special) foreach (var b in special) yield return (a, b);
        for (var i = 0; i < count; i++) yield return (sampler.Value(), sampler.Value());
    }

    private static void AssertTight(T down, T up, Rational exact, string context, bool exactnessDetectable = true)
    {
        ExactAssert.Contains(down, up, exact, context);
        var nearest = exact.ToNearest<T>();
        if (!T.IsFinite(nearest)) return; // overflow: only containment is promised
        Assert.True(down >= T.BitDecrement(nearest), $"{context}: lower {down:R} more than one step below {nearest:R}");
        Assert.True(up <= T.BitIncrement(nearest), $"{context}: upper {up:R} more than one step above {nearest:R}");
        if (exactnessDetectable && Rational.From(nearest) == exact && T.Abs(nearest) >= Rounding.ResidualSafeMagnitude<T>())
            Assert.True(down == nearest && up == nearest, $"{context}: exact result {nearest:R} was widened to [{down:R}, {up:R}]");
    }

    [Fact]
    public void AddSubMul_ManyOperands_EncloseExactResultTightly()
    {
        foreach (var (a, b) in Operands(1, 4000))
        {
            var x = Rational.From(a);
            var y = Rational.From(b);
            AssertTight(Rounding.AddDown(a, b), Rounding.AddUp(a, b), x + y, $"{a:R} + {b:R}");
            AssertTight(Rounding.SubDown(a, b), Rounding.SubUp(a, b), x - y, $"{a:R} - {b:R}");
            AssertTight(Rounding.MulDown(a, b), Rounding.MulUp(a, b), x * y, $"{a:R} * {b:R}");
            // Division detects exactness only when the dividend is far from the subnormals (see Rounding.DivDown).
            if (!T.IsZero(b)) AssertTight(Rounding.DivDown(a, b), Rounding.DivUp(a, b), x / y, $"{a:R} / {b:R}",
                T.Abs(a) >= Rounding.ResidualSafeMagnitude<T>());
        }
    }

    [Fact]
    public void MulByRelativeStep_ManyOperands_EnclosesExactProductWithinFewUlps()
    {
        foreach (var (a, b) in Operands(7, 6000))
        {
            var exact = Rational.From(a) * Rational.From(b);
            var down = Rounding.MulDownByRelativeStep(a, b);
            var up = Rounding.MulUpByRelativeStep(a, b);
            ExactAssert.Contains(down, up, exact, $"{a:R} * {b:R} (relative step)");
            var nearest = exact.ToNearest<T>();
            // Within a few ulps of MaxValue the step may overflow to ±∞: only containment is promised there.
            if (!T.IsFinite(nearest) || T.Abs(nearest) > T.BitDecrement(T.PositiveInfinity) / T.CreateTruncating(2)) continue;
            var allowance = T.CreateTruncating(6) * ErrorBounds.UnitRoundoff<T>() * T.Abs(nearest) + T.CreateTruncating(2) * T.Epsilon;
            Assert.True(nearest - down <= allowance && up - nearest <= allowance, $"{a:R} * {b:R}: [{down:R}, {up:R}] too loose");
        }
    }

    // The sign-case kernels step only the smaller (larger) of two corner products: that is the minimum (maximum) of
    // the stepped corners bit for bit because the step is non-decreasing and never returns −0.
    [Fact]
    public void ProductSteps_AreMonotone_SoMinOfStepsIsStepOfMin()
    {
        var values = Operands(11, 3000).SelectMany(p => new[] { p.A, p.B, p.A * p.B })
            .Concat([T.PositiveInfinity, T.NegativeInfinity, T.BitDecrement(T.PositiveInfinity), T.BitIncrement(T.NegativeInfinity), T.Epsilon * T.CreateTruncating(3)]).ToArray();
        var random = new Random(3);
        for (var i = 0; i < 20000; i++)
        {
            var (p, q) = (values[random.Next(values.Length)], values[random.Next(values.Length)]);
            var down = Rounding.StepDownProduct(T.Min(p, q));
            var up = Rounding.StepUpProduct(T.Max(p, q));
            Assert.True(BitsEqual(down, T.Min(Rounding.StepDownProduct(p), Rounding.StepDownProduct(q))), $"down: {p:R}, {q:R}");
            Assert.True(BitsEqual(up, T.Max(Rounding.StepUpProduct(p), Rounding.StepUpProduct(q))), $"up: {p:R}, {q:R}");
            Assert.False(IsNegativeZero(down) || IsNegativeZero(up), $"a stepped product is −0: {p:R}, {q:R}");
            if (p <= q)
                Assert.True(Rounding.StepDownProduct(p) <= Rounding.StepDownProduct(q) && Rounding.StepUpProduct(p) <= Rounding.StepUpProduct(q), $"not monotone: {p:R} ≤ {q:R}");
        }
    }

    private static bool IsNegativeZero(T a) => T.IsZero(a) && T.IsNegative(a);

    private static bool BitsEqual(T a, T b) => a.Equals(b) && T.IsNegative(a) == T.IsNegative(b);

    [Property(MaxTest = 300)]
    public bool AddAndMul_FsCheckSeeds_EncloseExactResults(int seed)
    {
        foreach (var (a, b) in Operands(seed, 20).Skip(81))
        {
            ExactAssert.Contains(Rounding.AddDown(a, b), Rounding.AddUp(a, b), Rational.From(a) + Rational.From(b), "sum");
            ExactAssert.Contains(Rounding.MulDown(a, b), Rounding.MulUp(a, b), Rational.From(a) * Rational.From(b), "product");
        }
        return true;
    }

    [Fact]
    public void Sqrt_ManyOperands_EncloseExactRoot()
    {
        var sampler = new BoxSampler<T>(3);
        for (var i = 0; i < 3000; i++)
        {
            var a = T.Abs(sampler.Value());
            var down = Rounding.SqrtDown(a);
            var up = Rounding.SqrtUp(a);
            // down ≤ √a ≤ up  ⟺  down² ≤ a ≤ up² for non-negative bounds.
            var exact = Rational.From(a);
            var low = Rational.From(down);
            var high = Rational.From(up);
            Assert.True(down >= T.Zero && low * low <= exact && exact <= high * high, $"sqrt({a:R}) not within [{down:R}, {up:R}]");
        }
    }

    [Fact]
    public void Overflow_HugeOperands_StaysOnTheSafeSide()
    {
        var max = T.BitDecrement(T.PositiveInfinity);
        Assert.Equal(max, Rounding.AddDown(max, max));
        Assert.Equal(T.PositiveInfinity, Rounding.AddUp(max, max));
        Assert.Equal(-max, Rounding.AddUp(-max, -max));
        Assert.Equal(max, Rounding.MulDown(max, T.CreateTruncating(2)));
        Assert.Equal(T.NegativeInfinity, Rounding.MulDown(-max, T.CreateTruncating(2)));
    }

    [Fact]
    public void Gamma_SmallLengths_MatchesDefinitionAndRoundsUp()
    {
        var u = Rational.From(ErrorBounds.UnitRoundoff<T>());
        foreach (var n in new long[] { 1, 2, 3, 10, 784, 100_000 })
        {
            var nu = new Rational(n, 1) * u;
            var exact = nu / (Rational.One - nu);
            var gamma = ErrorBounds.Gamma<T>(n);
            Assert.True(Rational.From(gamma) >= exact, $"γ_{n} = {gamma:R} is below the exact {exact}");
            Assert.True(gamma <= T.BitIncrement(T.BitIncrement(exact.ToNearest<T>())), $"γ_{n} is loose");
        }
        Assert.Equal(T.Zero, ErrorBounds.Gamma<T>(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ErrorBounds.Gamma<T>(-1));
    }

    [Fact]
    public void InflateNonNegative_FloatSums_BoundExactSums()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 500; trial++)
        {
            var count = random.Next(1, 60);
            var terms = Enumerable.Range(0, count).Select(_ => T.CreateTruncating(random.NextDouble() * Math.Pow(10, random.Next(-5, 6)))).ToArray();
            var computed = T.Zero;
            foreach (var t in terms) computed += t; // ordinary float sum, one rounding per addition
            var exact = terms.Aggregate(Rational.Zero, (sum, t) => sum + Rational.From(t));
            Assert.True(Rational.From(ErrorBounds.InflateNonNegative(computed, count)) >= exact);
        }
    }
}

public sealed class SingleRoundingTests : RoundingTests<float> { }

public sealed class DoubleRoundingTests : RoundingTests<double> { }
