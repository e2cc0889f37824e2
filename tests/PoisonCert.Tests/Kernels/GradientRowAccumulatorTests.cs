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

    // Two samples at a time (AccumulatePair, with its own loop and the pairwise top-k merge for poisoned unclipped
    // weight rows) against one at a time: the same sums, magnitude and top-k slots, bit for bit, for every mode, k
    // of 1, 2, 3 and 10, an odd number of samples, and every length.
    [Theory]
    [MemberData(nameof(Modes))]
    public void AccumulatePair_EqualsTwoSingleAccumulates(int roleNumber, int clipNumber, bool bias)
    {
        var role = (SampleRole)roleNumber;
        var clip = (GradientRowAccumulator.Clip)clipNumber;
        var sampler = new BoxSampler<T>((int)role * 17 + (int)clip * 5 + (bias ? 3 : 0) + 1000);
        var gamma = T.CreateTruncating(0.75);
        foreach (var k in new[] { 1, 2, 3, 10 })
            for (var length = 0; length <= 120; length += length < 40 ? 1 : 17)
            {
                var samples = Enumerable.Range(0, 23).Select(_ => Draw(sampler, length, bias)).ToList();
                foreach (var path in new[] { KernelPath.Vector512, KernelPath.Scalar })
                {
                    var single = Run(role, clip, gamma, samples, length, k, path, pairs: false);
                    var paired = Run(role, clip, gamma, samples, length, k, path, pairs: true);
                    var label = $"{role}/{clip}/bias={bias}/k={k}/length {length}/{path}";
                    for (var a = 0; a < single.Count; a++)
                        for (var c = 0; c < single[a].Length; c++)
                            Assert.True(single[a][c].Equals(paired[a][c]), $"{label}: array {a}[{c}] one at a time {single[a][c]}, in pairs {paired[a][c]}");
                }
            }
    }

    private static List<T[]> Run(SampleRole role, GradientRowAccumulator.Clip clip, T gamma, List<SampleBoxes> samples, int length, int k, KernelPath path, bool pairs)
    {
        var (sumLower, sumUpper, magnitude) = (new T[length], new T[length], new T[length]);
        var high = new TopKAccumulator<T>(length, k);
        var low = new TopKAccumulator<T>(length, k, smallest: true);
        GradientBlock<T> Clean(SampleBoxes s) => new(s.CleanLower, s.CleanUpper, s.CleanScaleLower, s.CleanScaleUpper, s.Bias, s.FactorLower, s.FactorUpper);
        GradientBlock<T> Poisoned(SampleBoxes s) => new(s.PoisonedLower, s.PoisonedUpper, s.PoisonedScaleLower, s.PoisonedScaleUpper, s.Bias, s.FactorLower, s.FactorUpper);
        for (var i = 0; i < samples.Count; i++)
        {
            if (pairs && i + 1 < samples.Count)
            {
                GradientRowAccumulator.AccumulatePair(role, Clean(samples[i]), Poisoned(samples[i]), Clean(samples[i + 1]), Poisoned(samples[i + 1]), clip, gamma,
                    sumLower, sumUpper, magnitude, high, low, 0, path);
                i++;
            }
            else GradientRowAccumulator.Accumulate(role, Clean(samples[i]), Poisoned(samples[i]), clip, gamma, sumLower, sumUpper, magnitude, high, low, 0, path);
        }
        var result = new List<T[]> { sumLower, sumUpper, magnitude, new[] { T.CreateTruncating(high.RowsSeen), T.CreateTruncating(low.RowsSeen) } };
        for (var c = 0; c < length; c++)
        {
            result.Add(high.Kept(c));
            result.Add(low.Kept(c));
        }
        return result;
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
