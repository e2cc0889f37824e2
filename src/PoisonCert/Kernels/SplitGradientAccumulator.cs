using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PoisonCert.Kernels;

/// <summary>
/// The accumulators of the unpaired aggregation for one block of coordinates: the joint rule's top-(n + m) of the
/// joint differences and the exact selection's tables (<see cref="UnpairedSelection{T}"/>), upper and lower side.
/// </summary>
internal sealed class SplitAccumulators<T>(int width, int features, int labels) where T : IBinaryFloatingPointIeee754<T>
{
    // Upper side keeps the largest upper differences, lower side the largest lower differences (stored as the
    // smallest of their negatives, the convention of the joint rule's Low accumulator).
    public TopKAccumulator<T> JointHigh { get; } = new(width, features + labels);
    public TopKAccumulator<T> JointLow { get; } = new(width, features + labels, smallest: true);
    public UnpairedSelection<T> SelectionHigh { get; } = new(width, features, labels);
    public UnpairedSelection<T> SelectionLow { get; } = new(width, features, labels);

    public void Reset()
    {
        JointHigh.Reset();
        JointLow.Reset();
        SelectionHigh.Reset();
        SelectionLow.Reset();
    }
}

/// <summary>
/// The fused inner loop of the unpaired aggregation (features of at most n samples and labels of at most m
/// samples poisoned, the two sets unrelated): for one untrusted sample and a block of coordinates it forms the
/// clean box w and three poisoned boxes, feature-only F, label-only L and joint J, each clipped like the program
/// clips and hulled with w (J also with F and L, so that J contains every admissible gradient of the sample). Per
/// coordinate it adds w to the running sums and J's magnitude to the running Σ|g|, feeds the joint rule's top-(n + m)
/// accumulators with dJ = Ju − wu (and the mirrored lower difference), and the exact selection's tables with the
/// upper differences (dF, dL, dJ) = (Fu − wu, Lu − wu, Ju − wu) and the lower ones (wl − Fl, wl − Ll, wl − Jl)
/// (<see cref="UnpairedSelection{T}"/>; AggregationLemmas.ExactUnpairedAggregation_*). The caller takes the
/// smaller of the two worst cases, so the result is never looser than the joint rule.
/// <para>
/// Rounding: the sums and the differences are rounded to nearest, like <see cref="GradientRowAccumulator"/>'s (the
/// caller adds the a priori term, scales the top-k sums by 1 + 2u and the selection by its
/// <see cref="UnpairedSelection{T}.Factor"/>). The Vector512 path computes exactly what the scalar path computes.
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
        top.JointHigh.CountRows(1);
        top.JointLow.CountRows(1);
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
            var (jointHigh, jointLow) = (ju - wu, wl - jl);
            top.JointHigh.InsertAt(i, jointHigh);
            top.JointLow.InsertAt(i, jointLow);
            top.SelectionHigh.InsertAt(i, fu - wu, lu - wu, jointHigh);
            top.SelectionLow.InsertAt(i, wl - fl, wl - ll, jointLow);
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
            var (jointHigh, jointLow) = (ju - wu, wl - jl);
            top.JointHigh.InsertAt(i, jointHigh);
            top.JointLow.InsertAt(i, jointLow);
            top.SelectionHigh.InsertAt(i, fu - wu, lu - wu, jointHigh);
            top.SelectionLow.InsertAt(i, wl - fl, wl - ll, jointLow);
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
