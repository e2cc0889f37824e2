using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static PoisonCert.Kernels.VectorDirectedRounding;

namespace PoisonCert.Kernels;

/// <summary>The top-k accumulators of the split unpaired aggregation for one block of coordinates.</summary>
internal sealed class SplitAccumulators<T>(int width, int features, int labels) where T : IBinaryFloatingPointIeee754<T>
{
    // Upper side keeps the largest upper differences, lower side the largest lower differences (stored as the
    // smallest of their negatives, the convention of the joint rule's Low accumulator).
    public TopKAccumulator<T> JointHigh { get; } = new(width, features + labels);
    public TopKAccumulator<T> JointLow { get; } = new(width, features + labels, smallest: true);
    public TopKAccumulator<T> FeatureHigh { get; } = new(width, features);
    public TopKAccumulator<T> FeatureLow { get; } = new(width, features, smallest: true);
    public TopKAccumulator<T> LabelHigh { get; } = new(width, labels);
    public TopKAccumulator<T> LabelLow { get; } = new(width, labels, smallest: true);
    public TopKAccumulator<T> ExcessHigh { get; } = new(width, Math.Min(features, labels));
    public TopKAccumulator<T> ExcessLow { get; } = new(width, Math.Min(features, labels), smallest: true);

    private TopKAccumulator<T>[]? _all;
    private readonly T[][] _sums = [.. Enumerable.Range(0, 8).Select(_ => new T[width])];

    /// <summary>The eight accumulators, in the order of the properties above.</summary>
    public TopKAccumulator<T>[] All => _all ??= [JointHigh, JointLow, FeatureHigh, FeatureLow, LabelHigh, LabelLow, ExcessHigh, ExcessLow];

    /// <summary>Every accumulator's per-coordinate sum, in the order of <see cref="All"/> (buffers reused across calls).</summary>
    public T[][] SumAll()
    {
        for (var a = 0; a < All.Length; a++) All[a].Sum(_sums[a]);
        return _sums;
    }
}

