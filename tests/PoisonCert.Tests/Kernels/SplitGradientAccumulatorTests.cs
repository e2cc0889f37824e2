using System.Numerics;
using PoisonCert.Kernels;
using PoisonCert.Tests.Exact;

namespace PoisonCert.Tests.Kernels;

/// <summary>
/// The unpaired kernel gives the same bits on the Vector512 and scalar paths (sums, magnitude, the joint top-k sums
/// and both selection tables' worst cases), for weight and bias blocks, with and without clamping, at every length
/// 0..300 and for budgets (n, m) = (2, 1), (1, 3), (3, 3). (The rule it feeds is proved by
/// AggregationLemmas.ExactUnpairedAggregation_*; its soundness end to end is checked by the sampled suite's unpaired
/// cases.)
/// </summary>
public abstract class SplitGradientAccumulatorTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    [Theory]
    [InlineData(false, false, 2, 1)]
    [InlineData(false, true, 1, 3)]
    [InlineData(true, false, 3, 3)]
    [InlineData(true, true, 2, 1)]
    public void Accumulate_EveryLength_VectorEqualsScalar(bool bias, bool clamp, int features, int labels)
    {
        var sampler = new BoxSampler<T>((bias ? 3 : 1) + (clamp ? 10 : 0));
        var gamma = T.CreateTruncating(0.6);
        for (var length = 0; length <= 300; length += length < 40 ? 1 : 13)
        {
            var samples = Enumerable.Range(0, 7).Select(_ => Enumerable.Range(0, 4).Select(_ => Draw(sampler, length)).ToArray()).ToList();
            var vector = Run(samples, bias, clamp, gamma, length, features, labels, KernelPath.Vector512);
            var scalar = Run(samples, bias, clamp, gamma, length, features, labels, KernelPath.Scalar);
            Assert.Equal(scalar.Count, vector.Count);
            for (var a = 0; a < scalar.Count; a++)
                for (var i = 0; i < length; i++)
                    Assert.True(scalar[a][i].Equals(vector[a][i]), $"bias={bias} clamp={clamp} length {length}: array {a}[{i}] scalar {scalar[a][i]}, vector {vector[a][i]}");
        }
    }

    private sealed record Box(T[] Lower, T[] Upper, T ScaleLower, T ScaleUpper);

    private static Box Draw(BoxSampler<T> sampler, int length)
    {
        var (l, u) = sampler.Box(length);
        var (sl, su) = sampler.Interval();
        return new Box(l, u, sl, su);
    }

    private static List<T[]> Run(List<Box[]> samples, bool bias, bool clamp, T gamma, int length, int features, int labels, KernelPath path)
    {
        var (sumLower, sumUpper, magnitude) = (new T[length], new T[length], new T[length]);
        var top = new SplitAccumulators<T>(length, features, labels);
        foreach (var s in samples)
        {
            GradientBlock<T> Block(Box b) => new(b.Lower, b.Upper, b.ScaleLower, b.ScaleUpper, bias, T.One, T.One);
            SplitGradientAccumulator.Accumulate(Block(s[0]), Block(s[1]), Block(s[2]), Block(s[3]), clamp, gamma, sumLower, sumUpper, magnitude, top, path);
        }
        var result = new List<T[]> { sumLower, sumUpper, magnitude, top.SelectionHigh.Best.ToArray(), top.SelectionLow.Best.ToArray() };
        foreach (var accumulator in new[] { top.JointHigh, top.JointLow })
        {
            var sum = new T[length];
            accumulator.Sum(sum);
            result.Add(sum);
        }
        return result;
    }
}

public class SplitGradientAccumulatorSingleTests : SplitGradientAccumulatorTests<float>;

public class SplitGradientAccumulatorDoubleTests : SplitGradientAccumulatorTests<double>;
