using System.Numerics;
using PoisonCert.Kernels;
using PoisonCert.Tests.Exact;

namespace PoisonCert.Tests.Kernels;

/// <summary>
/// The split unpaired kernel gives the same bits on the Vector512 and scalar paths (sums, magnitude and all
/// eight top-k sums), for weight and bias blocks, with and without clamping, at every length 0..300. (The rule it
/// feeds is proved by AggregationLemmas.SplitUnpairedAggregation_*; its soundness end to end is checked by the
/// sampled suite's unpaired cases.)
/// </summary>
public abstract class SplitGradientAccumulatorTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Accumulate_EveryLength_VectorEqualsScalar(bool bias, bool clamp)
    {
        var sampler = new BoxSampler<T>((bias ? 3 : 1) + (clamp ? 10 : 0));
        var gamma = T.CreateTruncating(0.6);
        for (var length = 0; length <= 300; length += length < 40 ? 1 : 13)
        {
            var samples = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, 4).Select(_ => Draw(sampler, length)).ToArray()).ToList();
            var vector = Run(samples, bias, clamp, gamma, length, KernelPath.Vector512);
            var scalar = Run(samples, bias, clamp, gamma, length, KernelPath.Scalar);
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

    private static List<T[]> Run(List<Box[]> samples, bool bias, bool clamp, T gamma, int length, KernelPath path)
    {
        var (sumLower, sumUpper, magnitude) = (new T[length], new T[length], new T[length]);
        var top = new SplitAccumulators<T>(length, 2, 1);
        foreach (var s in samples)
        {
            GradientBlock<T> Block(Box b) => new(b.Lower, b.Upper, b.ScaleLower, b.ScaleUpper, bias, T.One, T.One);
            SplitGradientAccumulator.Accumulate(Block(s[0]), Block(s[1]), Block(s[2]), Block(s[3]), clamp, gamma, sumLower, sumUpper, magnitude, top, path);
        }
        var result = new List<T[]> { sumLower, sumUpper, magnitude };
        foreach (var accumulator in top.All)
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
