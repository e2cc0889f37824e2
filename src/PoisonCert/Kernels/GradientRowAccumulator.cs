using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static PoisonCert.Kernels.VectorDirectedRounding;

namespace PoisonCert.Kernels;

/// <summary>What a sample contributes to the aggregation of one block of gradient coordinates.</summary>
internal enum SampleRole
{
    /// <summary>Trusted or unattacked: only its clean box is summed.</summary>
    Clean,
    /// <summary>May be poisoned: its poisoned box (hulled with the clean one) feeds the top-k of differences.</summary>
    Poisoned,
    /// <summary>May be replaced by an arbitrary point: its poisoned box is [−γ, γ].</summary>
    Replaced,
    /// <summary>May be removed: its clean endpoints feed the top-k (largest lower, smallest upper endpoints).</summary>
    Removable,
}

/// <summary>
/// One sample's gradient box for a block of coordinates: either a weight-row block s·[h] (s the output-gradient
/// interval of the row, [h] the layer-input boxes, the sign-case product of <see cref="SignedScaleOperator{T}"/>)
/// or a bias block (the output-gradient boxes themselves), then clipped like the program clips: clamped to
/// [−γ, γ], or multiplied by the norm-clipping factor box.
/// </summary>
internal readonly ref struct GradientBlock<T> where T : IBinaryFloatingPointIeee754<T>
{
    public readonly ReadOnlySpan<T> Lower, Upper;
    public readonly T ScaleLower, ScaleUpper, FactorLower, FactorUpper;
    public readonly bool IsBias;

    public GradientBlock(ReadOnlySpan<T> lower, ReadOnlySpan<T> upper, T scaleLower, T scaleUpper, bool isBias, T factorLower, T factorUpper)
    {
        Lower = lower;
        Upper = upper;
        ScaleLower = scaleLower;
        ScaleUpper = scaleUpper;
        IsBias = isBias;
        FactorLower = factorLower;
        FactorUpper = factorUpper;
    }
}

/// <summary>
/// The fused inner loop of the certified aggregation: in ONE pass over a block of coordinates it forms a sample's
/// clean (and poisoned) gradient boxes, clips them, adds the clean box to the running sums, the widest admissible
/// box's magnitude to the running Σ|g|, and the poisoned-minus-clean differences (or the removable endpoints) to
/// the top-k accumulators. The boxes are formed by the operators the separate kernels use (sign-case scale,
/// clamp, interval scale, hull), each enclosing its exact result.
/// <para>
/// The running sums, the magnitude sum and the differences are rounded to NEAREST, not outward: their rounding
/// error is accounted for a priori by the caller (<c>Training.GradientAggregator</c>): a recursive sum of B terms
/// is within γ_(B−1)·Σ|terms| of the exact sum, and a difference d = fl(x − w) ≥ 0 of the hull's upper endpoint
/// and the clean one satisfies x − w ≤ d·(1 + 2u) (standard model, no absolute term: a sum or difference that
/// is subnormal is exact). One IEEE operation per step is also what makes every path (Vector512, Vector256,
/// scalar) give the same bits.
/// </para>
/// </summary>
internal static class GradientRowAccumulator
{
    public enum Clip { None, Clamp, Norm }

