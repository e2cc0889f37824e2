using System.Numerics;
using FsCheck.Xunit;
using PoisonCert.Kernels;
using PoisonCert.Tests.Exact;

namespace PoisonCert.Tests.Kernels;

/// <summary>
/// Soundness and consistency of the element-wise interval kernels, for float and double:
/// containment of the exact point function at sampled members with zero slack; every length 0..300; in place;
/// every SIMD width bit-identical to the scalar path; zero-width inputs within one ulp of the nearest result on
/// each side; nested inputs give nested outputs.
/// </summary>
public abstract class ElementwiseKernelTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    public static IEnumerable<object[]> CaseNames => ElementwiseCases<T>.All.Select(c => new object[] { c.Name });

    private static ElementwiseCase<T> Case(string name) => ElementwiseCases<T>.All.Single(c => c.Name == name);

    private static (T[] L, T[] U) Run(ElementwiseCase<T> kernel, T[] al, T[] au, T[] bl, T[] bu, KernelPath path = KernelPath.Automatic)
    {
        var lower = new T[al.Length];
        var upper = new T[al.Length];
        kernel.Run(al, au, bl, bu, lower, upper, path);
        return (lower, upper);
    }

    private static void AssertContainsExact(ElementwiseCase<T> kernel, BoxSampler<T> sampler,
        T[] al, T[] au, T[] bl, T[] bu, T[] lower, T[] upper)
    {
        for (var i = 0; i < al.Length; i++)
        {
            foreach (var x in sampler.Members(al[i], au[i]))
            {
                var ys = kernel.Binary ? sampler.Members(bl[i], bu[i]).ToList() : [Rational.Zero];
                foreach (var y in ys)
                {
                    ExactAssert.Contains(lower[i], upper[i], kernel.Exact(x, y), $"{kernel.Name}[{i}] of [{al[i]}, {au[i]}]");
                    if (kernel.Name == "ScaleInterval")
                        ExactAssert.Contains(lower[i], upper[i], ElementwiseCases<T>.ScaleIntervalUpper(x), $"{kernel.Name}[{i}] (upper scale)");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Kernel_EveryLengthUpTo300_ContainsExactResults(string name)
    {
        var kernel = Case(name);
        var sampler = new BoxSampler<T>(name.GetHashCode(StringComparison.Ordinal) ^ 0x5EED);
        for (var length = 0; length <= 300; length++)
        {
            var (al, au) = sampler.Box(length);
            var (bl, bu) = sampler.Box(length);
            var (lower, upper) = Run(kernel, al, au, bl, bu);
            AssertContainsExact(kernel, sampler, al, au, bl, bu, lower, upper);
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Kernel_EverySimdWidth_EqualsScalarPathBitForBit(string name)
    {
        var kernel = Case(name);
        var sampler = new BoxSampler<T>(17);
        for (var length = 0; length <= 300; length++)
        {
            var (al, au) = sampler.Box(length);
            var (bl, bu) = sampler.Box(length);
            var (scalarLower, scalarUpper) = Run(kernel, al, au, bl, bu, KernelPath.Scalar);
            foreach (var path in new[] { KernelPath.Automatic, KernelPath.Vector512, KernelPath.Vector256, KernelPath.Vector128 })
            {
                var (lower, upper) = Run(kernel, al, au, bl, bu, path);
                Assert.Equal(scalarLower, lower);
                Assert.Equal(scalarUpper, upper);
            }
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Kernel_InPlace_EqualsOutOfPlace(string name)
    {
        var kernel = Case(name);
        var sampler = new BoxSampler<T>(23);
        for (var length = 0; length <= 300; length += 7)
        {
            var (al, au) = sampler.Box(length);
            var (bl, bu) = sampler.Box(length);
            var (expectedLower, expectedUpper) = Run(kernel, al, au, bl, bu);
            kernel.Run(al, au, bl, bu, al, au, KernelPath.Automatic); // outputs are the inputs
            Assert.Equal(expectedLower, al);
            Assert.Equal(expectedUpper, au);
        }
    }

    // Zero-width inputs: each side is at most one outward step from the round-to-nearest result of the point
    // operation (the ulp budget of directed rounding); exact operations (negate, ReLU, clamp) are exactly nominal.
    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Kernel_ZeroWidthInputs_WithinOneUlpOfNominal(string name)
    {
        var kernel = Case(name);
        var sampler = new BoxSampler<T>(29);
        const int length = 257;
        var a = Enumerable.Range(0, length).Select(_ => sampler.Value()).ToArray();
        var b = Enumerable.Range(0, length).Select(_ => sampler.Value()).ToArray();
        var (lower, upper) = Run(kernel, a, a, b, b);
        for (var i = 0; i < length; i++)
        {
            var exact = kernel.Exact(Rational.From(a[i]), Rational.From(b[i]));
            if (kernel.Name == "ScaleInterval") continue; // the scale itself is a proper interval
            var nearest = NearestOf(exact);
            Assert.True(lower[i] >= T.BitDecrement(nearest) && upper[i] <= T.BitIncrement(nearest),
                $"{kernel.Name}[{i}]: [{lower[i]:R}, {upper[i]:R}] is wider than one ulp around {nearest:R}");
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Kernel_NestedInputs_GiveNestedOutputs(string name)
    {
        var kernel = Case(name);
        var sampler = new BoxSampler<T>(31);
        for (var length = 1; length <= 300; length += 13)
        {
            var (al, au) = sampler.Box(length);
            var (bl, bu) = sampler.Box(length);
            var (outerLower, outerUpper) = Run(kernel, al, au, bl, bu);
            var innerA = Enumerable.Range(0, length).Select(i => sampler.SubInterval(al[i], au[i])).ToArray();
            var innerB = Enumerable.Range(0, length).Select(i => sampler.SubInterval(bl[i], bu[i])).ToArray();
            var (innerLower, innerUpper) = Run(kernel, innerA.Select(p => p.Lower).ToArray(), innerA.Select(p => p.Upper).ToArray(),
                innerB.Select(p => p.Lower).ToArray(), innerB.Select(p => p.Upper).ToArray());
            for (var i = 0; i < length; i++)
                Assert.True(outerLower[i] <= innerLower[i] && innerUpper[i] <= outerUpper[i], $"{kernel.Name}[{i}] not nested");
        }
    }

    [Property(MaxTest = 150)]
    public bool Multiply_RandomBoxesFromFsCheck_ContainExactProducts(int seed, byte lengthByte)
    {
        var kernel = Case("Multiply");
        var sampler = new BoxSampler<T>(seed);
        var (al, au) = sampler.Box(lengthByte);
        var (bl, bu) = sampler.Box(lengthByte);
        var (lower, upper) = Run(kernel, al, au, bl, bu);
        AssertContainsExact(kernel, sampler, al, au, bl, bu, lower, upper);
        return true;
    }

    [Property(MaxTest = 150)]
    public bool AddAndSubtract_RandomBoxesFromFsCheck_ContainExactResults(int seed, byte lengthByte)
    {
        var sampler = new BoxSampler<T>(seed);
        var (al, au) = sampler.Box(lengthByte);
        var (bl, bu) = sampler.Box(lengthByte);
        foreach (var kernel in new[] { Case("Add"), Case("Subtract") })
        {
            var (lower, upper) = Run(kernel, al, au, bl, bu);
            AssertContainsExact(kernel, sampler, al, au, bl, bu, lower, upper);
        }
        return true;
    }

    [Fact]
    public void Kernel_MismatchedLengths_ThrowsNamingTheSpan()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            IntervalKernels.Add<T>(new T[3], new T[3], new T[2], new T[3], new T[3], new T[3]));
        Assert.Contains("bLower", error.Message);
    }

    [Fact]
    public void Clamp_LowAboveHigh_Throws()
        => Assert.Throws<ArgumentException>(() =>
            IntervalKernels.Clamp<T>(new T[1], new T[1], T.One, T.Zero, new T[1], new T[1]));

    private static T NearestOf(Rational exact) => exact.ToNearest<T>();
}

public sealed class SingleElementwiseKernelTests : ElementwiseKernelTests<float> { }

public sealed class DoubleElementwiseKernelTests : ElementwiseKernelTests<double> { }
