using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PoisonCert.Kernels;

/// <summary>
/// The accumulators of the unpaired aggregation for one block of coordinates: the joint rule's top-(n + m) of the
/// joint differences and the exact selection's tables (<see cref="UnpairedSelection{T}"/>), upper and lower side.
/// <para>
/// Two ways to fill the tables, with the same exact worst case (the table's rounding may differ in the last bits):
/// streamed, every untrusted sample updates them (cost per sample: the table's (n + 1)(m + 1) − 1 entries); or from
/// candidates, when the table is large and the batch much larger than 3(n + m): a first pass keeps the top n + m
/// of each of dF, dL and dJ per coordinate, a second pass collects, in sample order, the samples in any of the
/// three (ties at the (n + m)-th value broken by sample order; samples with dJ = 0, which add nothing, left out),
/// at most 3(n + m) per coordinate, and only they update the tables. That is exact: an optimal choice (A, B, C)
/// can be taken with A among the top n + m by dF, B by dL and C by dJ, because a used sample outside its kind's
/// top n + m is outranked by n + m samples, at least one of them unused (at most n + m samples are used), and
/// swapping it for that one keeps the budgets and does not lower the sum (a finite number of swaps, each lowering
/// the sum of ranks).
/// </para>
/// </summary>
internal sealed class SplitAccumulators<T> where T : IBinaryFloatingPointIeee754<T>
{
    /// <summary>Table entries per coordinate from which the candidate passes are used (when the batch is large enough).</summary>
    internal const int CandidateEntries = 8;

    private readonly int _width, _budget;
    private UnpairedCandidates<T>? _candidatesHigh, _candidatesLow;
    // The candidate passes' rank accumulators of dF and dL: feature high, feature low, label high, label low.
    private TopKAccumulator<T>[]? _ranks;

    public SplitAccumulators(int width, int features, int labels)
    {
        (_width, _budget) = (width, features + labels);
        JointHigh = new(width, _budget);
        JointLow = new(width, _budget, smallest: true);
        SelectionHigh = new(width, features, labels);
        SelectionLow = new(width, features, labels);
    }

    // Upper side keeps the largest upper differences, lower side the largest lower differences (stored as the
    // smallest of their negatives, the convention of the joint rule's Low accumulator).
    public TopKAccumulator<T> JointHigh { get; }
    public TopKAccumulator<T> JointLow { get; }
    public UnpairedSelection<T> SelectionHigh { get; }
    public UnpairedSelection<T> SelectionLow { get; }

    /// <summary>Whether this pass fills the tables from candidates (see <see cref="Reset"/>).</summary>
    public bool FromCandidates { get; private set; }

    // The candidate passes' rank accumulators (top n + m of dF and dL, both sides; the joint ones are JointHigh and
    // JointLow, whose stored values are the differences too) and candidate lists.
    internal TopKAccumulator<T> FeatureHigh => _ranks![0];
    internal TopKAccumulator<T> FeatureLow => _ranks![1];
    internal TopKAccumulator<T> LabelHigh => _ranks![2];
    internal TopKAccumulator<T> LabelLow => _ranks![3];
    internal UnpairedCandidates<T> CandidatesHigh => _candidatesHigh!;
    internal UnpairedCandidates<T> CandidatesLow => _candidatesLow!;

    // The second pass's lanes of six difference vectors (upper and lower dF, dL, dJ).
    internal T[] Lanes { get; } = new T[6 * Vector512<T>.Count];

    /// <summary>
    /// Forgets every sample and chooses how the next batch fills the tables: from candidates when a table has at
    /// least <see cref="CandidateEntries"/> entries and <paramref name="untrusted"/> exceeds 3(n + m), else streamed
    /// (<paramref name="fromCandidates"/> overrides the choice, for tests).
    /// </summary>
    public void Reset(int untrusted, bool? fromCandidates = null)
    {
        JointHigh.Reset();
        JointLow.Reset();
        SelectionHigh.Reset();
        SelectionLow.Reset();
        FromCandidates = fromCandidates ?? (SelectionHigh.Entries >= CandidateEntries && untrusted > 3 * _budget);
        if (!FromCandidates) return;
        if (_ranks is null)
        {
            _ranks = [.. Enumerable.Range(0, 4).Select(_ => new TopKAccumulator<T>(_width, _budget))];
            (_candidatesHigh, _candidatesLow) = (new(_width, 3 * _budget), new(_width, 3 * _budget));
        }
        foreach (var rank in _ranks) rank.Reset();
    }

