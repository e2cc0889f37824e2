using System.Numerics;
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
///   E = γ_B·Σᵢ mag(i) + B·η, mag(i) = max |endpoint| of the widest admissible box of sample i
/// </code>
/// iwp(i) is replaced by hull(iwp(i), wp(i)) so that the differences have a fixed sign (a hull of enclosures is an
/// enclosure), which also covers "fewer than k poisoned". E covers the program's float summation of the B
/// per-sample gradients in ANY order, fused or not (Higham (3.5): γ_B·Σ|xᵢyᵢ| + B·η for the weight-gradient
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
    private readonly int _maxDegreeOfParallelism;
    private readonly ThreadLocal<Scratch> _scratch;

    /// <summary>
    /// Coordinates per task: a block of one weight row (or of a bias). Small enough that the task's top-k slots
    /// (2 × k × width values) and work rows stay in the first-level cache while every sample streams through.
    /// </summary>
    internal const int BlockWidth = 100000;

    public GradientAggregator(NetworkArchitecture architecture, ThreatModel threat, GradientClipping? clipping, int maxDegreeOfParallelism)
    {
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
                    tasks.Add(new RowTask(l, o, column, layer.WeightOffset + o * layer.Inputs + column, Math.Min(BlockWidth, layer.Inputs - column), budget));
            for (var column = 0; column < layer.Outputs; column += BlockWidth)
                tasks.Add(new RowTask(l, -1, column, layer.BiasOffset + column, Math.Min(BlockWidth, layer.Outputs - column), budget));
        }
        _tasks = [.. tasks];
        _scratch = new ThreadLocal<Scratch>(() => new Scratch(BlockWidth));
    }

    /// <summary>
    /// Writes the bounds of the batch-mean gradient into <paramref name="deltaLower"/>/<paramref name="deltaUpper"/>
    /// (frozen coordinates are left untouched). <paramref name="poisoned"/> is the poisoned track (bounded threat
    /// models) or null; <paramref name="cleanFactors"/>/<paramref name="poisonedFactors"/> are the per-sample
    /// norm-clipping factor boxes (norm clipping only).
    /// </summary>
    public void Aggregate(IntervalNetwork<T> clean, IntervalNetwork<T>? poisoned, ClipFactors<T>? cleanFactors, ClipFactors<T>? poisonedFactors,
        T[] deltaLower, T[] deltaUpper)
    {
        var context = new Context(clean, poisoned, cleanFactors, poisonedFactors, clean.Count);
        var options = new ParallelOptions { MaxDegreeOfParallelism = _maxDegreeOfParallelism };
        Parallel.For(0, _tasks.Length, options, t =>
        {
            var task = _tasks[t];
            Process(task, context, _scratch.Value!, deltaLower.AsSpan(task.Offset, task.Width), deltaUpper.AsSpan(task.Offset, task.Width));
        });
    }

    private sealed record Context(IntervalNetwork<T> Clean, IntervalNetwork<T>? Poisoned, ClipFactors<T>? CleanFactors, ClipFactors<T>? PoisonedFactors, int Count);

    private void Process(RowTask task, Context context, Scratch s, Span<T> lower, Span<T> upper)
    {
        var width = task.Width;
        var sumLower = s.SumLower.AsSpan(0, width);
        var sumUpper = s.SumUpper.AsSpan(0, width);
        var magnitude = s.Magnitude.AsSpan(0, width);
        sumLower.Clear();
        sumUpper.Clear();
        magnitude.Clear();
        task.High?.Reset();
        task.Low?.Reset();
        var trusted = Math.Min(_threat.TrustedPerBatch, context.Count);
        var gamma = _clipping is { } c ? T.CreateTruncating(c.Bound) : T.Zero;
        var clip = _clipping?.Kind switch
        {
            ClipKind.Clamp => GradientRowAccumulator.Clip.Clamp,
            ClipKind.Norm => GradientRowAccumulator.Clip.Norm,
            _ => GradientRowAccumulator.Clip.None,
        };
        var poisonedRole = task.High is null ? SampleRole.Clean
            : _threat.IsRemoval ? SampleRole.Removable
            : _threat.IsUnbounded ? SampleRole.Replaced
            : SampleRole.Poisoned;
        var clean = new TrackView(_architecture, context.Clean, context.CleanFactors, task);
        var poisoned = poisonedRole == SampleRole.Poisoned ? new TrackView(_architecture, context.Poisoned!, context.PoisonedFactors, task) : clean;
        for (var i = 0; i < context.Count; i++)
        {
            var role = i < trusted ? SampleRole.Clean : poisonedRole;
            GradientRowAccumulator.Accumulate(role, clean.Block(i), poisoned.Block(i), clip, gamma, sumLower, sumUpper, magnitude, task.High, task.Low, 0, KernelPath.Automatic);
        }
        Finish(task, context.Count, sumLower, sumUpper, magnitude, s, lower, upper);
    }

    private void Finish(RowTask task, int count, Span<T> sumLower, Span<T> sumUpper, Span<T> magnitude, Scratch s, Span<T> lower, Span<T> upper)
    {
        var width = task.Width;
        var gamma = ErrorBounds.Gamma<T>(count);
        var underflow = Rounding.MulUp(T.CreateChecked(count), T.Epsilon);
        for (var c = 0; c < width; c++) magnitude[c] = Rounding.AddUp(Rounding.MulUp(gamma, magnitude[c]), underflow); // E
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
            for (var c = 0; c < width; c++)
            {
                lower[c] = Rounding.DivDown(Rounding.SubDown(Rounding.AddDown(sumLower[c], lowSum[c]), magnitude[c]), batch);
                upper[c] = Rounding.DivUp(Rounding.AddUp(Rounding.AddUp(sumUpper[c], highSum[c]), magnitude[c]), batch);
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
        private readonly int _outputs, _inputs, _row, _column, _width;

        public TrackView(NetworkArchitecture architecture, IntervalNetwork<T> track, ClipFactors<T>? factors, RowTask task)
        {
            var layer = architecture.Layers[task.Layer];
            _gLower = track.OutputGradientLower(task.Layer);
            _gUpper = track.OutputGradientUpper(task.Layer);
            _hLower = track.LayerInputLower(task.Layer);
            _hUpper = track.LayerInputUpper(task.Layer);
            (_factorLower, _factorUpper) = (factors?.Lower, factors?.Upper);
            (_outputs, _inputs, _row, _column, _width) = (layer.Outputs, layer.Inputs, task.Row, task.Column, task.Width);
        }

        public GradientBlock<T> Block(int i)
        {
            var (factorLower, factorUpper) = _factorLower is null ? (T.One, T.One) : (_factorLower[i], _factorUpper![i]);
            if (_row < 0)
                return new GradientBlock<T>(_gLower.Slice(i * _outputs + _column, _width), _gUpper.Slice(i * _outputs + _column, _width),
                    T.One, T.One, isBias: true, factorLower, factorUpper);
            var g = i * _outputs + _row;
            var h = i * _inputs + _column;
            return new GradientBlock<T>(_hLower.Slice(h, _width), _hUpper.Slice(h, _width), _gLower[g], _gUpper[g], isBias: false, factorLower, factorUpper);
        }
    }

    private sealed class RowTask(int layer, int row, int column, int offset, int width, int budget)
    {
        public int Layer { get; } = layer;
        public int Row { get; } = row; // −1: the layer's bias
        public int Column { get; } = column; // first input (weights) or output (bias) of the block
        public int Offset { get; } = offset;
        public int Width { get; } = width;
        // Bounded/unbounded: High keeps the k largest upper differences, Low the k smallest lower differences.
        // Removal: High keeps the k largest lower endpoints, Low the k smallest upper endpoints.
        public TopKAccumulator<T>? High { get; } = budget > 0 ? new TopKAccumulator<T>(width, budget) : null;
        public TopKAccumulator<T>? Low { get; } = budget > 0 ? new TopKAccumulator<T>(width, budget, smallest: true) : null;
    }

    private sealed class Scratch(int width)
    {
        public T[] SumLower { get; } = new T[width];
        public T[] SumUpper { get; } = new T[width];
        public T[] Magnitude { get; } = new T[width];
        public T[] HighSum { get; } = new T[width];
        public T[] LowSum { get; } = new T[width];
    }
}

/// <summary>Per-sample boxes of the norm-clipping factor min(1, C/‖g‖₂).</summary>
internal sealed class ClipFactors<T>(int capacity) where T : IBinaryFloatingPointIeee754<T>
{
    public T[] Lower { get; } = new T[capacity];
    public T[] Upper { get; } = new T[capacity];
}
