using System.Numerics;
using System.Runtime.Intrinsics;
using PoisonCert.Kernels;
using PoisonCert.Models;
using PoisonCert.Numerics;

namespace PoisonCert.Training;

/// <summary>
/// Streams the per-sample parameter-gradient boxes of a batch into the bounds of the batch-mean gradient, per
/// parameter coordinate, never holding more than one row of one sample per worker (ALGORITHM §3 step 5):
/// <code>
///   bounded (k = budget):  Δₗ = [Σ_all wpₗ(i) + (k smallest iwpₗ(i) − wpₗ(i), i untrusted) − E] / B
///                          Δᵤ = [Σ_all wpᵤ(i) + (k largest  iwpᵤ(i) − wpᵤ(i), i untrusted) + E] / B
///   unbounded:             the same with iwp(i) = [−γ, γ] (per-sample gradients are clamped to ±γ)
///   removal:               Δᵤ = max over k' ≤ k of [Σ_all wpᵤ(i) − (k' smallest wpᵤ(i), i untrusted) + E] / (B − k')
///                          Δₗ = min over k' ≤ k of [Σ_all wpₗ(i) − (k' largest  wpₗ(i), i untrusted) − E] / (B − k')
///   E = 2γ_B/(1 − γ_B)·fl(Σᵢ mag(i)) + B·η, mag(i) = max |endpoint| of the widest admissible box of sample i
/// </code>
/// The per-coordinate sums over samples (Σ wp, Σ mag) and the differences iwp(i) − wp(i) are rounded to nearest in
/// the fused kernel (one IEEE operation each, instead of an outward-rounded one); E covers both the program's float
/// summation and those sums' own rounding, and the top-k sums of differences are scaled by 1 + 2u (outward).
/// iwp(i) is replaced by hull(iwp(i), wp(i)) so that the differences have a fixed sign (a hull of enclosures is an
/// enclosure), which also covers "fewer than k poisoned". The program's float summation of the B per-sample
/// gradients in ANY order, fused or not, is within γ_B·Σ|xᵢyᵢ| + B·η (Higham (3.5) for the weight-gradient
/// product over the batch; a plain sum of B terms needs only γ_(B−1)). All sums run in sample order per coordinate,
/// and the top-k result does not depend on order, so the result is the same for any thread count.
/// (AggregationLemmas prove these rules for small batches.)
/// </summary>
internal sealed class GradientAggregator<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly NetworkArchitecture _architecture;
    private readonly ThreatModel _threat;
    private readonly GradientClipping? _clipping;
    private readonly RowTask[] _tasks;
    private readonly bool _split;
    private readonly RowTask[][] _groups;
    private readonly int _maxDegreeOfParallelism;
    private readonly ThreadLocal<Scratch> _scratch;

    /// <summary>
    /// Coordinates per task: a block of one weight row (or of a bias). Small enough that the task's top-k slots
    /// (2 × k × width values) and work rows stay in the first-level cache while every sample streams through.
    /// </summary>
    internal const int BlockWidth = 100000;

    /// <summary>
    /// Weight rows of one layer processed together, sample by sample: the rows share the sample's layer-input
    /// boxes, so each is read from memory once per group instead of once per row (the per-sample input rows of a
    /// batch are megabytes, the rows' sums and top-k slots stay in the second-level cache). Every coordinate's
    /// operations and their order are unchanged, so the result is the same bits for any group size. A group holds
    /// at most <see cref="MaxRowsPerGroup"/> rows and at most <see cref="GroupStateBytes"/> of running state (three
    /// sums and 2k top-k slots per coordinate). Four rows: W1 certified 0.71–0.75 s with 8 against 0.67–0.69 s with 4
    /// and 0.67–0.75 s with 2, in alternating idle runs (fewer rows keep more of the slots in the faster caches).
    /// </summary>
    internal const int MaxRowsPerGroup = 4;

    internal const int GroupStateBytes = 512 * 1024;

    /// <summary>
    /// An aggregator for <paramref name="threat"/>; with <paramref name="split"/>, unpaired feature and label
    /// poisoning is aggregated by the exact selection over feature-only, label-only and joint tracks
    /// (<see cref="SplitGradientAccumulator"/>, <see cref="UnpairedSelection{T}"/>) instead of charging n + m joint
    /// candidates, which needs a threat model with both kinds, unpaired, and no norm clipping.
    /// </summary>
    public GradientAggregator(NetworkArchitecture architecture, ThreatModel threat, GradientClipping? clipping, int maxDegreeOfParallelism, bool split = false)
    {
        if (split && !(threat.SplitsUnpaired && clipping?.Kind != ClipKind.Norm))
            throw new ArgumentException("The split aggregation needs unpaired feature and label poisoning without norm clipping.", nameof(split));
        _split = split;
        _architecture = architecture;
        _threat = threat;
        _clipping = clipping;
        _maxDegreeOfParallelism = maxDegreeOfParallelism;
        var budget = threat.Budget;
        var tasks = new List<RowTask>();
        for (var l = architecture.FirstTrainable; l < architecture.Layers.Count; l++)
        {
            var layer = architecture.Layers[l];
            for (var o = 0; o < layer.Outputs; o++)
                for (var column = 0; column < layer.Inputs; column += BlockWidth)
                    tasks.Add(new RowTask(l, o, column, layer.WeightOffset + o * layer.Inputs + column, Math.Min(BlockWidth, layer.Inputs - column), budget, split));
            for (var column = 0; column < layer.Outputs; column += BlockWidth)
                tasks.Add(new RowTask(l, -1, column, layer.BiasOffset + column, Math.Min(BlockWidth, layer.Outputs - column), budget, split));
        }
        _tasks = [.. tasks];
        var groups = new List<RowTask[]>();
        var rowBytes = (long)Math.Min(BlockWidth, architecture.Layers.Max(l => l.Inputs)) * (3 + 2 * budget) * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var rowsPerGroup = (int)Math.Clamp(GroupStateBytes / rowBytes, 1, MaxRowsPerGroup);
        for (var t = 0; t < _tasks.Length;)
        {
            var end = t + 1;
            while (end < _tasks.Length && end - t < rowsPerGroup && _tasks[end].Row >= 0 && _tasks[t].Row >= 0
                   && _tasks[end].Layer == _tasks[t].Layer && _tasks[end].Column == _tasks[t].Column) end++;
            groups.Add(_tasks[t..end]);
            t = end;
        }
        _groups = [.. groups];
        var scratchWidth = _groups.Max(g => g.Length * g[0].Width);
        _scratch = new ThreadLocal<Scratch>(() => new Scratch(scratchWidth));
    }

    /// <summary>
    /// Writes the bounds of the batch-mean gradient into <paramref name="deltaLower"/>/<paramref name="deltaUpper"/>
    /// (frozen coordinates are left untouched). <paramref name="poisoned"/> is the poisoned track (bounded threat
    /// models) or null; <paramref name="cleanFactors"/>/<paramref name="poisonedFactors"/> are the per-sample
    /// norm-clipping factor boxes (norm clipping only).
    /// </summary>
    public void Aggregate(IntervalNetwork<T> clean, IntervalNetwork<T>? poisoned, ClipFactors<T>? cleanFactors, ClipFactors<T>? poisonedFactors,
        T[] deltaLower, T[] deltaUpper, IntervalNetwork<T>? featureOnly = null, IntervalNetwork<T>? labelOnly = null)
    {
        if (_split && (featureOnly is null || labelOnly is null || poisoned is null))
            throw new ArgumentException("The split aggregation needs the joint, feature-only and label-only tracks.");
        // The fused kernel's precondition (it uses the one-instruction MinNative/MaxNative, exact only without NaN):
        // every layer-input and output-gradient box it streams is finite. A box that is not means the bounds
        // overflowed, and the step's gradient bounds would not be finite either: they are made [−∞, +∞] (true, and
        // vacuous), so that the trainer's check after the step stops the run, naming the first parameter.
        if (!AllFinite(clean) || poisoned is not null && !AllFinite(poisoned) || featureOnly is not null && !AllFinite(featureOnly)
            || labelOnly is not null && !AllFinite(labelOnly))
        {
            var first = _architecture.Layers[_architecture.FirstTrainable].WeightOffset;
            deltaLower.AsSpan(first).Fill(T.NegativeInfinity);
            deltaUpper.AsSpan(first).Fill(T.PositiveInfinity);
            return;
        }
        var context = new Context(clean, poisoned, cleanFactors, poisonedFactors, clean.Count, featureOnly, labelOnly);
        var options = new ParallelOptions { MaxDegreeOfParallelism = _maxDegreeOfParallelism };
        Parallel.For(0, _groups.Length, options, g => Process(_groups[g], context, _scratch.Value!, deltaLower, deltaUpper));
    }

    private bool AllFinite(IntervalNetwork<T> track)
    {
        for (var l = _architecture.FirstTrainable; l < _architecture.Layers.Count; l++)
            if (!AllFinite(track.LayerInputLower(l), track.LayerInputUpper(l)) || !AllFinite(track.OutputGradientLower(l), track.OutputGradientUpper(l)))
                return false;
        return true;
    }

    private static bool AllFinite(ReadOnlySpan<T> lower, ReadOnlySpan<T> upper)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var infinity = Vector512.Create(T.PositiveInfinity);
            for (; i <= lower.Length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                // |x| < ∞ is false for ±∞ and NaN.
                var finite = Vector512.LessThan(Vector512.Abs(Vector512.Create(lower.Slice(i, Vector512<T>.Count))), infinity)
                             & Vector512.LessThan(Vector512.Abs(Vector512.Create(upper.Slice(i, Vector512<T>.Count))), infinity);
                if (!Vector512.EqualsAll(finite.AsInt32(), Vector512<int>.AllBitsSet)) return false;
            }
        }
        for (; i < lower.Length; i++)
            if (!T.IsFinite(lower[i]) || !T.IsFinite(upper[i])) return false;
        return true;
    }

    private sealed record Context(IntervalNetwork<T> Clean, IntervalNetwork<T>? Poisoned, ClipFactors<T>? CleanFactors, ClipFactors<T>? PoisonedFactors, int Count,
        IntervalNetwork<T>? FeatureOnly, IntervalNetwork<T>? LabelOnly);

    private void Process(RowTask[] group, Context context, Scratch s, T[] deltaLower, T[] deltaUpper)
    {
        if (_split)
        {
            foreach (var task in group) ProcessSplit(task, context, s, deltaLower.AsSpan(task.Offset, task.Width), deltaUpper.AsSpan(task.Offset, task.Width));
            return;
        }
        var width = group[0].Width;
        var rows = group.Length;
        s.SumLower.AsSpan(0, rows * width).Clear();
        s.SumUpper.AsSpan(0, rows * width).Clear();
        s.Magnitude.AsSpan(0, rows * width).Clear();
        foreach (var task in group)
        {
            task.High?.Reset();
            task.Low?.Reset();
        }
        var trusted = Math.Min(_threat.TrustedPerBatch, context.Count);
        var gamma = _clipping is { } c ? T.CreateTruncating(c.Bound) : T.Zero;
        var clip = _clipping?.Kind switch
        {
            ClipKind.Clamp => GradientRowAccumulator.Clip.Clamp,
            ClipKind.Norm => GradientRowAccumulator.Clip.Norm,
            _ => GradientRowAccumulator.Clip.None,
        };
        var poisonedRole = group[0].High is null ? SampleRole.Clean
            : _threat.IsRemoval ? SampleRole.Removable
            : _threat.IsUnbounded ? SampleRole.Replaced
            : SampleRole.Poisoned;
        var clean = new TrackView(_architecture, context.Clean, context.CleanFactors, group[0]);
        var poisoned = poisonedRole == SampleRole.Poisoned ? new TrackView(_architecture, context.Poisoned!, context.PoisonedFactors, group[0]) : clean;
        for (var i = 0; i < context.Count; i++)
        {
            var role = i < trusted ? SampleRole.Clean : poisonedRole;
            // Two poisoned samples at a time where the kernel merges their differences into the top-k together (the
            // same bits as one after the other).
            var pair = role == SampleRole.Poisoned && i + 1 < context.Count;
            for (var r = 0; r < rows; r++)
            {
                var task = group[r];
                if (pair)
                    GradientRowAccumulator.AccumulatePair(role, clean.Block(i, task.Row), poisoned.Block(i, task.Row), clean.Block(i + 1, task.Row),
                        poisoned.Block(i + 1, task.Row), clip, gamma, s.SumLower.AsSpan(r * width, width), s.SumUpper.AsSpan(r * width, width),
                        s.Magnitude.AsSpan(r * width, width), task.High, task.Low, 0, KernelPath.Automatic);
                else
                    GradientRowAccumulator.Accumulate(role, clean.Block(i, task.Row), poisoned.Block(i, task.Row), clip, gamma,
                        s.SumLower.AsSpan(r * width, width), s.SumUpper.AsSpan(r * width, width), s.Magnitude.AsSpan(r * width, width),
                        task.High, task.Low, 0, KernelPath.Automatic);
            }
            if (pair) i++;
        }
        for (var r = 0; r < rows; r++)
        {
            var task = group[r];
            Finish(task, context.Count, s.SumLower.AsSpan(r * width, width), s.SumUpper.AsSpan(r * width, width), s.Magnitude.AsSpan(r * width, width),
                s, deltaLower.AsSpan(task.Offset, width), deltaUpper.AsSpan(task.Offset, width));
        }
    }

    private void ProcessSplit(RowTask task, Context context, Scratch s, Span<T> lower, Span<T> upper)
    {
        var width = task.Width;
        var sumLower = s.SumLower.AsSpan(0, width);
        var sumUpper = s.SumUpper.AsSpan(0, width);
        var magnitude = s.Magnitude.AsSpan(0, width);
        sumLower.Clear();
        sumUpper.Clear();
        magnitude.Clear();
        var top = s.Split(width, _threat);
        var trusted = Math.Min(_threat.TrustedPerBatch, context.Count);
        top.Reset(context.Count - trusted);
        var clamp = _clipping is { Kind: ClipKind.Clamp };
        var gamma = _clipping is { } c ? T.CreateTruncating(c.Bound) : T.Zero;
        var clean = new TrackView(_architecture, context.Clean, null, task);
        var joint = new TrackView(_architecture, context.Poisoned!, null, task);
        var features = new TrackView(_architecture, context.FeatureOnly!, null, task);
        var labels = new TrackView(_architecture, context.LabelOnly!, null, task);
        for (var i = 0; i < context.Count; i++)
        {
            var w = clean.Block(i, task.Row);
            if (i < trusted)
                GradientRowAccumulator.Accumulate(SampleRole.Clean, w, w, clamp ? GradientRowAccumulator.Clip.Clamp : GradientRowAccumulator.Clip.None, gamma,
                    sumLower, sumUpper, magnitude, null, null, 0, KernelPath.Automatic);
            else if (top.FromCandidates && i + 1 < context.Count)
            {
                // Two samples at a time (the same bits as one after the other).
                SplitGradientAccumulator.AccumulatePair(w, features.Block(i, task.Row), labels.Block(i, task.Row), joint.Block(i, task.Row),
                    clean.Block(i + 1, task.Row), features.Block(i + 1, task.Row), labels.Block(i + 1, task.Row), joint.Block(i + 1, task.Row), clamp, gamma,
                    sumLower, sumUpper, magnitude, top, KernelPath.Automatic);
                i++;
            }
            else
                SplitGradientAccumulator.Accumulate(w, features.Block(i, task.Row), labels.Block(i, task.Row), joint.Block(i, task.Row), clamp, gamma,
                    sumLower, sumUpper, magnitude, top, KernelPath.Automatic);
        }
        if (top.FromCandidates)
        {
            // The second pass: the samples ranking in the top n + m of dF, dL or dJ, then the tables from them.
            top.BeginCandidates();
            for (var i = trusted; i < context.Count; i++)
                SplitGradientAccumulator.Gather(clean.Block(i, task.Row), features.Block(i, task.Row), labels.Block(i, task.Row), joint.Block(i, task.Row),
                    clamp, gamma, width, top, KernelPath.Automatic);
            top.EndCandidates(KernelPath.Automatic);
        }
        var count = context.Count;
        var e = ErrorTerms(count, magnitude);
        var jointHigh = s.HighSum.AsSpan(0, width);
        var jointLow = s.LowSum.AsSpan(0, width);
        top.JointHigh.Sum(jointHigh);
        top.JointLow.Sum(jointLow);
        var selectionHigh = top.SelectionHigh.Best;
        var selectionLow = top.SelectionLow.Best;
        var scale = DifferenceFactor; // the joint differences were rounded to nearest, their top-k sum upward
        var factor = top.SelectionHigh.Factor; // the selection's differences and sums were rounded to nearest
        var batch = T.CreateChecked(count);
        for (var k = 0; k < width; k++)
        {
            // Upper: Σ wu + min(top_(n+m)(dJ), exact selection), each term outward; the joint lower sum is ≤ 0
            // (negated lower differences), the selection's is ≥ 0 and subtracted.
            var poisonUpper = T.Min(Rounding.MulUp(jointHigh[k], scale), Rounding.MulUp(selectionHigh[k], factor));
            var poisonLower = T.Max(Rounding.MulDown(jointLow[k], scale), -Rounding.MulUp(selectionLow[k], factor));
            lower[k] = Rounding.DivDown(Rounding.SubDown(Rounding.AddDown(sumLower[k], poisonLower), e[k]), batch);
            upper[k] = Rounding.DivUp(Rounding.AddUp(Rounding.AddUp(sumUpper[k], poisonUpper), e[k]), batch);
        }
    }

    // 1 + 2u, exact: the factor by which the top-k sums of nearest-rounded differences d ≥ 0 are scaled outward
    // (the exact difference x satisfies x ≤ d·(1 + 2u)).
    private static T DifferenceFactor => T.One + T.CreateTruncating(2) * ErrorBounds.UnitRoundoff<T>();

    // Vector lanes of the epilogues compute exactly what their scalar loops compute (the vector directed operations
    // are bit-identical to Numerics.Rounding's); the scalar loops take the coordinates from here on.
    private static int VectorEnd(int width) => Vector512.IsHardwareAccelerated && KernelPaths.Resolve(KernelPath.Automatic) == KernelPath.Vector512
        ? width - width % Vector512<T>.Count : 0;

    // In place: magnitude[c] is the nearest-rounded M = fl(Σᵢ mag(i)) ≥ (1 − γ_B)·Σᵢ mag(i) and becomes
    // E = 2γ_B/(1 − γ_B)·M + B·η, which covers the program's float sum of the batch (γ_B·Σ mag + B·η) and the error of
    // this bound's own nearest-rounded sums of the endpoints (γ_(B−1)·Σ|endpoint| ≤ γ_B·Σ mag).
    private static Span<T> ErrorTerms(int count, Span<T> magnitude)
    {
        var gamma = ErrorBounds.Gamma<T>(count);
        var factor = Rounding.DivUp(Rounding.MulUp(T.CreateTruncating(2), gamma), Rounding.SubDown(T.One, gamma));
        var underflow = Rounding.MulUp(T.CreateChecked(count), T.Epsilon);
        var vectorEnd = VectorEnd(magnitude.Length);
        for (var c = 0; c < vectorEnd; c += Vector512<T>.Count)
        {
            var m = Vector512.Create((ReadOnlySpan<T>)magnitude.Slice(c, Vector512<T>.Count));
            VectorDirectedRounding.AddUp(VectorDirectedRounding.MulUp(Vector512.Create(factor), m), Vector512.Create(underflow)).CopyTo(magnitude.Slice(c));
        }
        for (var c = vectorEnd; c < magnitude.Length; c++) magnitude[c] = Rounding.AddUp(Rounding.MulUp(factor, magnitude[c]), underflow);
        return magnitude;
    }

    private void Finish(RowTask task, int count, Span<T> sumLower, Span<T> sumUpper, Span<T> magnitude, Scratch s, Span<T> lower, Span<T> upper)
    {
        var width = task.Width;
        ErrorTerms(count, magnitude);
        var vectorEnd = VectorEnd(width);
        var differenceFactor = DifferenceFactor;
        var highSum = s.HighSum.AsSpan(0, width);
        var lowSum = s.LowSum.AsSpan(0, width);
        if (!_threat.IsRemoval)
        {
            if (task.High is null)
            {
                highSum.Clear();
                lowSum.Clear();
            }
            else
            {
                task.High.Sum(highSum);
                task.Low!.Sum(lowSum);
            }
            var batch = T.CreateChecked(count);
            for (var c = 0; c < vectorEnd; c += Vector512<T>.Count)
            {
                var n = Vector512<T>.Count;
                var poisonLower = VectorDirectedRounding.MulDown(Vector512.Create((ReadOnlySpan<T>)lowSum.Slice(c, n)), Vector512.Create(differenceFactor));
                var poisonUpper = VectorDirectedRounding.MulUp(Vector512.Create((ReadOnlySpan<T>)highSum.Slice(c, n)), Vector512.Create(differenceFactor));
                var e = Vector512.Create((ReadOnlySpan<T>)magnitude.Slice(c, n));
                var l = VectorDirectedRounding.AddDown(VectorDirectedRounding.AddDown(Vector512.Create((ReadOnlySpan<T>)sumLower.Slice(c, n)), poisonLower), -e);
                var u = VectorDirectedRounding.AddUp(VectorDirectedRounding.AddUp(Vector512.Create((ReadOnlySpan<T>)sumUpper.Slice(c, n)), poisonUpper), e);
                VectorDirectedRounding.DivDownByPositive(l, batch).CopyTo(lower.Slice(c));
                VectorDirectedRounding.DivUpByPositive(u, batch).CopyTo(upper.Slice(c));
            }
            for (var c = vectorEnd; c < width; c++)
            {
                var poisonLower = Rounding.MulDown(lowSum[c], differenceFactor);   // lowSum ≤ 0
                var poisonUpper = Rounding.MulUp(highSum[c], differenceFactor);    // highSum ≥ 0
                lower[c] = Rounding.DivDown(Rounding.SubDown(Rounding.AddDown(sumLower[c], poisonLower), magnitude[c]), batch);
                upper[c] = Rounding.DivUp(Rounding.AddUp(Rounding.AddUp(sumUpper[c], poisonUpper), magnitude[c]), batch);
            }
            return;
        }
        lower.Fill(T.PositiveInfinity);
        upper.Fill(T.NegativeInfinity);
        for (var removed = 0; removed <= task.High!.K; removed++)
        {
            task.High.SumOfBest(removed, highSum); // upper bound of the `removed` largest lower endpoints
            task.Low!.SumOfBest(removed, lowSum);  // lower bound of the `removed` smallest upper endpoints
            var remaining = T.CreateChecked(count - removed);
            for (var c = 0; c < width; c++)
            {
                var candidateLower = Rounding.DivDown(Rounding.SubDown(Rounding.SubDown(sumLower[c], highSum[c]), magnitude[c]), remaining);
                var candidateUpper = Rounding.DivUp(Rounding.AddUp(Rounding.SubUp(sumUpper[c], lowSum[c]), magnitude[c]), remaining);
                lower[c] = T.Min(lower[c], candidateLower);
                upper[c] = T.Max(upper[c], candidateUpper);
            }
        }
    }

    /// <summary>
    /// One track's data for a task, resolved once per task: sample i's gradient block is then bias entries (the
    /// layer's output-gradient box) or weight entries (the sign-case product G[i, o]·H[i, :], enclosing the exact
    /// product, hence the program's rounded one), clipped as the program clips (norm clipping by the sample's
    /// factor box).
    /// </summary>
    private readonly ref struct TrackView
    {
        private readonly ReadOnlySpan<T> _gLower, _gUpper, _hLower, _hUpper;
        private readonly T[]? _factorLower, _factorUpper;
        private readonly int _outputs, _inputs, _column, _width;

        public TrackView(NetworkArchitecture architecture, IntervalNetwork<T> track, ClipFactors<T>? factors, RowTask task)
        {
            var layer = architecture.Layers[task.Layer];
            _gLower = track.OutputGradientLower(task.Layer);
            _gUpper = track.OutputGradientUpper(task.Layer);
            _hLower = track.LayerInputLower(task.Layer);
            _hUpper = track.LayerInputUpper(task.Layer);
            (_factorLower, _factorUpper) = (factors?.Lower, factors?.Upper);
            (_outputs, _inputs, _column, _width) = (layer.Outputs, layer.Inputs, task.Column, task.Width);
        }

        /// <summary>Sample <paramref name="i"/>'s block of weight row <paramref name="row"/> (−1: the bias).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public GradientBlock<T> Block(int i, int row)
        {
            var (factorLower, factorUpper) = _factorLower is null ? (T.One, T.One) : (_factorLower[i], _factorUpper![i]);
            if (row < 0)
                return new GradientBlock<T>(_gLower.Slice(i * _outputs + _column, _width), _gUpper.Slice(i * _outputs + _column, _width),
                    T.One, T.One, isBias: true, factorLower, factorUpper);
            var g = i * _outputs + row;
            var h = i * _inputs + _column;
            return new GradientBlock<T>(_hLower.Slice(h, _width), _hUpper.Slice(h, _width), _gLower[g], _gUpper[g], isBias: false, factorLower, factorUpper);
        }
    }

    private sealed class RowTask(int layer, int row, int column, int offset, int width, int budget, bool split)
    {
        public int Layer { get; } = layer;
        public int Row { get; } = row; // −1: the layer's bias
        public int Column { get; } = column; // first input (weights) or output (bias) of the block
        public int Offset { get; } = offset;
        public int Width { get; } = width;
        // Bounded/unbounded: High keeps the k largest upper differences, Low the k smallest lower differences.
        // Removal: High keeps the k largest lower endpoints, Low the k smallest upper endpoints.
        public TopKAccumulator<T>? High { get; } = budget > 0 && !split ? new TopKAccumulator<T>(width, budget) : null;
        public TopKAccumulator<T>? Low { get; } = budget > 0 && !split ? new TopKAccumulator<T>(width, budget, smallest: true) : null;
    }

    private sealed class Scratch(int width)
    {
        public T[] SumLower { get; } = new T[width];
        public T[] SumUpper { get; } = new T[width];
        public T[] Magnitude { get; } = new T[width];
        public T[] HighSum { get; } = new T[width];
        public T[] LowSum { get; } = new T[width];
        private readonly Dictionary<int, SplitAccumulators<T>> _split = new();

        // The unpaired aggregation's accumulators for a task of this width: needed only while one task runs, so one
        // set per worker and width instead of one per task.
        public SplitAccumulators<T> Split(int taskWidth, ThreatModel threat)
        {
            if (!_split.TryGetValue(taskWidth, out var top))
                _split[taskWidth] = top = new SplitAccumulators<T>(taskWidth, threat.FeatureCount, threat.LabelCount);
            return top;
        }
    }
}

/// <summary>Per-sample boxes of the norm-clipping factor min(1, C/‖g‖₂).</summary>
internal sealed class ClipFactors<T>(int capacity) where T : IBinaryFloatingPointIeee754<T>
{
    public T[] Lower { get; } = new T[capacity];
    public T[] Upper { get; } = new T[capacity];
}
