using System.Numerics;
using PoisonCert.Kernels;
using PoisonCert.Tests.Exact;

namespace PoisonCert.Tests.Kernels;

/// <summary>
/// The fused aggregation kernel equals, bit for bit, the sequence of separately tested kernels it fuses
/// (sign-case outer product, clamp or interval scale, hull, top-k insertion) with the sums, the magnitude sum and
/// the endpoint differences rounded to nearest (their error is the caller's a priori term), for every role, every
/// clipping mode and every length 0..300, on every SIMD path.
/// </summary>
public abstract class GradientRowAccumulatorTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    private const int K = 3;

    // Roles and clipping modes by number (the kernel's enums are internal): role 0..3, clip 0..2.
    public static TheoryData<int, int, bool> Modes()
    {
        var data = new TheoryData<int, int, bool>();
        foreach (var role in Enum.GetValues<SampleRole>())
            foreach (var clip in Enum.GetValues<GradientRowAccumulator.Clip>())
                foreach (var bias in new[] { false, true })
                    data.Add((int)role, (int)clip, bias);
        return data;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Accumulate_EveryLengthAndPath_EqualsUnfusedKernels(int roleNumber, int clipNumber, bool bias)
    {
        var role = (SampleRole)roleNumber;
        var clip = (GradientRowAccumulator.Clip)clipNumber;
        var sampler = new BoxSampler<T>((int)role * 31 + (int)clip * 7 + (bias ? 1 : 0));
        var gamma = T.CreateTruncating(0.75);
        for (var length = 0; length <= 300; length += length < 40 ? 1 : 13)
        {
            var samples = Enumerable.Range(0, 4).Select(_ => Draw(sampler, length, bias)).ToList();
            var reference = Reference(role, clip, gamma, samples, length);
            foreach (var path in new[] { KernelPath.Vector512, KernelPath.Vector256, KernelPath.Scalar })
            {
                var fused = Fused(role, clip, gamma, samples, length, path);
                AssertBitwise(reference, fused, $"{role}/{clip}/bias={bias}/length {length}/{path}");
            }
        }
    }

    private sealed record SampleBoxes(T[] CleanLower, T[] CleanUpper, T CleanScaleLower, T CleanScaleUpper, T[] PoisonedLower, T[] PoisonedUpper,
        T PoisonedScaleLower, T PoisonedScaleUpper, T FactorLower, T FactorUpper, bool Bias);

    private static SampleBoxes Draw(BoxSampler<T> sampler, int length, bool bias)
    {
        var (cl, cu) = sampler.Box(length);
        var (pl, pu) = sampler.Box(length);
        var (sl, su) = sampler.Interval();
        var (ql, qu) = sampler.Interval();
        var f = T.CreateTruncating(sampler.Random.NextDouble());
        return new SampleBoxes(cl, cu, sl, su, pl, pu, ql, qu, f, T.Min(T.One, f + T.CreateTruncating(0.25)), bias);
    }

    private sealed record State(T[] SumLower, T[] SumUpper, T[] Magnitude, T[] High, T[] Low);

    private static State Fused(SampleRole role, GradientRowAccumulator.Clip clip, T gamma, List<SampleBoxes> samples, int length, KernelPath path)
    {
        var (sumLower, sumUpper, magnitude) = (new T[length], new T[length], new T[length]);
        var high = new TopKAccumulator<T>(length, K);
        var low = new TopKAccumulator<T>(length, K, smallest: true);
        foreach (var s in samples)
        {
            var clean = new GradientBlock<T>(s.CleanLower, s.CleanUpper, s.CleanScaleLower, s.CleanScaleUpper, s.Bias, s.FactorLower, s.FactorUpper);
            var poisoned = new GradientBlock<T>(s.PoisonedLower, s.PoisonedUpper, s.PoisonedScaleLower, s.PoisonedScaleUpper, s.Bias, s.FactorLower, s.FactorUpper);
            GradientRowAccumulator.Accumulate(role, clean, poisoned, clip, gamma, sumLower, sumUpper, magnitude, high, low, 0, path);
        }
        return Finish(sumLower, sumUpper, magnitude, high, low, role, length);
    }

    private static State Reference(SampleRole role, GradientRowAccumulator.Clip clip, T gamma, List<SampleBoxes> samples, int length)
    {
        var (sumLower, sumUpper, magnitude) = (new T[length], new T[length], new T[length]);
        var high = new TopKAccumulator<T>(length, K, path: KernelPath.Scalar);
        var low = new TopKAccumulator<T>(length, K, smallest: true, path: KernelPath.Scalar);
        foreach (var s in samples)
        {
            var (wl, wu) = Entries(s.CleanLower, s.CleanUpper, s.CleanScaleLower, s.CleanScaleUpper, s, clip, gamma);
            NearestAdd(sumLower, wl);
            NearestAdd(sumUpper, wu);
            if (role is SampleRole.Clean or SampleRole.Removable)
            {
                NearestMagnitude(magnitude, wl, wu);
                if (role == SampleRole.Removable)
                {
                    high.Add(wl, 1);
                    low.Add(wu, 1);
                }
                continue;
            }
            var (xl, xu) = role == SampleRole.Replaced
                ? (Enumerable.Repeat(-gamma, length).ToArray(), Enumerable.Repeat(gamma, length).ToArray())
                : Entries(s.PoisonedLower, s.PoisonedUpper, s.PoisonedScaleLower, s.PoisonedScaleUpper, s, clip, gamma);
            IntervalKernels.Hull<T>(xl, xu, wl, wu, xl, xu, KernelPath.Scalar);
            NearestMagnitude(magnitude, xl, xu);
            for (var c = 0; c < length; c++) (xl[c], xu[c]) = (xl[c] - wl[c], xu[c] - wu[c]);
            low.Add(xl, 1);
            high.Add(xu, 1);
        }
        return Finish(sumLower, sumUpper, magnitude, high, low, role, length);
    }

    private static void NearestAdd(T[] sum, T[] terms)
    {
        for (var c = 0; c < sum.Length; c++) sum[c] += terms[c];
    }

    private static void NearestMagnitude(T[] magnitude, T[] lower, T[] upper)
    {
        for (var c = 0; c < magnitude.Length; c++) magnitude[c] += T.Max(T.Abs(lower[c]), T.Abs(upper[c]));
    }

    private static (T[], T[]) Entries(T[] rowLower, T[] rowUpper, T scaleLower, T scaleUpper, SampleBoxes s, GradientRowAccumulator.Clip clip, T gamma)
    {
        var (l, u) = (new T[rowLower.Length], new T[rowLower.Length]);
        if (s.Bias)
        {
            rowLower.CopyTo(l, 0);
            rowUpper.CopyTo(u, 0);
        }
        else IntervalOuterProduct.Compute<T>([scaleLower], [scaleUpper], rowLower, rowUpper, l, u, KernelPath.Scalar);
        if (clip == GradientRowAccumulator.Clip.Clamp) IntervalKernels.Clamp<T>(l, u, -gamma, gamma, l, u, KernelPath.Scalar);
        else if (clip == GradientRowAccumulator.Clip.Norm) IntervalKernels.Scale<T>(l, u, s.FactorLower, s.FactorUpper, l, u, KernelPath.Scalar);
        return (l, u);
    }

    private static State Finish(T[] sumLower, T[] sumUpper, T[] magnitude, TopKAccumulator<T> high, TopKAccumulator<T> low, SampleRole role, int length)
    {
        var (h, w) = (new T[length], new T[length]);
        if (role != SampleRole.Clean)
        {
            high.Sum(h);
            low.Sum(w);
        }
        return new State(sumLower, sumUpper, magnitude, h, w);
    }

    private static void AssertBitwise(State expected, State actual, string label)
    {
        foreach (var (name, e, a) in new[] { ("sum lower", expected.SumLower, actual.SumLower), ("sum upper", expected.SumUpper, actual.SumUpper),
                     ("magnitude", expected.Magnitude, actual.Magnitude), ("top-k high", expected.High, actual.High), ("top-k low", expected.Low, actual.Low) })
            for (var i = 0; i < e.Length; i++)
                Assert.True(e[i].Equals(a[i]) || T.IsNaN(e[i]) && T.IsNaN(a[i]), $"{label}: {name}[{i}] expected {e[i]}, got {a[i]}");
    }
}

public class GradientRowAccumulatorSingleTests : GradientRowAccumulatorTests<float>;

public class GradientRowAccumulatorDoubleTests : GradientRowAccumulatorTests<double>;