/// <summary>
/// The fused inner loop of the SPLIT unpaired aggregation (features of at most n samples and labels of at most m
/// samples poisoned, the two sets unrelated): for one untrusted sample and a block of coordinates it forms the
/// clean box w and three poisoned boxes, feature-only F, label-only L and joint J, each clipped like the program
/// clips and hulled with w (J also with F and L, so that J contains every admissible gradient of the sample). Per
/// coordinate it adds w to the running sums and J's magnitude to the running Σ|g|, and feeds the top-k
/// accumulators with the upper differences dJ = Ju − wu (k = n + m), dF = Fu − wu (k = n), dL = Lu − wu (k = m)
/// and the excess X = (Ju − Fu − Lu + wu)⁺ (k = min(n, m)), and the mirrored lower differences.
/// <para>
/// Why the excess: with A the feature-only, B the label-only and C the doubly poisoned samples (|A| + |C| ≤ n,
/// |B| + |C| ≤ m), Σ_A dF + Σ_B dL + Σ_C dJ = Σ_(A∪C) dF + Σ_(B∪C) dL + Σ_C (dJ − dF − dL)
/// ≤ top_n(dF) + top_m(dL) + top_min(n,m)(X); the joint rule's top_(n+m)(dJ) is also a bound, so the caller takes
/// the smaller (AggregationLemmas.SplitUnpairedAggregation_*).
/// </para>
/// <para>
/// Rounding: the sums and dJ, dF, dL are rounded to nearest, like <see cref="GradientRowAccumulator"/>'s (the caller
/// adds the a priori term and scales those top-k sums by 1 + 2u); X is computed with upward rounding and its
/// top-k sum needs no scaling. The Vector512 path computes exactly what the scalar path computes.
/// </para>
/// </summary>
internal static class SplitGradientAccumulator
{
    public static void Accumulate<T>(in GradientBlock<T> clean, in GradientBlock<T> features, in GradientBlock<T> labels, in GradientBlock<T> joint,
        bool clamp, T gamma, Span<T> sumLower, Span<T> sumUpper, Span<T> magnitude, SplitAccumulators<T> top, KernelPath path)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var n = sumLower.Length;
        var done = KernelPaths.Resolve(path) == KernelPath.Vector512 && n >= Vector512<T>.Count
            ? Accumulate512(clean, features, labels, joint, clamp, gamma, sumLower, sumUpper, magnitude, top)
            : 0;
        AccumulateScalar(clean, features, labels, joint, clamp, gamma, sumLower, sumUpper, magnitude, top, done);
        foreach (var accumulator in top.All) accumulator.CountRows(1);
    }

    private static int Accumulate512<T>(in GradientBlock<T> clean, in GradientBlock<T> features, in GradientBlock<T> labels, in GradientBlock<T> joint,
        bool clamp, T gamma, Span<T> sumLower, Span<T> sumUpper, Span<T> magnitude, SplitAccumulators<T> top)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var n = sumLower.Length;
        var c = new Block512<T>(clean, clamp, gamma);
        var f = new Block512<T>(features, clamp, gamma);
        var l = new Block512<T>(labels, clamp, gamma);
        var j = new Block512<T>(joint, clamp, gamma);
        ref var sl = ref MemoryMarshal.GetReference(sumLower);
        ref var su = ref MemoryMarshal.GetReference(sumUpper);
        ref var mg = ref MemoryMarshal.GetReference(magnitude);
        var i = 0;
        for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
        {
            var at = (nuint)i;
            c.Load(clean, at, out var wl, out var wu);
            f.Load(features, at, out var fl, out var fu);
            l.Load(labels, at, out var ll, out var lu);
            j.Load(joint, at, out var jl, out var ju);
            (fl, fu) = (Vector512.Min(fl, wl), Vector512.Max(fu, wu));
            (ll, lu) = (Vector512.Min(ll, wl), Vector512.Max(lu, wu));
            jl = Vector512.Min(Vector512.Min(jl, fl), ll);
            ju = Vector512.Max(Vector512.Max(ju, fu), lu);
            (Vector512.LoadUnsafe(ref sl, at) + wl).StoreUnsafe(ref sl, at);
            (Vector512.LoadUnsafe(ref su, at) + wu).StoreUnsafe(ref su, at);
            (Vector512.LoadUnsafe(ref mg, at) + Vector512.Max(Vector512.Abs(jl), Vector512.Abs(ju))).StoreUnsafe(ref mg, at);
            top.JointHigh.InsertAt(i, ju - wu);
            top.JointLow.InsertAt(i, wl - jl);
            top.FeatureHigh.InsertAt(i, fu - wu);
            top.FeatureLow.InsertAt(i, wl - fl);
            top.LabelHigh.InsertAt(i, lu - wu);
            top.LabelLow.InsertAt(i, wl - ll);
            top.ExcessHigh.InsertAt(i, Vector512.Max(Vector512<T>.Zero, AddUp(AddUp(ju, -fu), AddUp(wu, -lu))));
            top.ExcessLow.InsertAt(i, Vector512.Max(Vector512<T>.Zero, AddUp(AddUp(fl, -jl), AddUp(ll, -wl))));
        }
        return i;
    }

    private readonly struct Block512<T> where T : IBinaryFloatingPointIeee754<T>
    {
        private readonly SignedScaleOperator<T> _scale;
        private readonly ClampOperator<T> _clamp;
        private readonly bool _bias, _clamps;

        public Block512(in GradientBlock<T> block, bool clamp, T gamma)
        {
            _scale = new SignedScaleOperator<T>(block.ScaleLower, block.ScaleUpper);
            _clamp = new ClampOperator<T>(-gamma, gamma);
            (_bias, _clamps) = (block.IsBias, clamp);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Load(in GradientBlock<T> block, nuint at, out Vector512<T> lower, out Vector512<T> upper)
        {
            ref var bl = ref MemoryMarshal.GetReference(block.Lower);
            ref var bu = ref MemoryMarshal.GetReference(block.Upper);
            if (_bias) (lower, upper) = (Vector512.LoadUnsafe(ref bl, at), Vector512.LoadUnsafe(ref bu, at));
            else _scale.Apply(Vector512.LoadUnsafe(ref bl, at), Vector512.LoadUnsafe(ref bu, at), out lower, out upper);
            if (_clamps) _clamp.Apply(lower, upper, out lower, out upper);
        }
    }

    private static void AccumulateScalar<T>(in GradientBlock<T> clean, in GradientBlock<T> features, in GradientBlock<T> labels, in GradientBlock<T> joint,
        bool clamp, T gamma, Span<T> sumLower, Span<T> sumUpper, Span<T> magnitude, SplitAccumulators<T> top, int first)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var n = sumLower.Length;
        for (var i = first; i < n; i++)
        {
            var (wl, wu) = Entry(clean, i, clamp, gamma);
            var (fl, fu) = Entry(features, i, clamp, gamma);
            var (ll, lu) = Entry(labels, i, clamp, gamma);
            var (jl, ju) = Entry(joint, i, clamp, gamma);
            (fl, fu) = (T.Min(fl, wl), T.Max(fu, wu));
            (ll, lu) = (T.Min(ll, wl), T.Max(lu, wu));
            jl = T.Min(T.Min(jl, fl), ll);
            ju = T.Max(T.Max(ju, fu), lu);
            sumLower[i] += wl;
            sumUpper[i] += wu;
            magnitude[i] += T.Max(T.Abs(jl), T.Abs(ju));
            top.JointHigh.InsertAt(i, ju - wu);
            top.JointLow.InsertAt(i, wl - jl);
            top.FeatureHigh.InsertAt(i, fu - wu);
            top.FeatureLow.InsertAt(i, wl - fl);
            top.LabelHigh.InsertAt(i, lu - wu);
            top.LabelLow.InsertAt(i, wl - ll);
            top.ExcessHigh.InsertAt(i, T.Max(T.Zero, Numerics.Rounding.AddUp(Numerics.Rounding.AddUp(ju, -fu), Numerics.Rounding.AddUp(wu, -lu))));
            top.ExcessLow.InsertAt(i, T.Max(T.Zero, Numerics.Rounding.AddUp(Numerics.Rounding.AddUp(fl, -jl), Numerics.Rounding.AddUp(ll, -wl))));
        }
    }

    private static (T Lower, T Upper) Entry<T>(in GradientBlock<T> block, int i, bool clamp, T gamma) where T : IBinaryFloatingPointIeee754<T>
    {
        T lower, upper;
        if (block.IsBias) (lower, upper) = (block.Lower[i], block.Upper[i]);
        else new SignedScaleOperator<T>(block.ScaleLower, block.ScaleUpper).Apply(block.Lower[i], block.Upper[i], out lower, out upper);
        if (clamp) new ClampOperator<T>(-gamma, gamma).Apply(lower, upper, out lower, out upper);
        return (lower, upper);
    }
}
