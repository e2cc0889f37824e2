using System.Numerics;
using PoisonCert.Kernels;
using PoisonCert.Numerics;
using PoisonCert.Tests.Exact;

namespace PoisonCert.Tests.Kernels;

/// <summary>
/// Interval matrix products (midpoint-radius and exact form), matrix-vector products and the point product,
/// against exact rational products of sampled member matrices, with zero slack.
/// </summary>
public abstract class MatrixProductTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    private static readonly (int M, int K, int N)[] Shapes =
        [(0, 3, 2), (1, 1, 1), (2, 3, 4), (3, 17, 5), (8, 9, 33), (9, 31, 40), (5, 64, 17), (11, 2, 70)];

    // Members of a box: each entry at its lower end, its upper end or a random interior point (as exact rationals).
    private static Rational[] Member(BoxSampler<T> sampler, T[] lower, T[] upper)
    {
        var member = new Rational[lower.Length];
        for (var i = 0; i < lower.Length; i++)
        {
            var low = Rational.From(lower[i]);
            var high = Rational.From(upper[i]);
            member[i] = sampler.Random.Next(3) switch
            {
                0 => low,
                1 => high,
                _ => low + (high - low) * new Rational(sampler.Random.Next(1, 100), 100),
            };
        }
        return member;
    }

    private static Rational[] ExactProduct(Rational[] a, Rational[] b, int m, int k, int n)
    {
        var c = new Rational[m * n];
        for (var i = 0; i < m; i++)
        for (var j = 0; j < n; j++)
        {
            var sum = Rational.Zero;
            for (var p = 0; p < k; p++) sum += a[i * k + p] * b[p * n + j];
            c[i * n + j] = sum;
        }
        return c;
    }

    // Values of moderate magnitude (matrix products of the sampler's extreme mixes overflow float quickly).
    private static (T[] L, T[] U) ModerateBox(Random random, int length, double width)
    {
        var lower = new T[length];
        var upper = new T[length];
        for (var i = 0; i < length; i++)
        {
            var center = random.NextDouble() * 4 - 2;
            var radius = random.Next(4) == 0 ? 0 : random.NextDouble() * width;
            lower[i] = T.CreateTruncating(center - radius);
            upper[i] = T.CreateTruncating(center + radius);
            if (lower[i] > upper[i]) (lower[i], upper[i]) = (upper[i], lower[i]);
        }
        return (lower, upper);
    }

    private delegate void Product(T[] al, T[] au, T[] bl, T[] bu, T[] cl, T[] cu, int m, int k, int n, KernelPath path);

    private static void AssertEnclosesSampledProducts(Product product, int seed, double width)
    {
        var random = new Random(seed);
        var sampler = new BoxSampler<T>(seed);
        foreach (var (m, k, n) in Shapes)
        {
            var (al, au) = ModerateBox(random, m * k, width);
            var (bl, bu) = ModerateBox(random, k * n, width);
            var cl = new T[m * n];
            var cu = new T[m * n];
            product(al, au, bl, bu, cl, cu, m, k, n, KernelPath.Automatic);
            for (var sample = 0; sample < 4; sample++)
            {
                var exact = ExactProduct(Member(sampler, al, au), Member(sampler, bl, bu), m, k, n);
                for (var i = 0; i < exact.Length; i++) ExactAssert.Contains(cl[i], cu[i], exact[i], $"{m}x{k}x{n} entry {i}");
            }
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.001)]
    [InlineData(0.5)]
    public void MidpointRadius_SampledMembers_ContainedWithZeroSlack(double width)
        => AssertEnclosesSampledProducts((al, au, bl, bu, cl, cu, m, k, n, p) => IntervalMatMul.MidpointRadius<T>(al, au, bl, bu, cl, cu, m, k, n, p), 41, width);

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.001)]
    [InlineData(0.5)]
    public void Exact_SampledMembers_ContainedWithZeroSlack(double width)
        => AssertEnclosesSampledProducts((al, au, bl, bu, cl, cu, m, k, n, p) => IntervalMatMul.Exact<T>(al, au, bl, bu, cl, cu, m, k, n, p), 43, width);

    [Fact]
    public void Exact_EverySimdWidth_EqualsScalarPathBitForBit()
    {
        var random = new Random(47);
        foreach (var (m, k, n) in Shapes)
        {
            var (al, au) = ModerateBox(random, m * k, 0.1);
            var (bl, bu) = ModerateBox(random, k * n, 0.1);
            var (expectedLower, expectedUpper) = (new T[m * n], new T[m * n]);
            IntervalMatMul.Exact<T>(al, au, bl, bu, expectedLower, expectedUpper, m, k, n, KernelPath.Scalar);
            foreach (var path in new[] { KernelPath.Automatic, KernelPath.Vector256, KernelPath.Vector128 })
            {
                var (lower, upper) = (new T[m * n], new T[m * n]);
                IntervalMatMul.Exact<T>(al, au, bl, bu, lower, upper, m, k, n, path);
                Assert.Equal(expectedLower, lower);
                Assert.Equal(expectedUpper, upper);
            }
        }
    }

    [Fact]
    public void Exact_NestedInputs_GiveNestedOutputs()
    {
        var random = new Random(53);
        var sampler = new BoxSampler<T>(53);
        foreach (var (m, k, n) in Shapes)
        {
            var (al, au) = ModerateBox(random, m * k, 0.3);
            var (bl, bu) = ModerateBox(random, k * n, 0.3);
            var innerA = Enumerable.Range(0, m * k).Select(i => sampler.SubInterval(al[i], au[i])).ToArray();
            var innerB = Enumerable.Range(0, k * n).Select(i => sampler.SubInterval(bl[i], bu[i])).ToArray();
            var (outerLower, outerUpper, innerLower, innerUpper) = (new T[m * n], new T[m * n], new T[m * n], new T[m * n]);
            IntervalMatMul.Exact<T>(al, au, bl, bu, outerLower, outerUpper, m, k, n);
            IntervalMatMul.Exact<T>(innerA.Select(x => x.Lower).ToArray(), innerA.Select(x => x.Upper).ToArray(),
                innerB.Select(x => x.Lower).ToArray(), innerB.Select(x => x.Upper).ToArray(), innerLower, innerUpper, m, k, n);
            for (var i = 0; i < m * n; i++) Assert.True(outerLower[i] <= innerLower[i] && innerUpper[i] <= outerUpper[i]);
        }
    }

    // Zero-width inputs: the midpoint-radius result is the point product ± a radius of at most
    // 2·γ_2k·Σ|a||b| plus underflow terms (the γ_k centre term inflated by the radius product's own bound).
    [Fact]
    public void MidpointRadius_ZeroWidthInputs_WidthWithinAPrioriBudget()
    {
        var random = new Random(59);
        foreach (var (m, k, n) in Shapes)
        {
            var (a, _) = ModerateBox(random, m * k, 0);
            var (b, _) = ModerateBox(random, k * n, 0);
            var (lower, upper) = (new T[m * n], new T[m * n]);
            IntervalMatMul.MidpointRadius<T>(a, a, b, b, lower, upper, m, k, n);
            var gamma = double.CreateTruncating(ErrorBounds.Gamma<T>(2L * k + 2));
            for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                var magnitude = 0.0;
                for (var p = 0; p < k; p++) magnitude += Math.Abs(double.CreateTruncating(a[i * k + p]) * double.CreateTruncating(b[p * n + j]));
                var budget = 4 * gamma * magnitude + 8 * (k + 1) * double.CreateTruncating(T.Epsilon) + 4 * double.CreateTruncating(T.Epsilon);
                var width = double.CreateTruncating(upper[i * n + j]) - double.CreateTruncating(lower[i * n + j]);
                Assert.True(width <= budget * 1.0000001, $"width {width} above the budget {budget} at ({i}, {j}) for {m}x{k}x{n}");
            }
        }
    }

    [Fact]
    public void PointMatMul_AllPaths_WithinAPrioriErrorOfExactProduct()
    {
        var random = new Random(61);
        foreach (var (m, k, n) in Shapes.Append((33, 300, 65)))
        {
            var (a, _) = ModerateBox(random, m * k, 0);
            var (b, _) = ModerateBox(random, k * n, 0);
            var exact = ExactProduct(a.Select(Rational.From).ToArray(), b.Select(Rational.From).ToArray(), m, k, n);
            var gamma = Rational.From(ErrorBounds.Gamma<T>(k));
            foreach (var path in new[] { KernelPath.Automatic, KernelPath.Scalar })
            {
                var c = new T[m * n];
                PointMatMul.Multiply<T>(a, b, c, m, k, n, path);
                for (var i = 0; i < m; i++)
                for (var j = 0; j < n; j++)
                {
                    var magnitude = Rational.Zero;
                    for (var p = 0; p < k; p++) magnitude += (Rational.From(a[i * k + p]) * Rational.From(b[p * n + j])).Abs();
                    var allowed = gamma * magnitude + new Rational(k, 1) * Rational.From(T.Epsilon);
                    var error = (Rational.From(c[i * n + j]) - exact[i * n + j]).Abs();
                    Assert.True(error <= allowed, $"{path} {m}x{k}x{n} ({i}, {j}): error {error} above γ_k bound {allowed}");
                }
            }
        }
    }

    [Fact]
    public void MatrixVectorProducts_SampledMembers_ContainedWithZeroSlack()
    {
        var random = new Random(67);
        var sampler = new BoxSampler<T>(67);
        foreach (var (rows, columns) in new[] { (1, 1), (3, 7), (10, 33), (17, 129), (4, 300) })
        {
            var (wl, wu) = ModerateBox(random, rows * columns, 0.2);
            var (xl, xu) = ModerateBox(random, columns, 0.2);
            var (dl, du) = ModerateBox(random, rows, 0.2);
            var (yl, yu) = (new T[rows], new T[rows]);
            var (zl, zu) = (new T[columns], new T[columns]);
            IntervalMatMul.MatrixVector<T>(wl, wu, rows, columns, xl, xu, yl, yu);
            IntervalMatMul.TransposedMatrixVector<T>(wl, wu, rows, columns, dl, du, zl, zu);
            for (var sample = 0; sample < 4; sample++)
            {
                var w = Member(sampler, wl, wu);
                var x = Member(sampler, xl, xu);
                var d = Member(sampler, dl, du);
                var y = ExactProduct(w, x, rows, columns, 1);
                var z = ExactProduct(d, w, 1, rows, columns); // δᵀW = (Wᵀδ)ᵀ
                for (var o = 0; o < rows; o++) ExactAssert.Contains(yl[o], yu[o], y[o], $"W·x row {o}");
                for (var i = 0; i < columns; i++) ExactAssert.Contains(zl[i], zu[i], z[i], $"Wᵀ·δ column {i}");
            }
        }
    }

    [Fact]
    public void OuterProduct_ComputeAndAccumulate_ContainExactAndAgree()
    {
        var random = new Random(71);
        var sampler = new BoxSampler<T>(71);
        foreach (var (rows, columns) in new[] { (1, 1), (4, 15), (9, 64), (16, 257) })
        {
            var (cl, cu) = ModerateBox(random, rows, 0.3);
            var (rl, ru) = ModerateBox(random, columns, 0.3);
            var (ol, ou) = (new T[rows * columns], new T[rows * columns]);
            IntervalOuterProduct.Compute<T>(cl, cu, rl, ru, ol, ou);
            var (al, au) = (new T[rows * columns], new T[rows * columns]);
            IntervalOuterProduct.Accumulate<T>(cl, cu, rl, ru, al, au);
            // Accumulating into zeros gives the one-step four-corner hull (0 + p is exact); Compute's cheaper
            // relative-step rounding must enclose it.
            for (var e = 0; e < rows * columns; e++) Assert.True(ol[e] <= al[e] && au[e] <= ou[e], $"entry {e} not enclosed");
            var (sl, su) = (new T[rows * columns], new T[rows * columns]);
            IntervalOuterProduct.Compute<T>(cl, cu, rl, ru, sl, su, KernelPath.Scalar);
            Assert.Equal(sl, ol);
            Assert.Equal(su, ou);
            for (var sample = 0; sample < 4; sample++)
            {
                var c = Member(sampler, cl, cu);
                var r = Member(sampler, rl, ru);
                for (var o = 0; o < rows; o++)
                for (var i = 0; i < columns; i++)
                    ExactAssert.Contains(ol[o * columns + i], ou[o * columns + i], c[o] * r[i], $"outer ({o}, {i})");
            }
        }
    }

    [Fact]
    public void MatMul_WrongShapes_ThrowNamingTheMatrix()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            IntervalMatMul.MidpointRadius<T>(new T[6], new T[6], new T[5], new T[5], new T[4], new T[4], 2, 3, 2));
        Assert.Contains("B has 5 values", error.Message);
    }
}

