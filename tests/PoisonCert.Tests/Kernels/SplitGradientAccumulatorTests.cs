using System.Numerics;
using PoisonCert.Kernels;
using PoisonCert.Tests.Exact;

namespace PoisonCert.Tests.Kernels;

/// <summary>
/// The unpaired kernel gives the same bits on the Vector512 and scalar paths (sums, magnitude, the joint top-k sums
/// and both selection tables' worst cases), streamed and from candidates, for weight and bias blocks, with and
/// without clamping, at every length 0..300 and for several budgets; and the candidate passes select exactly what
/// the streamed table selects, bit for bit, on differences whose sums are exact (many ties at the thresholds
/// included). (The rule it feeds is proved by AggregationLemmas.ExactUnpairedAggregation_*; its soundness end to end
/// is checked by the sampled suite's unpaired cases.)
/// </summary>
public abstract class SplitGradientAccumulatorTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    [Theory]
    [InlineData(false, false, 2, 1, false)]
    [InlineData(false, true, 1, 3, false)]
    [InlineData(true, false, 3, 3, false)]
    [InlineData(true, true, 2, 1, false)]
    [InlineData(false, false, 2, 2, true)]
    [InlineData(false, true, 3, 2, true)]
    [InlineData(true, true, 2, 3, true)]
    public void Accumulate_EveryLength_VectorEqualsScalar(bool bias, bool clamp, int features, int labels, bool fromCandidates)
    {
        var sampler = new BoxSampler<T>((bias ? 3 : 1) + (clamp ? 10 : 0) + features + 7 * labels);
        var gamma = T.CreateTruncating(0.6);
        var count = fromCandidates ? 3 * (features + labels) + 4 : 7;
        for (var length = 0; length <= 300; length += length < 40 ? 1 : 13)
        {
            var samples = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 4).Select(_ => Draw(sampler, length)).ToArray()).ToList();
            var vector = Run(samples, bias, clamp, gamma, length, features, labels, fromCandidates, KernelPath.Vector512);
            var scalar = Run(samples, bias, clamp, gamma, length, features, labels, fromCandidates, KernelPath.Scalar);
            Assert.Equal(scalar.Count, vector.Count);
            for (var a = 0; a < scalar.Count; a++)
            {
                Assert.Equal(scalar[a].Length, vector[a].Length);
                for (var i = 0; i < scalar[a].Length; i++)
                    Assert.True(scalar[a][i].Equals(vector[a][i]), $"bias={bias} clamp={clamp} length {length}: array {a}[{i}] scalar {scalar[a][i]}, vector {vector[a][i]}");
            }
        }
    }

    [Theory]
    [InlineData(2, 2, 20, 4)]
    [InlineData(3, 2, 40, 3)]
    [InlineData(4, 4, 60, 2)]
    [InlineData(2, 5, 30, 40)]
    public void Candidates_SelectExactlyWhatTheStreamedTableSelects(int features, int labels, int count, int values)
    {
        var random = new Random(features * 100 + labels * 10 + values);
        var length = 37;
        // Bias blocks, no clipping: w = [0, 0], the poisoned boxes [−d, d] with small integers d (exact sums, many ties).
        var samples = new List<Box[]>();
        for (var i = 0; i < count; i++)
        {
            T[] Draw() => [.. Enumerable.Range(0, length).Select(_ => T.CreateTruncating(random.Next(values)))];
            var (f, l) = (Draw(), Draw());
            var extra = Draw();
            var j = Enumerable.Range(0, length).Select(c => T.Max(f[c], l[c]) + (random.Next(3) == 0 ? extra[c] : T.Zero)).ToArray();
            Box Symmetric(T[] d) => new([.. d.Select(x => -x)], d, T.One, T.One);
            samples.Add([Symmetric(new T[length]), Symmetric(f), Symmetric(l), Symmetric(j)]);
        }
        foreach (var path in new[] { KernelPath.Vector512, KernelPath.Scalar })
        {
            var streamed = Run(samples, bias: true, clamp: false, T.One, length, features, labels, fromCandidates: false, path);
            var candidates = Run(samples, bias: true, clamp: false, T.One, length, features, labels, fromCandidates: true, path);
            for (var side = 3; side <= 4; side++)
                for (var c = 0; c < length; c++)
                    Assert.True(streamed[side][c].Equals(candidates[side][c]),
                        $"{path} (n, m) = ({features}, {labels}), {count} samples, side {side}, coordinate {c}: streamed {streamed[side][c]}, candidates {candidates[side][c]}");
        }
    }

    // The candidate passes' first pass two samples at a time against one at a time: the same sums, magnitude, top-k
    // slots of all six accumulators and selected worst cases, bit for bit (an odd sample count leaves one single).
    [Theory]
    [InlineData(false, false, 2, 2)]
    [InlineData(true, true, 3, 2)]
    [InlineData(false, true, 2, 4)]
    public void AccumulatePair_EqualsTwoSingleAccumulates(bool bias, bool clamp, int features, int labels)
    {
        var sampler = new BoxSampler<T>(features * 10 + labels + (bias ? 100 : 0) + (clamp ? 200 : 0));
        var gamma = T.CreateTruncating(0.6);
        var count = 3 * (features + labels) + 5;
        foreach (var path in new[] { KernelPath.Vector512, KernelPath.Scalar })
            for (var length = 0; length <= 120; length += length < 40 ? 1 : 17)
            {
                var samples = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 4).Select(_ => Draw(sampler, length)).ToArray()).ToList();
                var single = Run(samples, bias, clamp, gamma, length, features, labels, fromCandidates: true, path, pairs: false);
                var paired = Run(samples, bias, clamp, gamma, length, features, labels, fromCandidates: true, path, pairs: true);
                Assert.Equal(single.Count, paired.Count);
                for (var a = 0; a < single.Count; a++)
                    for (var c = 0; c < single[a].Length; c++)
                        if (c >= paired[a].Length) Assert.Fail($"{path} length {length}: array {a} has {paired[a].Length} values in pairs, {single[a].Length} one at a time");
                        else
                        Assert.True(single[a][c].Equals(paired[a][c]), $"{path} bias={bias} clamp={clamp} length {length}: array {a}[{c}] one at a time {single[a][c]}, in pairs {paired[a][c]}");
            }
    }

    private sealed record Box(T[] Lower, T[] Upper, T ScaleLower, T ScaleUpper);

    private static Box Draw(BoxSampler<T> sampler, int length)
    {
        var (l, u) = sampler.Box(length);
        var (sl, su) = sampler.Interval();
        return new Box(l, u, sl, su);
    }

    private static List<T[]> Run(List<Box[]> samples, bool bias, bool clamp, T gamma, int length, int features, int labels, bool fromCandidates, KernelPath path,
        bool pairs = false)
    {
        var (sumLower, sumUpper, magnitude) = (new T[length], new T[length], new T[length]);
        var top = new SplitAccumulators<T>(length, features, labels);
        top.Reset(samples.Count, fromCandidates);
        GradientBlock<T> Block(Box b) => new(b.Lower, b.Upper, b.ScaleLower, b.ScaleUpper, bias, T.One, T.One);
        for (var i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            if (pairs && i + 1 < samples.Count)
            {
                var t = samples[++i];
                SplitGradientAccumulator.AccumulatePair(Block(s[0]), Block(s[1]), Block(s[2]), Block(s[3]), Block(t[0]), Block(t[1]), Block(t[2]), Block(t[3]),
                    clamp, gamma, sumLower, sumUpper, magnitude, top, path);
            }
            else SplitGradientAccumulator.Accumulate(Block(s[0]), Block(s[1]), Block(s[2]), Block(s[3]), clamp, gamma, sumLower, sumUpper, magnitude, top, path);
        }
        var ranks = new List<T[]>();
        if (fromCandidates)
            foreach (var rank in new[] { top.JointHigh, top.JointLow, top.FeatureHigh, top.FeatureLow, top.LabelHigh, top.LabelLow })
            {
                ranks.Add([T.CreateTruncating(rank.RowsSeen)]);
                for (var c = 0; c < length; c++) ranks.Add(rank.Kept(c));
            }
        if (fromCandidates)
        {
            top.BeginCandidates();
            foreach (var s in samples)
                SplitGradientAccumulator.Gather(Block(s[0]), Block(s[1]), Block(s[2]), Block(s[3]), clamp, gamma, length, top, path);
            top.EndCandidates(path);
        }
        var result = new List<T[]> { sumLower, sumUpper, magnitude, top.SelectionHigh.Best.ToArray(), top.SelectionLow.Best.ToArray() };
        result.AddRange(ranks);
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