    /// <summary>Counts <paramref name="rows"/> samples fed to the first pass's top-k accumulators by their insertion hooks.</summary>
    public void CountRows(int rows)
    {
        JointHigh.CountRows(rows);
        JointLow.CountRows(rows);
        if (!FromCandidates) return;
        foreach (var rank in _ranks!) rank.CountRows(rows);
    }

    /// <summary>After the first pass: the thresholds of the second (candidate passes only).</summary>
    public void BeginCandidates()
    {
        CandidatesHigh.Begin(FeatureHigh, LabelHigh, JointHigh);
        CandidatesLow.Begin(FeatureLow, LabelLow, JointLow);
    }

    /// <summary>After the second pass: the tables from the candidates (candidate passes only).</summary>
    public void EndCandidates(KernelPath path)
    {
        CandidatesHigh.Select(SelectionHigh, path);
        CandidatesLow.Select(SelectionLow, path);
    }
}

/// <summary>
/// One side's candidate lists of the unpaired selection: per coordinate, the samples of the second pass that rank
/// in the top n + m of dF, dL or dJ (ties at the threshold taken in sample order up to the number the first pass
/// kept), in sample order, with their three differences; stored slot-major (slot·width + coordinate), unused slots
/// zero.
/// </summary>
internal sealed class UnpairedCandidates<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly int _width, _capacity;
    private readonly T[] _features, _labels, _joint;
    private readonly T[] _threshold; // [key·width + c], keys F, L, J
    private readonly int[] _ties;
    private readonly int[] _count;
    private int _usedSlots;

    public UnpairedCandidates(int width, int capacity)
    {
        (_width, _capacity) = (width, capacity);
        (_features, _labels, _joint) = (new T[width * capacity], new T[width * capacity], new T[width * capacity]);
        _threshold = new T[3 * width];
        _ties = new int[3 * width];
        _count = new int[width];
    }

    public void Begin(TopKAccumulator<T> features, TopKAccumulator<T> labels, TopKAccumulator<T> joint)
    {
        var used = _usedSlots * _width;
        Array.Clear(_features, 0, used);
        Array.Clear(_labels, 0, used);
        Array.Clear(_joint, 0, used);
        Array.Clear(_count);
        _usedSlots = 0;
        features.Thresholds(_threshold.AsSpan(0, _width), _ties.AsSpan(0, _width));
        labels.Thresholds(_threshold.AsSpan(_width, _width), _ties.AsSpan(_width, _width));
        joint.Thresholds(_threshold.AsSpan(2 * _width, _width), _ties.AsSpan(2 * _width, _width));
    }

    /// <summary>Lanes of the vector at <paramref name="coordinate"/> that may be candidates (a prefilter of <see cref="Offer"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong MayAdmit(int coordinate, Vector512<T> features, Vector512<T> labels, Vector512<T> joint)
    {
        ref var threshold = ref MemoryMarshal.GetArrayDataReference(_threshold);
        var tf = Vector512.LoadUnsafe(ref threshold, (nuint)coordinate);
        var tl = Vector512.LoadUnsafe(ref threshold, (nuint)(_width + coordinate));
        var tj = Vector512.LoadUnsafe(ref threshold, (nuint)(2 * _width + coordinate));
        var ranked = Vector512.GreaterThanOrEqual(features, tf) | Vector512.GreaterThanOrEqual(labels, tl) | Vector512.GreaterThanOrEqual(joint, tj);
        return (ranked & Vector512.GreaterThan(joint, Vector512<T>.Zero)).ExtractMostSignificantBits();
    }

    /// <summary>
    /// Offers one sample's differences at one coordinate: it becomes a candidate if it ranks in the top n + m of any
    /// of the three (above the threshold, or equal to a positive threshold while that key's ties last — each tie
    /// consumed whether or not the sample is taken) and dJ &gt; 0.
    /// </summary>
    public void Offer(int coordinate, T features, T labels, T joint)
    {
        var admitted = Ranks(0, coordinate, features) | Ranks(1, coordinate, labels) | Ranks(2, coordinate, joint);
        if (!admitted || !(joint > T.Zero)) return;
        var slot = _count[coordinate]++;
        if (slot >= _capacity) throw new InvalidOperationException($"Unpaired selection: more than {_capacity} candidates at coordinate {coordinate}.");
        var at = slot * _width + coordinate;
        (_features[at], _labels[at], _joint[at]) = (features, labels, joint);
        _usedSlots = Math.Max(_usedSlots, slot + 1);
    }

    private bool Ranks(int key, int coordinate, T value)
    {
        var tau = _threshold[key * _width + coordinate];
        if (value > tau) return true;
        if (value != tau || !(tau > T.Zero)) return false;
        ref var ties = ref _ties[key * _width + coordinate];
        if (ties == 0) return false;
        ties--;
        return true;
    }

    /// <summary>Feeds the candidates, slot by slot (sample order), to <paramref name="selection"/>.</summary>
    public void Select(UnpairedSelection<T> selection, KernelPath path)
    {
        var first = 0;
        if (KernelPaths.Resolve(path) == KernelPath.Vector512)
        {
            ref var f = ref MemoryMarshal.GetArrayDataReference(_features);
            ref var l = ref MemoryMarshal.GetArrayDataReference(_labels);
            ref var j = ref MemoryMarshal.GetArrayDataReference(_joint);
            for (; first <= _width - Vector512<T>.Count; first += Vector512<T>.Count)
            {
                var slots = 0;
                for (var c = first; c < first + Vector512<T>.Count; c++) slots = Math.Max(slots, _count[c]);
                // A lane with fewer candidates reads zero slots: adding 0 to an entry never exceeds the entry it
                // would replace (the table is monotone in both budgets), so they change nothing.
                for (var slot = 0; slot < slots; slot++)
                {
                    var at = (nuint)(slot * _width + first);
                    selection.InsertAt(first, Vector512.LoadUnsafe(ref f, at), Vector512.LoadUnsafe(ref l, at), Vector512.LoadUnsafe(ref j, at));
                }
            }
        }
        for (var c = first; c < _width; c++)
            for (var slot = 0; slot < _count[c]; slot++)
            {
                var at = slot * _width + c;
                selection.InsertAt(c, _features[at], _labels[at], _joint[at]);
            }
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
/// (<see cref="UnpairedSelection{T}"/>; AggregationLemmas.ExactUnpairedAggregation_*) — or, in the candidate passes
/// (<see cref="SplitAccumulators{T}"/>), the rank accumulators of dF and dL, and in <see cref="Gather"/> the
/// candidate lists, recomputing the same differences bit for bit. The caller takes the smaller of the joint and
/// the selected worst case, so the result is never looser than the joint rule.
/// <para>
/// Rounding: the sums and the differences are rounded to nearest, like <see cref="GradientRowAccumulator"/>'s (the
/// caller adds the a priori term, scales the top-k sums by 1 + 2u and the selection by its
/// <see cref="UnpairedSelection{T}.Factor"/>). The Vector512 path computes exactly what the scalar path computes.
/// </para>
/// </summary>
internal static class SplitGradientAccumulator
{
    /// <summary>
    /// The first (or only) pass over one untrusted sample: sums, magnitude, the joint top-k, and either the
    /// selection tables (streamed) or the rank accumulators of dF and dL (candidate passes).
    /// </summary>
    public static void Accumulate<T>(in GradientBlock<T> clean, in GradientBlock<T> features, in GradientBlock<T> labels, in GradientBlock<T> joint,
        bool clamp, T gamma, Span<T> sumLower, Span<T> sumUpper, Span<T> magnitude, SplitAccumulators<T> top, KernelPath path)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var n = sumLower.Length;
        var done = KernelPaths.Resolve(path) == KernelPath.Vector512 && n >= Vector512<T>.Count
            ? Accumulate512(new Boxes512<T>(clean, features, labels, joint, clamp, gamma), sumLower, sumUpper, magnitude, top)
            : 0;
        AccumulateScalar(clean, features, labels, joint, clamp, gamma, sumLower, sumUpper, magnitude, top, done);
        top.CountRows(1);
    }

    /// <summary>
    /// Two untrusted samples' first pass, as <see cref="Accumulate{T}"/> on the first and then on the second (the same
    /// bits: per coordinate the same operations in sample order, the same top-k multisets): in the candidate passes on
    /// the Vector512 path one loop over the coordinates, each pair of differences merged into the six top-k
    /// accumulators at once (<see cref="TopKAccumulator{T}.InsertPairAt"/>); otherwise one sample after the other.
    /// </summary>
    public static void AccumulatePair<T>(in GradientBlock<T> clean, in GradientBlock<T> features, in GradientBlock<T> labels, in GradientBlock<T> joint,
        in GradientBlock<T> nextClean, in GradientBlock<T> nextFeatures, in GradientBlock<T> nextLabels, in GradientBlock<T> nextJoint,
        bool clamp, T gamma, Span<T> sumLower, Span<T> sumUpper, Span<T> magnitude, SplitAccumulators<T> top, KernelPath path)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var n = sumLower.Length;
        if (!top.FromCandidates || KernelPaths.Resolve(path) != KernelPath.Vector512 || n < Vector512<T>.Count)
        {
            Accumulate(clean, features, labels, joint, clamp, gamma, sumLower, sumUpper, magnitude, top, path);
            Accumulate(nextClean, nextFeatures, nextLabels, nextJoint, clamp, gamma, sumLower, sumUpper, magnitude, top, path);
            return;
        }
        var first = new Boxes512<T>(clean, features, labels, joint, clamp, gamma);
        var second = new Boxes512<T>(nextClean, nextFeatures, nextLabels, nextJoint, clamp, gamma);
        ref var sl = ref MemoryMarshal.GetReference(sumLower);
        ref var su = ref MemoryMarshal.GetReference(sumUpper);
        ref var mg = ref MemoryMarshal.GetReference(magnitude);
        var i = 0;
        for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
        {
            var at = (nuint)i;
            first.Load(at, out var wl, out var wu, out var fl, out var fu, out var ll, out var lu, out var jl, out var ju);
            second.Load(at, out var vl, out var vu, out var gl, out var gu, out var ml, out var mu, out var kl, out var ku);
            (Vector512.LoadUnsafe(ref sl, at) + wl + vl).StoreUnsafe(ref sl, at);
            (Vector512.LoadUnsafe(ref su, at) + wu + vu).StoreUnsafe(ref su, at);
            (Vector512.LoadUnsafe(ref mg, at) + Vector512.Max(Vector512.Abs(jl), Vector512.Abs(ju)) + Vector512.Max(Vector512.Abs(kl), Vector512.Abs(ku)))
                .StoreUnsafe(ref mg, at);
            top.JointHigh.InsertPairAt(i, ju - wu, ku - vu);
            top.JointLow.InsertPairAt(i, wl - jl, vl - kl);
            top.FeatureHigh.InsertPairAt(i, fu - wu, gu - vu);
            top.FeatureLow.InsertPairAt(i, wl - fl, vl - gl);
            top.LabelHigh.InsertPairAt(i, lu - wu, mu - vu);
            top.LabelLow.InsertPairAt(i, wl - ll, vl - ml);
        }
        AccumulateScalar(clean, features, labels, joint, clamp, gamma, sumLower, sumUpper, magnitude, top, i);
        AccumulateScalar(nextClean, nextFeatures, nextLabels, nextJoint, clamp, gamma, sumLower, sumUpper, magnitude, top, i);
        top.CountRows(2);
    }

    /// <summary>The second pass of the candidate passes over one untrusted sample: offers its differences as candidates.</summary>
    public static void Gather<T>(in GradientBlock<T> clean, in GradientBlock<T> features, in GradientBlock<T> labels, in GradientBlock<T> joint,
        bool clamp, T gamma, int width, SplitAccumulators<T> top, KernelPath path)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var first = 0;
        if (KernelPaths.Resolve(path) == KernelPath.Vector512 && width >= Vector512<T>.Count)
        {
            var boxes = new Boxes512<T>(clean, features, labels, joint, clamp, gamma);
            var lanes = top.Lanes.AsSpan();
            var count = Vector512<T>.Count;
            for (; first <= width - count; first += count)
            {
                boxes.Load((nuint)first, out var wl, out var wu, out var fl, out var fu, out var ll, out var lu, out var jl, out var ju);
                var (dfu, dlu, dju) = (fu - wu, lu - wu, ju - wu);
                var (dfl, dll, djl) = (wl - fl, wl - ll, wl - jl);
                var high = top.CandidatesHigh.MayAdmit(first, dfu, dlu, dju);
                var low = top.CandidatesLow.MayAdmit(first, dfl, dll, djl);
                if ((high | low) == 0) continue;
                dfu.CopyTo(lanes);
                dlu.CopyTo(lanes[count..]);
                dju.CopyTo(lanes[(2 * count)..]);
                dfl.CopyTo(lanes[(3 * count)..]);
                dll.CopyTo(lanes[(4 * count)..]);
                djl.CopyTo(lanes[(5 * count)..]);
                for (; high != 0; high &= high - 1)
                {
                    var lane = BitOperations.TrailingZeroCount(high);
                    top.CandidatesHigh.Offer(first + lane, lanes[lane], lanes[count + lane], lanes[2 * count + lane]);
                }
                for (; low != 0; low &= low - 1)
                {
                    var lane = BitOperations.TrailingZeroCount(low);
                    top.CandidatesLow.Offer(first + lane, lanes[3 * count + lane], lanes[4 * count + lane], lanes[5 * count + lane]);
                }
            }
        }
        for (var i = first; i < width; i++)
        {
            var (wl, wu, fl, fu, ll, lu, jl, ju) = Hulled(clean, features, labels, joint, i, clamp, gamma);
            top.CandidatesHigh.Offer(i, fu - wu, lu - wu, ju - wu);
            top.CandidatesLow.Offer(i, wl - fl, wl - ll, wl - jl);
        }
    }

    private static int Accumulate512<T>(in Boxes512<T> boxes, Span<T> sumLower, Span<T> sumUpper, Span<T> magnitude, SplitAccumulators<T> top)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var n = sumLower.Length;
        ref var sl = ref MemoryMarshal.GetReference(sumLower);
        ref var su = ref MemoryMarshal.GetReference(sumUpper);
        ref var mg = ref MemoryMarshal.GetReference(magnitude);
        var candidates = top.FromCandidates;
        var i = 0;
        for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
        {
            var at = (nuint)i;
            boxes.Load(at, out var wl, out var wu, out var fl, out var fu, out var ll, out var lu, out var jl, out var ju);
            (Vector512.LoadUnsafe(ref sl, at) + wl).StoreUnsafe(ref sl, at);
            (Vector512.LoadUnsafe(ref su, at) + wu).StoreUnsafe(ref su, at);
            (Vector512.LoadUnsafe(ref mg, at) + Vector512.Max(Vector512.Abs(jl), Vector512.Abs(ju))).StoreUnsafe(ref mg, at);
            var (jointHigh, jointLow) = (ju - wu, wl - jl);
            top.JointHigh.InsertAt(i, jointHigh);
            top.JointLow.InsertAt(i, jointLow);
            if (candidates)
            {
                top.FeatureHigh.InsertAt(i, fu - wu);
                top.FeatureLow.InsertAt(i, wl - fl);
                top.LabelHigh.InsertAt(i, lu - wu);
                top.LabelLow.InsertAt(i, wl - ll);
            }
            else
            {
                top.SelectionHigh.InsertAt(i, fu - wu, lu - wu, jointHigh);
                top.SelectionLow.InsertAt(i, wl - fl, wl - ll, jointLow);
            }
        }
        return i;
    }

    // One sample's four boxes of a block, as the program clips them, hulled: F, L ⊇ w and J ⊇ F ∪ L.
    private readonly ref struct Boxes512<T> where T : IBinaryFloatingPointIeee754<T>
    {
        private readonly GradientBlock<T> _clean, _features, _labels, _joint;
        private readonly Block512<T> _c, _f, _l, _j;

        public Boxes512(in GradientBlock<T> clean, in GradientBlock<T> features, in GradientBlock<T> labels, in GradientBlock<T> joint, bool clamp, T gamma)
        {
            _clean = clean;
            _features = features;
            _labels = labels;
            _joint = joint;
            (_c, _f, _l, _j) = (new(clean, clamp, gamma), new(features, clamp, gamma), new(labels, clamp, gamma), new(joint, clamp, gamma));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Load(nuint at, out Vector512<T> wl, out Vector512<T> wu, out Vector512<T> fl, out Vector512<T> fu,
            out Vector512<T> ll, out Vector512<T> lu, out Vector512<T> jl, out Vector512<T> ju)
        {
            _c.Load(_clean, at, out wl, out wu);
            _f.Load(_features, at, out fl, out fu);
            _l.Load(_labels, at, out ll, out lu);
            _j.Load(_joint, at, out jl, out ju);
            (fl, fu) = (Vector512.Min(fl, wl), Vector512.Max(fu, wu));
            (ll, lu) = (Vector512.Min(ll, wl), Vector512.Max(lu, wu));
            jl = Vector512.Min(Vector512.Min(jl, fl), ll);
            ju = Vector512.Max(Vector512.Max(ju, fu), lu);
        }
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
            var (wl, wu, fl, fu, ll, lu, jl, ju) = Hulled(clean, features, labels, joint, i, clamp, gamma);
            sumLower[i] += wl;
            sumUpper[i] += wu;
            magnitude[i] += T.Max(T.Abs(jl), T.Abs(ju));
            var (jointHigh, jointLow) = (ju - wu, wl - jl);
            top.JointHigh.InsertAt(i, jointHigh);
            top.JointLow.InsertAt(i, jointLow);
            if (top.FromCandidates)
            {
                top.FeatureHigh.InsertAt(i, fu - wu);
                top.FeatureLow.InsertAt(i, wl - fl);
                top.LabelHigh.InsertAt(i, lu - wu);
                top.LabelLow.InsertAt(i, wl - ll);
            }
            else
            {
                top.SelectionHigh.InsertAt(i, fu - wu, lu - wu, jointHigh);
                top.SelectionLow.InsertAt(i, wl - fl, wl - ll, jointLow);
            }
        }
    }

    private static (T Wl, T Wu, T Fl, T Fu, T Ll, T Lu, T Jl, T Ju) Hulled<T>(in GradientBlock<T> clean, in GradientBlock<T> features,
        in GradientBlock<T> labels, in GradientBlock<T> joint, int i, bool clamp, T gamma) where T : IBinaryFloatingPointIeee754<T>
    {
        var (wl, wu) = Entry(clean, i, clamp, gamma);
        var (fl, fu) = Entry(features, i, clamp, gamma);
        var (ll, lu) = Entry(labels, i, clamp, gamma);
        var (jl, ju) = Entry(joint, i, clamp, gamma);
        (fl, fu) = (T.Min(fl, wl), T.Max(fu, wu));
        (ll, lu) = (T.Min(ll, wl), T.Max(lu, wu));
        jl = T.Min(T.Min(jl, fl), ll);
        ju = T.Max(T.Max(ju, fu), lu);
        return (wl, wu, fl, fu, ll, lu, jl, ju);
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