public sealed class SingleMatrixProductTests : MatrixProductTests<float> { }

public sealed class DoubleMatrixProductTests : MatrixProductTests<double> { }

public class OuterProductConsistencyTests
{
    // The sign-specialised outer product with the relative-step rounding must enclose the four-corner hull of
    // one-step directed products (which itself encloses every exact product) and stay within a few ulps plus η of
    // it, for every sign pattern of the broadcast interval, including zeros, subnormals and degenerate intervals.
    [Fact]
    public void OuterProduct_SignSpecialised_EnclosesFourCornerHullWithinFewUlps()
    {
        var sampler = new BoxSampler<float>(73);
        for (var trial = 0; trial < 200; trial++)
        {
            var rows = sampler.Random.Next(1, 6);
            var columns = sampler.Random.Next(0, 80);
            var (cl, cu) = sampler.Box(rows);
            var (rl, ru) = sampler.Box(columns);
            var (ol, ou) = (new float[rows * columns], new float[rows * columns]);
            IntervalOuterProduct.Compute<float>(cl, cu, rl, ru, ol, ou);
            var (sl, su) = (new float[rows * columns], new float[rows * columns]);
            IntervalOuterProduct.Compute<float>(cl, cu, rl, ru, sl, su, KernelPath.Scalar);
            Assert.Equal(sl, ol);
            Assert.Equal(su, ou);
            for (var o = 0; o < rows; o++)
            {
                var (hl, hu) = (new float[columns], new float[columns]);
                IntervalKernels.Scale<float>(rl, ru, cl[o], cu[o], hl, hu, KernelPath.Scalar);
                for (var i = 0; i < columns; i++)
                {
                    var (lower, upper) = (ol[o * columns + i], ou[o * columns + i]);
                    Assert.True(lower <= hl[i] && hu[i] <= upper, $"({o}, {i}): [{lower}, {upper}] does not enclose [{hl[i]}, {hu[i]}]");
                    var slack = 8 * 5.9604645e-8 * Math.Max(Math.Abs((double)hl[i]), Math.Abs((double)hu[i])) + 4 * (double)float.Epsilon;
                    Assert.True(hl[i] - (double)lower <= slack && upper - (double)hu[i] <= slack, $"({o}, {i}) too loose");
                }
            }
        }
    }
}