    public static void Accumulate<T>(SampleRole role, in GradientBlock<T> clean, in GradientBlock<T> poisoned, Clip clip, T gamma,
        Span<T> sumLower, Span<T> sumUpper, Span<T> magnitude, TopKAccumulator<T>? high, TopKAccumulator<T>? low, int column, KernelPath path)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var n = sumLower.Length;
        var resolved = KernelPaths.Resolve(path);
        var wide = resolved == KernelPath.Vector512 && n >= Vector512<T>.Count;
        var done = wide || resolved is KernelPath.Vector512 or KernelPath.Vector256 && n >= Vector256<T>.Count
            ? role switch
            {
                SampleRole.Clean => ByClip<T, CleanRole>(wide, clean, poisoned, clip, gamma, sumLower, sumUpper, magnitude, high, low, column),
                SampleRole.Poisoned => ByClip<T, PoisonedRole>(wide, clean, poisoned, clip, gamma, sumLower, sumUpper, magnitude, high, low, column),
                SampleRole.Replaced => ByClip<T, ReplacedRole>(wide, clean, poisoned, clip, gamma, sumLower, sumUpper, magnitude, high, low, column),
                _ => ByClip<T, RemovableRole>(wide, clean, poisoned, clip, gamma, sumLower, sumUpper, magnitude, high, low, column),
            }
            : 0;
        AccumulateScalar(role, clean, poisoned, clip, gamma, sumLower, sumUpper, magnitude, high, low, column, done);
        if (role != SampleRole.Clean)
        {
            high!.CountRows(1);
            low!.CountRows(1);
        }
    }

    /// <summary>
    /// Two samples' blocks of the same coordinates, as <see cref="Accumulate{T}"/> on the first and then on the second
    /// (the same bits: per coordinate the same operations in the same sample order, and the top-k slots hold the same
    /// multiset), for two poisoned samples of an unclipped weight row: one loop over the coordinates, and each pair of
    /// differences merged into the top-k slots at once (<see cref="TopKAccumulator{T}.InsertPairAt"/>). Other cases
    /// run the two samples one after the other.
    /// </summary>
    public static void AccumulatePair<T>(SampleRole role, in GradientBlock<T> clean, in GradientBlock<T> poisoned, in GradientBlock<T> nextClean,
        in GradientBlock<T> nextPoisoned, Clip clip, T gamma, Span<T> sumLower, Span<T> sumUpper, Span<T> magnitude, TopKAccumulator<T>? high,
        TopKAccumulator<T>? low, int column, KernelPath path)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var n = sumLower.Length;
        if (role != SampleRole.Poisoned || clip != Clip.None || clean.IsBias || KernelPaths.Resolve(path) != KernelPath.Vector512 || n < Vector512<T>.Count)
        {
            Accumulate(role, clean, poisoned, clip, gamma, sumLower, sumUpper, magnitude, high, low, column, path);
            Accumulate(role, nextClean, nextPoisoned, clip, gamma, sumLower, sumUpper, magnitude, high, low, column, path);
            return;
        }
        var done = AccumulateWeightPair512(clean, poisoned, nextClean, nextPoisoned, sumLower, sumUpper, magnitude, high!, low!, column);
        AccumulateScalar(role, clean, poisoned, clip, gamma, sumLower, sumUpper, magnitude, high, low, column, done);
        AccumulateScalar(role, nextClean, nextPoisoned, clip, gamma, sumLower, sumUpper, magnitude, high, low, column, done);
        high!.CountRows(2);
        low!.CountRows(2);
    }

    // AccumulateWeights512 for the poisoned role on two samples: sample 0's sums first, then sample 1's.
    private static int AccumulateWeightPair512<T>(in GradientBlock<T> clean, in GradientBlock<T> poisoned, in GradientBlock<T> nextClean,
        in GradientBlock<T> nextPoisoned, Span<T> sumLower, Span<T> sumUpper, Span<T> magnitude, TopKAccumulator<T> high, TopKAccumulator<T> low, int column)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var n = sumLower.Length;
        var i = 0;
        var constants = new StepConstants512<T>(T.Zero);
        var (csl, csu) = (Vector512.Create(clean.ScaleLower), Vector512.Create(clean.ScaleUpper));
        var (psl, psu) = (Vector512.Create(poisoned.ScaleLower), Vector512.Create(poisoned.ScaleUpper));
        var (nsl, nsu) = (Vector512.Create(nextClean.ScaleLower), Vector512.Create(nextClean.ScaleUpper));
        var (qsl, qsu) = (Vector512.Create(nextPoisoned.ScaleLower), Vector512.Create(nextPoisoned.ScaleUpper));
        ref var sl = ref MemoryMarshal.GetReference(sumLower);
        ref var su = ref MemoryMarshal.GetReference(sumUpper);
        ref var mg = ref MemoryMarshal.GetReference(magnitude);
        ref var cl = ref MemoryMarshal.GetReference(clean.Lower);
        ref var cu = ref MemoryMarshal.GetReference(clean.Upper);
        ref var pl = ref MemoryMarshal.GetReference(poisoned.Lower);
        ref var pu = ref MemoryMarshal.GetReference(poisoned.Upper);
        ref var ncl = ref MemoryMarshal.GetReference(nextClean.Lower);
        ref var ncu = ref MemoryMarshal.GetReference(nextClean.Upper);
        ref var npl = ref MemoryMarshal.GetReference(nextPoisoned.Lower);
        ref var npu = ref MemoryMarshal.GetReference(nextPoisoned.Upper);
        for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
        {
            var at = (nuint)i;
            constants.Product(csl, csu, Vector512.LoadUnsafe(ref cl, at), Vector512.LoadUnsafe(ref cu, at), out var wl, out var wu);
            constants.Product(psl, psu, Vector512.LoadUnsafe(ref pl, at), Vector512.LoadUnsafe(ref pu, at), out var xl, out var xu);
            xl = Vector512.MinNative(xl, wl);
            xu = Vector512.MaxNative(xu, wu);
            constants.Product(nsl, nsu, Vector512.LoadUnsafe(ref ncl, at), Vector512.LoadUnsafe(ref ncu, at), out var vl, out var vu);
            constants.Product(qsl, qsu, Vector512.LoadUnsafe(ref npl, at), Vector512.LoadUnsafe(ref npu, at), out var yl, out var yu);
            yl = Vector512.MinNative(yl, vl);
            yu = Vector512.MaxNative(yu, vu);
            (Vector512.LoadUnsafe(ref sl, at) + wl + vl).StoreUnsafe(ref sl, at);
            (Vector512.LoadUnsafe(ref su, at) + wu + vu).StoreUnsafe(ref su, at);
            (Vector512.LoadUnsafe(ref mg, at) + Vector512.MaxNative(Vector512.Abs(xl), Vector512.Abs(xu)) + Vector512.MaxNative(Vector512.Abs(yl), Vector512.Abs(yu)))
                .StoreUnsafe(ref mg, at);
            high.InsertPairAt(column + i, xu - wu, yu - vu);
            low.InsertPairAt(column + i, wl - xl, vl - yl);
        }
        return i;
    }

    // The vector loops are specialised by type parameters (role, clipping, bias or weight block), so that each
    // instantiation holds only the operations its case performs: the JIT folds the type tests away before it
    // inlines, and the directed-rounding helpers fit in every loop's inlining budget.
    private struct CleanRole;
    private struct PoisonedRole;
    private struct ReplacedRole;
    private struct RemovableRole;
    private struct NoClip;
    private struct ClampClip;
    private struct NormClip;
    private struct BiasBlock;
    private struct WeightBlock;

    private static int ByClip<T, TRole>(bool wide, in GradientBlock<T> clean, in GradientBlock<T> poisoned, Clip clip, T gamma,
        Span<T> sumLower, Span<T> sumUpper, Span<T> magnitude, TopKAccumulator<T>? high, TopKAccumulator<T>? low, int column)
        where T : IBinaryFloatingPointIeee754<T> => clip switch
    {
        Clip.None => ByBlock<T, TRole, NoClip>(wide, clean, poisoned, gamma, sumLower, sumUpper, magnitude, high, low, column),
        Clip.Clamp => ByBlock<T, TRole, ClampClip>(wide, clean, poisoned, gamma, sumLower, sumUpper, magnitude, high, low, column),
        _ => ByBlock<T, TRole, NormClip>(wide, clean, poisoned, gamma, sumLower, sumUpper, magnitude, high, low, column),
    };

    private static int ByBlock<T, TRole, TClip>(bool wide, in GradientBlock<T> clean, in GradientBlock<T> poisoned, T gamma,
        Span<T> sumLower, Span<T> sumUpper, Span<T> magnitude, TopKAccumulator<T>? high, TopKAccumulator<T>? low, int column)
        where T : IBinaryFloatingPointIeee754<T>
    {
        // The poisoned block has the clean block's kind (both are the same coordinates of the same layer).
        if (clean.IsBias)
            return wide
                ? Accumulate512<T, TRole, TClip, BiasBlock>(clean, poisoned, gamma, sumLower, sumUpper, magnitude, high, low, column)
                : Accumulate256<T, TRole, TClip, BiasBlock>(clean, poisoned, gamma, sumLower, sumUpper, magnitude, high, low, column);
        if (wide && typeof(TClip) == typeof(NoClip))
            return AccumulateWeights512<T, TRole>(clean, poisoned, gamma, sumLower, sumUpper, magnitude, high, low, column);
        return wide
            ? Accumulate512<T, TRole, TClip, WeightBlock>(clean, poisoned, gamma, sumLower, sumUpper, magnitude, high, low, column)
            : Accumulate256<T, TRole, TClip, WeightBlock>(clean, poisoned, gamma, sumLower, sumUpper, magnitude, high, low, column);
    }

    // Returns the first coordinate left to the scalar loop.
    private static int Accumulate512<T, TRole, TClip, TBlock>(in GradientBlock<T> clean, in GradientBlock<T> poisoned, T gamma,
        Span<T> sumLower, Span<T> sumUpper, Span<T> magnitude, TopKAccumulator<T>? high, TopKAccumulator<T>? low, int column)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var n = sumLower.Length;
        var i = 0;
        var cleanScale = new SignedScaleOperator<T>(clean.ScaleLower, clean.ScaleUpper);
        var poisonedScale = new SignedScaleOperator<T>(poisoned.ScaleLower, poisoned.ScaleUpper);
        var clamp = new ClampOperator<T>(-gamma, gamma);
        var cleanFactor = new IntervalScaleByIntervalOperator<T>(clean.FactorLower, clean.FactorUpper);
        var poisonedFactor = new IntervalScaleByIntervalOperator<T>(poisoned.FactorLower, poisoned.FactorUpper);
        ref var sl = ref MemoryMarshal.GetReference(sumLower);
        ref var su = ref MemoryMarshal.GetReference(sumUpper);
        ref var mg = ref MemoryMarshal.GetReference(magnitude);
        ref var cl = ref MemoryMarshal.GetReference(clean.Lower);
        ref var cu = ref MemoryMarshal.GetReference(clean.Upper);
        ref var pl = ref MemoryMarshal.GetReference(poisoned.Lower);
        ref var pu = ref MemoryMarshal.GetReference(poisoned.Upper);
        var replacedLower = Vector512.Create(-gamma);
        var replacedUpper = Vector512.Create(gamma);
        for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
        {
            var at = (nuint)i;
            Vector512<T> wl, wu;
            if (typeof(TBlock) == typeof(BiasBlock)) (wl, wu) = (Vector512.LoadUnsafe(ref cl, at), Vector512.LoadUnsafe(ref cu, at));
            else cleanScale.Apply(Vector512.LoadUnsafe(ref cl, at), Vector512.LoadUnsafe(ref cu, at), out wl, out wu);
            if (typeof(TClip) == typeof(ClampClip)) clamp.Apply(wl, wu, out wl, out wu);
            else if (typeof(TClip) == typeof(NormClip)) cleanFactor.Apply(wl, wu, out wl, out wu);
            (Vector512.LoadUnsafe(ref sl, at) + wl).StoreUnsafe(ref sl, at);
            (Vector512.LoadUnsafe(ref su, at) + wu).StoreUnsafe(ref su, at);
            Vector512<T> xl = wl, xu = wu;
            if (typeof(TRole) == typeof(ReplacedRole))
            {
                xl = Vector512.Min(replacedLower, wl);
                xu = Vector512.Max(replacedUpper, wu);
            }
            else if (typeof(TRole) == typeof(PoisonedRole))
            {
                if (typeof(TBlock) == typeof(BiasBlock)) (xl, xu) = (Vector512.LoadUnsafe(ref pl, at), Vector512.LoadUnsafe(ref pu, at));
                else poisonedScale.Apply(Vector512.LoadUnsafe(ref pl, at), Vector512.LoadUnsafe(ref pu, at), out xl, out xu);
                if (typeof(TClip) == typeof(ClampClip)) clamp.Apply(xl, xu, out xl, out xu);
                else if (typeof(TClip) == typeof(NormClip)) poisonedFactor.Apply(xl, xu, out xl, out xu);
                xl = Vector512.Min(xl, wl);
                xu = Vector512.Max(xu, wu);
            }
            (Vector512.LoadUnsafe(ref mg, at) + Vector512.Max(Vector512.Abs(xl), Vector512.Abs(xu))).StoreUnsafe(ref mg, at);
            if (typeof(TRole) == typeof(PoisonedRole) || typeof(TRole) == typeof(ReplacedRole))
            {
                high!.InsertAt(column + i, xu - wu);
                low!.InsertAt(column + i, wl - xl);
            }
            else if (typeof(TRole) == typeof(RemovableRole))
            {
                high!.InsertAt(column + i, wl);
                low!.InsertAt(column + i, -wu);
            }
        }
        return i;
    }

    /// <summary>
    /// The Vector512 loop for an unclipped weight-row block: per lane exactly the IEEE operations of
    /// <see cref="Accumulate512{T, TRole, TClip, TBlock}"/> with <see cref="SignedScaleOperator{T}"/>, so the same bits,
    /// written out on locals (the operator form made the JIT keep its vectors on the stack and test the scale's sign
    /// in every iteration). Two identities make it branch-free:
    /// <list type="bullet">
    /// <item>for any scale interval S, min over s ∈ S of s·x is (x ≥ 0 ? sₗ : sᵤ)·x, so the lower corner of S·[xₗ, xᵤ] is
    /// the smaller of the two selected products, whatever the sign of S; rounding to nearest is monotone, so the
    /// smaller rounded product is the rounding of the exact lower corner (likewise the upper corner), and the
    /// monotone relative step of the sign-case operator applies to it (<see cref="Numerics.Rounding.StepDownProduct{T}"/>);</item>
    /// <item>MinNative/MaxNative (one instruction; they differ from Min/Max only for NaN and for −0 against +0) give the
    /// same values here: the inputs are finite (the aggregator checks every box it streams), so no product is NaN,
    /// the stepped endpoints are never −0, and a zero corner's sign is erased by the step; a difference ∞ − ∞ can be
    /// NaN only where an endpoint is infinite, which makes that coordinate's sum, hence the step's bounds, infinite
    /// (the trainer stops there).</item>
    /// </list>
    /// </summary>
    private static int AccumulateWeights512<T, TRole>(in GradientBlock<T> clean, in GradientBlock<T> poisoned, T gamma,
        Span<T> sumLower, Span<T> sumUpper, Span<T> magnitude, TopKAccumulator<T>? high, TopKAccumulator<T>? low, int column)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var n = sumLower.Length;
        var i = 0;
        var constants = new StepConstants512<T>(gamma);
        var (csl, csu) = (Vector512.Create(clean.ScaleLower), Vector512.Create(clean.ScaleUpper));
        var (psl, psu) = (Vector512.Create(poisoned.ScaleLower), Vector512.Create(poisoned.ScaleUpper));
        ref var sl = ref MemoryMarshal.GetReference(sumLower);
        ref var su = ref MemoryMarshal.GetReference(sumUpper);
        ref var mg = ref MemoryMarshal.GetReference(magnitude);
        ref var cl = ref MemoryMarshal.GetReference(clean.Lower);
        ref var cu = ref MemoryMarshal.GetReference(clean.Upper);
        ref var pl = ref MemoryMarshal.GetReference(poisoned.Lower);
        ref var pu = ref MemoryMarshal.GetReference(poisoned.Upper);
        for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
        {
            var at = (nuint)i;
            constants.Product(csl, csu, Vector512.LoadUnsafe(ref cl, at), Vector512.LoadUnsafe(ref cu, at), out var wl, out var wu);
            (Vector512.LoadUnsafe(ref sl, at) + wl).StoreUnsafe(ref sl, at);
            (Vector512.LoadUnsafe(ref su, at) + wu).StoreUnsafe(ref su, at);
            Vector512<T> xl = wl, xu = wu;
            if (typeof(TRole) == typeof(ReplacedRole))
            {
                xl = Vector512.MinNative(constants.ReplacedLower, wl);
                xu = Vector512.MaxNative(constants.ReplacedUpper, wu);
            }
            else if (typeof(TRole) == typeof(PoisonedRole))
            {
                constants.Product(psl, psu, Vector512.LoadUnsafe(ref pl, at), Vector512.LoadUnsafe(ref pu, at), out xl, out xu);
                xl = Vector512.MinNative(xl, wl);
                xu = Vector512.MaxNative(xu, wu);
            }
            (Vector512.LoadUnsafe(ref mg, at) + Vector512.MaxNative(Vector512.Abs(xl), Vector512.Abs(xu))).StoreUnsafe(ref mg, at);
            if (typeof(TRole) == typeof(PoisonedRole) || typeof(TRole) == typeof(ReplacedRole))
            {
                high!.InsertAt(column + i, xu - wu);
                low!.InsertAt(column + i, wl - xl);
            }
            else if (typeof(TRole) == typeof(RemovableRole))
            {
                high!.InsertAt(column + i, wl);
                low!.InsertAt(column + i, -wu);
            }
        }
        return i;
    }

    // Constants of the relative step, hoisted into locals (a static readonly of a generic class is not a constant to
    // a method compiled before the class is initialised).
    private readonly struct StepConstants512<T> where T : IBinaryFloatingPointIeee754<T>
    {
        private readonly Vector512<T> _step, _eta, _max, _infinity;
        public readonly Vector512<T> ReplacedLower, ReplacedUpper;

        public StepConstants512(T gamma)
        {
            _step = Vector512.Create(T.CreateTruncating(4) * Numerics.ErrorBounds.UnitRoundoff<T>());
            _eta = Vector512.Create(T.Epsilon);
            _max = Vector512.Create(T.BitDecrement(T.PositiveInfinity));
            _infinity = Vector512.Create(T.PositiveInfinity);
            ReplacedLower = Vector512.Create(-gamma);
            ReplacedUpper = Vector512.Create(gamma);
        }

        // [lower, upper] ⊇ [sₗ, sᵤ]·[xₗ, xᵤ]: the sign-case product of SignedScaleOperator, lane for lane the same bits.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Product(Vector512<T> scaleLower, Vector512<T> scaleUpper, Vector512<T> xLower, Vector512<T> xUpper,
            out Vector512<T> lower, out Vector512<T> upper)
        {
            var lowerNonNegative = Vector512.GreaterThanOrEqual(xLower, Vector512<T>.Zero);
            var upperNonNegative = Vector512.GreaterThanOrEqual(xUpper, Vector512<T>.Zero);
            var low = Vector512.MinNative(Vector512.ConditionalSelect(lowerNonNegative, scaleLower, scaleUpper) * xLower,
                Vector512.ConditionalSelect(upperNonNegative, scaleLower, scaleUpper) * xUpper);
            var high = Vector512.MaxNative(Vector512.ConditionalSelect(lowerNonNegative, scaleUpper, scaleLower) * xLower,
                Vector512.ConditionalSelect(upperNonNegative, scaleUpper, scaleLower) * xUpper);
            // Rounding.StepDownProduct / StepUpProduct: fl(p ∓ 4u|p|) ∓ η; an overflowed product steps to ±MaxValue.
            lower = Vector512.ConditionalSelect(Vector512.Equals(low, _infinity), _max, Fma(Vector512.Abs(low), -_step, low) - _eta);
            upper = Vector512.ConditionalSelect(Vector512.Equals(high, -_infinity), -_max, Fma(Vector512.Abs(high), _step, high) + _eta);
        }
    }

    private static int Accumulate256<T, TRole, TClip, TBlock>(in GradientBlock<T> clean, in GradientBlock<T> poisoned, T gamma,
        Span<T> sumLower, Span<T> sumUpper, Span<T> magnitude, TopKAccumulator<T>? high, TopKAccumulator<T>? low, int column)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var n = sumLower.Length;
        var i = 0;
        var cleanScale = new SignedScaleOperator<T>(clean.ScaleLower, clean.ScaleUpper);
        var poisonedScale = new SignedScaleOperator<T>(poisoned.ScaleLower, poisoned.ScaleUpper);
        var clamp = new ClampOperator<T>(-gamma, gamma);
        var cleanFactor = new IntervalScaleByIntervalOperator<T>(clean.FactorLower, clean.FactorUpper);
        var poisonedFactor = new IntervalScaleByIntervalOperator<T>(poisoned.FactorLower, poisoned.FactorUpper);
        ref var sl = ref MemoryMarshal.GetReference(sumLower);
        ref var su = ref MemoryMarshal.GetReference(sumUpper);
        ref var mg = ref MemoryMarshal.GetReference(magnitude);
        ref var cl = ref MemoryMarshal.GetReference(clean.Lower);
        ref var cu = ref MemoryMarshal.GetReference(clean.Upper);
        ref var pl = ref MemoryMarshal.GetReference(poisoned.Lower);
        ref var pu = ref MemoryMarshal.GetReference(poisoned.Upper);
        var replacedLower = Vector256.Create(-gamma);
        var replacedUpper = Vector256.Create(gamma);
        for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
        {
            var at = (nuint)i;
            Vector256<T> wl, wu;
            if (typeof(TBlock) == typeof(BiasBlock)) (wl, wu) = (Vector256.LoadUnsafe(ref cl, at), Vector256.LoadUnsafe(ref cu, at));
            else cleanScale.Apply(Vector256.LoadUnsafe(ref cl, at), Vector256.LoadUnsafe(ref cu, at), out wl, out wu);
            if (typeof(TClip) == typeof(ClampClip)) clamp.Apply(wl, wu, out wl, out wu);
            else if (typeof(TClip) == typeof(NormClip)) cleanFactor.Apply(wl, wu, out wl, out wu);
            (Vector256.LoadUnsafe(ref sl, at) + wl).StoreUnsafe(ref sl, at);
            (Vector256.LoadUnsafe(ref su, at) + wu).StoreUnsafe(ref su, at);
            Vector256<T> xl = wl, xu = wu;
            if (typeof(TRole) == typeof(ReplacedRole))
            {
                xl = Vector256.Min(replacedLower, wl);
                xu = Vector256.Max(replacedUpper, wu);
            }
            else if (typeof(TRole) == typeof(PoisonedRole))
            {
                if (typeof(TBlock) == typeof(BiasBlock)) (xl, xu) = (Vector256.LoadUnsafe(ref pl, at), Vector256.LoadUnsafe(ref pu, at));
                else poisonedScale.Apply(Vector256.LoadUnsafe(ref pl, at), Vector256.LoadUnsafe(ref pu, at), out xl, out xu);
                if (typeof(TClip) == typeof(ClampClip)) clamp.Apply(xl, xu, out xl, out xu);
                else if (typeof(TClip) == typeof(NormClip)) poisonedFactor.Apply(xl, xu, out xl, out xu);
                xl = Vector256.Min(xl, wl);
                xu = Vector256.Max(xu, wu);
            }
            (Vector256.LoadUnsafe(ref mg, at) + Vector256.Max(Vector256.Abs(xl), Vector256.Abs(xu))).StoreUnsafe(ref mg, at);
            if (typeof(TRole) == typeof(PoisonedRole) || typeof(TRole) == typeof(ReplacedRole))
            {
                high!.InsertAt(column + i, xu - wu);
                low!.InsertAt(column + i, wl - xl);
            }
            else if (typeof(TRole) == typeof(RemovableRole))
            {
                high!.InsertAt(column + i, wl);
                low!.InsertAt(column + i, -wu);
            }
        }
        return i;
    }

    private static void AccumulateScalar<T>(SampleRole role, in GradientBlock<T> clean, in GradientBlock<T> poisoned, Clip clip, T gamma,
        Span<T> sumLower, Span<T> sumUpper, Span<T> magnitude, TopKAccumulator<T>? high, TopKAccumulator<T>? low, int column, int first)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var n = sumLower.Length;
        var cleanScale = new SignedScaleOperator<T>(clean.ScaleLower, clean.ScaleUpper);
        var poisonedScale = new SignedScaleOperator<T>(poisoned.ScaleLower, poisoned.ScaleUpper);
        var clamp = new ClampOperator<T>(-gamma, gamma);
        var cleanFactor = new IntervalScaleByIntervalOperator<T>(clean.FactorLower, clean.FactorUpper);
        var poisonedFactor = new IntervalScaleByIntervalOperator<T>(poisoned.FactorLower, poisoned.FactorUpper);
        var i = first;
        for (; i < n; i++)
        {
            T wl, wu;
            if (clean.IsBias) (wl, wu) = (clean.Lower[i], clean.Upper[i]);
            else cleanScale.Apply(clean.Lower[i], clean.Upper[i], out wl, out wu);
            if (clip == Clip.Clamp) clamp.Apply(wl, wu, out wl, out wu);
            else if (clip == Clip.Norm) cleanFactor.Apply(wl, wu, out wl, out wu);
            sumLower[i] += wl;
            sumUpper[i] += wu;
            T xl = wl, xu = wu;
            if (role is SampleRole.Poisoned or SampleRole.Replaced)
            {
                if (role == SampleRole.Replaced) (xl, xu) = (-gamma, gamma);
                else
                {
                    if (poisoned.IsBias) (xl, xu) = (poisoned.Lower[i], poisoned.Upper[i]);
                    else poisonedScale.Apply(poisoned.Lower[i], poisoned.Upper[i], out xl, out xu);
                    if (clip == Clip.Clamp) clamp.Apply(xl, xu, out xl, out xu);
                    else if (clip == Clip.Norm) poisonedFactor.Apply(xl, xu, out xl, out xu);
                }
                xl = T.Min(xl, wl);
                xu = T.Max(xu, wu);
            }
            magnitude[i] += T.Max(T.Abs(xl), T.Abs(xu));
            if (role is SampleRole.Poisoned or SampleRole.Replaced)
            {
                high!.InsertAt(column + i, xu - wu);
                low!.InsertAt(column + i, wl - xl);
            }
            else if (role == SampleRole.Removable)
            {
                high!.InsertAt(column + i, wl);
                low!.InsertAt(column + i, -wu);
            }
        }
    }
}
