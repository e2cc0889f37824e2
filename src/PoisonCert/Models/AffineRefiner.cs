using System.Numerics;
using PoisonCert.Kernels;
using PoisonCert.Numerics;

namespace PoisonCert.Models;

/// <summary>
/// The centres and radii of a parameter box, per layer, in the layouts the affine passes multiply with: for every
/// layer, W = W_c + ΔW with |ΔW| ≤ W_r elementwise, and likewise for the bias. Prepared once per step and shared by
/// every track.
/// <para>
/// Soundness: W_c = fl(l/2 + u/2) may be any value; W_r = max(u − W_c, W_c − l) rounded upward makes
/// [l, u] ⊆ [W_c − W_r, W_c + W_r] whatever W_c is.
/// </para>
/// </summary>
public sealed class AffineWeights<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly NetworkArchitecture _architecture;

    public AffineWeights(NetworkArchitecture architecture)
    {
        _architecture = architecture;
        var layers = architecture.Layers;
        T[][] Weights() => [.. layers.Select(l => new T[l.WeightCount])];
        T[][] Biases() => [.. layers.Select(l => new T[l.Outputs])];
        (Center, AbsCenter, Radius) = (Weights(), Weights(), Weights());
        (CenterT, AbsCenterT, RadiusT) = (Weights(), Weights(), Weights());
        (BiasCenter, BiasRadius) = (Biases(), Biases());
    }

    /// <summary>[outputs, inputs] (the parameter layout): the backward pass multiplies row vectors by these.</summary>
    internal T[][] Center { get; }
    internal T[][] AbsCenter { get; }
    internal T[][] Radius { get; }

    /// <summary>[inputs, outputs]: the forward pass multiplies row vectors by these.</summary>
    internal T[][] CenterT { get; }
    internal T[][] AbsCenterT { get; }
    internal T[][] RadiusT { get; }
    internal T[][] BiasCenter { get; }
    internal T[][] BiasRadius { get; }

    /// <summary>False when some endpoint is not finite: the affine passes then leave the interval boxes as they are.</summary>
    public bool Usable { get; private set; }

    public void Prepare(ReadOnlySpan<T> lower, ReadOnlySpan<T> upper)
    {
        Usable = true;
        var half = T.CreateTruncating(0.5);
        for (var l = 0; l < _architecture.Layers.Count; l++)
        {
            var layer = _architecture.Layers[l];
            for (var e = 0; e < layer.WeightCount; e++)
            {
                var (c, r) = CenterRadius(lower[layer.WeightOffset + e], upper[layer.WeightOffset + e], half);
                Center[l][e] = c;
                AbsCenter[l][e] = T.Abs(c);
                Radius[l][e] = r;
            }
            for (var k = 0; k < layer.Outputs; k++)
                (BiasCenter[l][k], BiasRadius[l][k]) = CenterRadius(lower[layer.BiasOffset + k], upper[layer.BiasOffset + k], half);
            PointNetwork<T>.Transpose(Center[l], layer.Outputs, layer.Inputs, CenterT[l]);
            PointNetwork<T>.Transpose(AbsCenter[l], layer.Outputs, layer.Inputs, AbsCenterT[l]);
            PointNetwork<T>.Transpose(Radius[l], layer.Outputs, layer.Inputs, RadiusT[l]);
        }

        (T Center, T Radius) CenterRadius(T l, T u, T halfOf)
        {
            if (!T.IsFinite(l) || !T.IsFinite(u))
            {
                Usable = false;
                return (T.Zero, T.Zero);
            }
            var c = l * halfOf + u * halfOf;
            return (c, T.Max(Rounding.SubUp(u, c), Rounding.SubUp(c, l)));
        }
    }

    /// <summary>Centre and radius (rounded so that [c − r, c + r] ⊇ [lower, upper]) of one interval.</summary>
    internal static (T Center, T Radius) Of(T lower, T upper)
    {
        var half = T.CreateTruncating(0.5);
        var c = lower * half + upper * half;
        return (c, T.Max(Rounding.SubUp(upper, c), Rounding.SubUp(c, lower)));
    }
}

/// <summary>
/// The affine (zonotope) domain of one track, run on top of its interval passes and intersected with them
/// elementwise, so that its boxes are never wider than the interval ones. Every quantity of one sample is an
/// affine form x = c + Σ_s A_s e_s + r·f over noise symbols e_s, f ∈ [−1, 1], where f is private to x (it appears
/// in no other quantity of the same layer). The forms start at the first trainable layer's input box (centre and
/// radius per coordinate, one private symbol each) and share symbols through the layers, so correlations that
/// intervals forget (z₃ = Σ_k W₃ₖ h₂ₖ with the same h₁ noise inside every h₂ₖ) cancel.
/// <para>
/// Dense layer (z = W·h + b, W ∈ [W_c ± W_r], b ∈ [b_c ± b_r]), for output k with n inputs, m = rows of the input
/// form (its symbols plus its private ones), t₁ ≥ Σ_j |W_c,kj|(|c_j| + Σ_s |A_sj| + r_j),
/// t₂ ≥ Σ_j W_r,kj·|h|max_j, γ = γ_n:
/// <code>
///   c'  = fl(fl(W_c·c) + b_c),  A'_s = fl(Σ_j A_sj·W_c,kj)  (the input's private symbols become shared ones)
///   r'  ≥ b_r + t₂                       the parameter box: |ΔW·h| ≤ W_r·|h|
///       + γ·t₁ + (m + 1)·n·η             rounding of c' and A' (Higham (3.5), any order, FMA or not)
///       + 2u·|c'|                         the bias addition to the centre
///       + γ·(t₁ + t₂) + n·η + 2u·|z|max   the program's own rounding of fl(fl(W·ĥ) + b)
/// </code>
/// so the program's value ẑ of every member equals c' + Σ A'_s e_s + r'·f' for some symbol values.
/// </para>
/// <para>
/// ReLU with pre-activation box [l, u] (the form's concretisation intersected with the interval box): u ≤ 0 gives
/// 0, l ≥ 0 the identity; otherwise any slope λ ∈ [0, 1] (λ = u/(u − l) here) gives 0 ≤ relu(x) − λx ≤
/// hi = max(−λl, (1 − λ)u) on [l, u] (lemma in the proofs project), so relu(ẑ) = λẑ + hi/2 + (hi/2)·f. The old
/// private symbol is merged into the new one (it appears nowhere else), and the rounding of λ·A and of the centre
/// is charged as u·(|c| + Σ|A| + r) + 2u·|c'| + (m + 2)·η.
/// </para>
/// <para>
/// Backward: the MSE output gradient 2(ẑ − ỹ) is affine in ẑ: c_G = 2·fl(c − y), A_G = 2A (exact), r_G ≥ 2r + 2ν +
/// 2u·|c_G| + 4u·|g|max (the program's rounding of fl(fl(ẑ − ỹ)·2)). Other losses start from their interval box
/// (centre and radius, no shared symbols). G_{l−1} = (G_l·W_l) ⊙ mask is the dense rule transposed (no bias); the
/// ReLU mask keeps the form where the pre-activation is certainly positive, zeroes it where certainly not, and
/// elsewhere replaces it by the hull of 0 and its concretisation (intersected with the interval box).
/// </para>
/// An empty intersection of a form with its interval box would mean one of the two is unsound: it raises an
/// exception naming the layer, sample and neuron. A sample whose forms stop being finite keeps its interval boxes.
/// </summary>
public sealed class AffineRefiner<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly NetworkArchitecture _architecture;
    private readonly int _capacity;
    private readonly int _first;
    private readonly int _threads;
    private readonly int _outputRows;
    private readonly int _maxRows;
    private readonly int _maxWidth;
    private readonly T[] _outCenter, _outCoefficients, _outRadius;
    private readonly bool[] _refined;
    private readonly Scratch[] _scratch;

    /// <summary>
    /// A refiner for passes of up to <paramref name="capacity"/> samples of <paramref name="architecture"/>, on up to
    /// <paramref name="maxDegreeOfParallelism"/> threads (the boxes are the same for any number). With
    /// <paramref name="fromInput"/> the forms start at the network's input instead of the first trainable layer's (test-time
    /// passes, where the correlations through a frozen prefix matter for trigger boxes).
    /// </summary>
    public AffineRefiner(NetworkArchitecture architecture, int capacity, int maxDegreeOfParallelism = 1, bool fromInput = false)
    {
        _architecture = architecture;
        _first = fromInput ? 0 : architecture.FirstTrainable;
        _capacity = capacity;
        _threads = Math.Max(1, Math.Min(maxDegreeOfParallelism, capacity));
        var symbols = 0;
        var maxRows = 0;
        for (var l = _first; l < architecture.Layers.Count; l++)
        {
            symbols += architecture.Layers[l].Inputs;
            maxRows = Math.Max(maxRows, symbols);
        }
        _outputRows = symbols;
        for (var l = architecture.Layers.Count - 1; l > architecture.FirstTrainable; l--)
        {
            symbols += architecture.Layers[l].Outputs;
            maxRows = Math.Max(maxRows, symbols);
        }
        _maxRows = maxRows;
        _maxWidth = architecture.MaxWidth;
        var outputs = architecture.Outputs;
        _outCenter = new T[capacity * outputs];
        _outRadius = new T[capacity * outputs];
        _outCoefficients = new T[(long)capacity * _outputRows * outputs is var n && n <= Array.MaxLength ? (int)n
            : throw new InvalidConfigurationException($"The affine domain needs {n} coefficients for the output forms of {capacity} samples: too many for one array.")];
        _refined = new bool[capacity];
        _scratch = [.. Enumerable.Range(0, _threads).Select(_ => new Scratch(_maxRows, _maxWidth))];
    }

    /// <summary>Symbols of the output forms (the rows of each sample's output coefficient matrix).</summary>
    public int OutputSymbols => _outputRows;

    /// <summary>Whether sample <paramref name="i"/> of the last pass has finite affine forms (otherwise its boxes are the interval ones).</summary>
    public bool IsRefined(int i) => _refined[i];

    /// <summary>Centre, coefficients [symbols, outputs] and private radius of sample <paramref name="i"/>'s output form.</summary>
    public (ReadOnlyMemory<T> Center, ReadOnlyMemory<T> Coefficients, ReadOnlyMemory<T> Radius) OutputForm(int i)
    {
        var outputs = _architecture.Outputs;
        return (_outCenter.AsMemory(i * outputs, outputs), _outCoefficients.AsMemory(i * _outputRows * outputs, _outputRows * outputs),
            _outRadius.AsMemory(i * outputs, outputs));
    }

    /// <summary>
    /// Tightens the track's pre- and post-activation boxes of the trainable layers (after its interval forward pass
    /// through the same parameter box) and keeps every sample's output form for <see cref="Backward"/>.
    /// </summary>
    public void Forward(IntervalNetwork<T> track, AffineWeights<T> weights)
    {
        var count = track.Count;
        if (count > _capacity) throw new ArgumentException($"At most {_capacity} samples per pass, not {count}.", nameof(track));
        if (!weights.Usable)
        {
            Array.Clear(_refined);
            return;
        }
        ForEachSample(count, (i, scratch) => _refined[i] = ForwardSample(track, weights, i, scratch));
    }

    /// <summary>
    /// Tightens the track's output-gradient boxes of every layer below the last (after its interval backward pass).
    /// <paramref name="targets"/> ([count, outputs]) and <paramref name="labelRadius"/> (ν) are used by the MSE loss;
    /// other losses start from the track's output-gradient box.
    /// </summary>
    public void Backward(IntervalNetwork<T> track, AffineWeights<T> weights, LossKind loss, T[]? targets, T labelRadius)
    {
        if (!weights.Usable) return;
        if (loss == LossKind.MeanSquaredError && targets is null) throw new ArgumentNullException(nameof(targets), "The MSE gradient form needs the targets.");
        ForEachSample(track.Count, (i, scratch) =>
        {
            if (_refined[i]) BackwardSample(track, weights, i, scratch, loss, targets, labelRadius);
        });
    }

    private void ForEachSample(int count, Action<int, Scratch> body)
    {
        var workers = Math.Min(_threads, count);
        if (workers <= 1)
        {
            for (var i = 0; i < count; i++) body(i, _scratch[0]);
            return;
        }
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var (start, end) = ((int)((long)count * w / workers), (int)((long)count * (w + 1) / workers));
            for (var i = start; i < end; i++) body(i, _scratch[w]);
        });
    }

    private bool ForwardSample(IntervalNetwork<T> track, AffineWeights<T> weights, int i, Scratch s)
    {
        var first = _first;
        var last = _architecture.Layers.Count - 1;
        var inputs = _architecture.Layers[first].Inputs;
        var inLower = track.LayerInputLower(first).Slice(i * inputs, inputs);
        var inUpper = track.LayerInputUpper(first).Slice(i * inputs, inputs);
        var center = s.Center.AsSpan(0, inputs);
        var radius = s.Radius.AsSpan(0, inputs);
        for (var j = 0; j < inputs; j++)
        {
            if (!T.IsFinite(inLower[j]) || !T.IsFinite(inUpper[j])) return false;
            (center[j], radius[j]) = AffineWeights<T>.Of(inLower[j], inUpper[j]);
        }
        var symbols = 0;
        var u = ErrorBounds.UnitRoundoff<T>();
        var twoU = u + u;
        for (var l = first; l <= last; l++)
        {
            var layer = _architecture.Layers[l];
            var (nin, nout) = (layer.Inputs, layer.Outputs);
            var rows = symbols + nin;
            var m = s.Coefficients.AsSpan(0, rows * nin);
            AppendPrivateRows(m, symbols, nin, s.Radius);
            var boxLower = l == first ? inLower : track.ActivationLower(l - 1).Slice(i * nin, nin);
            var boxUpper = l == first ? inUpper : track.ActivationUpper(l - 1).Slice(i * nin, nin);
            if (!Magnitudes(m, rows, nin, s.Center, boxLower, boxUpper, s.AbsTotal, s.Magnitude)) return false;

            var output = s.Output.AsSpan(0, rows * nout);
            PointMatMul.Multiply<T>(m, weights.CenterT[l], output, rows, nin, nout);
            PointMatMul.Multiply<T>(s.Center.AsSpan(0, nin), weights.CenterT[l], s.NewCenter.AsSpan(0, nout), 1, nin, nout);
            PointMatMul.Multiply<T>(s.AbsTotal.AsSpan(0, nin), weights.AbsCenterT[l], s.T1.AsSpan(0, nout), 1, nin, nout);
            PointMatMul.Multiply<T>(s.Magnitude.AsSpan(0, nin), weights.RadiusT[l], s.T2.AsSpan(0, nout), 1, nin, nout);

            var gamma = ErrorBounds.Gamma<T>(nin);
            var underflow = Rounding.MulUp(T.CreateTruncating((long)(rows + 2) * nin), T.Epsilon);
            var zl = track.PreActivationLower(l).Slice(i * nout, nout);
            var zu = track.PreActivationUpper(l).Slice(i * nout, nout);
            var bc = weights.BiasCenter[l];
            var br = weights.BiasRadius[l];
            for (var k = 0; k < nout; k++)
            {
                var t1 = ErrorBounds.InflateNonNegative(s.T1[k], nin + 1);
                var t2 = ErrorBounds.InflateNonNegative(s.T2[k], nin + 1);
                var c = s.NewCenter[k] + bc[k];
                var zmax = T.Max(T.Abs(zl[k]), T.Abs(zu[k]));
                var r = Rounding.AddUp(br[k], t2);
                r = Rounding.AddUp(r, Rounding.MulUp(gamma, Rounding.AddUp(Rounding.AddUp(t1, t1), t2)));
                r = Rounding.AddUp(r, Rounding.MulUp(twoU, Rounding.AddUp(T.Abs(c), zmax)));
                r = Rounding.AddUp(r, underflow);
                s.NewCenter[k] = c;
                s.NewRadius[k] = r;
            }
            if (!Concretize(output, rows, nout, s, zl, zu, l, i, "pre-activation")) return false;

            var hl = track.ActivationLower(l).Slice(i * nout, nout);
            var hu = track.ActivationUpper(l).Slice(i * nout, nout);
            if (layer.Relu) Relu(output, rows, nout, s, zl, zu, u);
            for (var k = 0; k < nout; k++)
            {
                hl[k] = layer.Relu ? T.Max(zl[k], T.Zero) : zl[k];
                hu[k] = layer.Relu ? T.Max(zu[k], T.Zero) : zu[k];
            }
            if (l == last)
            {
                output.CopyTo(_outCoefficients.AsSpan(i * _outputRows * nout, rows * nout));
                s.NewCenter.AsSpan(0, nout).CopyTo(_outCenter.AsSpan(i * nout, nout));
                s.NewRadius.AsSpan(0, nout).CopyTo(_outRadius.AsSpan(i * nout, nout));
                return true;
            }
            s.Swap();
            symbols = rows;
        }
        return true;
    }

    private void BackwardSample(IntervalNetwork<T> track, AffineWeights<T> weights, int i, Scratch s, LossKind loss, T[]? targets, T labelRadius)
    {
        var first = _architecture.FirstTrainable;
        var last = _architecture.Layers.Count - 1;
        var outputs = _architecture.Outputs;
        var u = ErrorBounds.UnitRoundoff<T>();
        var gl = track.OutputGradientLower(last).Slice(i * outputs, outputs);
        var gu = track.OutputGradientUpper(last).Slice(i * outputs, outputs);
        int symbols;
        if (loss == LossKind.MeanSquaredError)
        {
            // c_G = 2·fl(c − y), A_G = 2A exactly, r_G ≥ 2r + 2ν + 2u|c_G| + 4u|g|max.
            symbols = _outputRows;
            var two = T.CreateTruncating(2);
            var coefficients = _outCoefficients.AsSpan(i * _outputRows * outputs, _outputRows * outputs);
            var a = s.Coefficients.AsSpan(0, coefficients.Length);
            for (var e = 0; e < a.Length; e++) a[e] = coefficients[e] * two;
            for (var k = 0; k < outputs; k++)
            {
                var c = (_outCenter[i * outputs + k] - targets![i * outputs + k]) * two;
                var gmax = T.Max(T.Abs(gl[k]), T.Abs(gu[k]));
                var r = Rounding.AddUp(Rounding.MulUp(_outRadius[i * outputs + k], two), Rounding.MulUp(labelRadius, two));
                r = Rounding.AddUp(r, Rounding.MulUp(Rounding.AddUp(u, u), Rounding.AddUp(T.Abs(c), Rounding.AddUp(gmax, gmax))));
                s.Center[k] = c;
                s.Radius[k] = r;
            }
        }
        else
        {
            symbols = 0;
            for (var k = 0; k < outputs; k++) (s.Center[k], s.Radius[k]) = AffineWeights<T>.Of(gl[k], gu[k]);
        }
        for (var k = 0; k < outputs; k++)
            if (!T.IsFinite(s.Center[k]) || !T.IsFinite(s.Radius[k])) return;

        for (var l = last; l > first; l--)
        {
            var layer = _architecture.Layers[l];
            var (nout, nin) = (layer.Outputs, layer.Inputs);
            var rows = symbols + nout;
            var m = s.Coefficients.AsSpan(0, rows * nout);
            AppendPrivateRows(m, symbols, nout, s.Radius);
            if (!Magnitudes(m, rows, nout, s.Center, track.OutputGradientLower(l).Slice(i * nout, nout),
                    track.OutputGradientUpper(l).Slice(i * nout, nout), s.AbsTotal, s.Magnitude)) return;

            var output = s.Output.AsSpan(0, rows * nin);
            PointMatMul.Multiply<T>(m, weights.Center[l], output, rows, nout, nin);
            PointMatMul.Multiply<T>(s.Center.AsSpan(0, nout), weights.Center[l], s.NewCenter.AsSpan(0, nin), 1, nout, nin);
            PointMatMul.Multiply<T>(s.AbsTotal.AsSpan(0, nout), weights.AbsCenter[l], s.T1.AsSpan(0, nin), 1, nout, nin);
            PointMatMul.Multiply<T>(s.Magnitude.AsSpan(0, nout), weights.Radius[l], s.T2.AsSpan(0, nin), 1, nout, nin);
            var gamma = ErrorBounds.Gamma<T>(nout);
            var underflow = Rounding.MulUp(T.CreateTruncating((long)(rows + 2) * nout), T.Epsilon);
            for (var j = 0; j < nin; j++)
            {
                var t1 = ErrorBounds.InflateNonNegative(s.T1[j], nout + 1);
                var t2 = ErrorBounds.InflateNonNegative(s.T2[j], nout + 1);
                var r = Rounding.AddUp(t2, Rounding.MulUp(gamma, Rounding.AddUp(Rounding.AddUp(t1, t1), t2)));
                s.NewRadius[j] = Rounding.AddUp(r, underflow);
            }
            var boxLower = track.OutputGradientLower(l - 1).Slice(i * nin, nin);
            var boxUpper = track.OutputGradientUpper(l - 1).Slice(i * nin, nin);
            var previous = _architecture.Layers[l - 1];
            if (previous.Relu)
            {
                if (!Mask(output, rows, nin, s, track.PreActivationLower(l - 1).Slice(i * nin, nin),
                        track.PreActivationUpper(l - 1).Slice(i * nin, nin), boxLower, boxUpper, l - 1, i)) return;
            }
            else if (!Concretize(output, rows, nin, s, boxLower, boxUpper, l - 1, i, "output-gradient")) return;
            s.Swap();
            symbols = rows;
        }
    }

    // Rows [symbols, symbols + n) of m: the private symbol of coordinate j becomes shared, with coefficient r_j.
    private static void AppendPrivateRows(Span<T> m, int symbols, int n, T[] radius)
    {
        var rows = m.Slice(symbols * n, n * n);
        rows.Clear();
        for (var j = 0; j < n; j++) rows[j * n + j] = radius[j];
    }

    // absTotal_j ≥ |c_j| + Σ_s |M_sj| (upward) and magnitude_j = min(absTotal_j, max(|box lower|, |box upper|)) ≥ |x_j|.
    private static bool Magnitudes(ReadOnlySpan<T> m, int rows, int n, T[] center, ReadOnlySpan<T> boxLower, ReadOnlySpan<T> boxUpper,
        T[] absTotal, T[] magnitude)
    {
        ColumnAbsSums(m, rows, n, absTotal);
        for (var j = 0; j < n; j++)
        {
            var total = ErrorBounds.InflateNonNegative(T.Abs(center[j]) + absTotal[j], rows + 1);
            if (!T.IsFinite(total)) return false;
            absTotal[j] = total;
            magnitude[j] = T.Min(total, T.Max(T.Abs(boxLower[j]), T.Abs(boxUpper[j])));
        }
        return true;
    }

    // Column sums of |M| in round-to-nearest (callers inflate them: every term passes through at most rows additions).
    private static void ColumnAbsSums(ReadOnlySpan<T> m, int rows, int n, T[] sums)
    {
        var total = sums.AsSpan(0, n);
        total.Clear();
        for (var s = 0; s < rows; s++)
        {
            var row = m.Slice(s * n, n);
            var j = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var width = Vector<T>.Count;
                for (; j + width <= n; j += width)
                    (Vector.Abs(new Vector<T>(row.Slice(j, width))) + new Vector<T>(total.Slice(j, width))).CopyTo(total.Slice(j, width));
            }
            for (; j < n; j++) total[j] += T.Abs(row[j]);
        }
    }

    // Concretises the new forms (centre s.NewCenter, coefficients `output`, private radius s.NewRadius) and intersects
    // the track's box [lower, upper] with them in place.
    private bool Concretize(ReadOnlySpan<T> output, int rows, int n, Scratch s, Span<T> lower, Span<T> upper, int layer, int sample, string what)
    {
        ColumnAbsSums(output, rows, n, s.AbsTotal);
        for (var k = 0; k < n; k++)
        {
            var radius = ErrorBounds.InflateNonNegative(s.AbsTotal[k] + s.NewRadius[k], rows + 1);
            var lo = Rounding.SubDown(s.NewCenter[k], radius);
            var hi = Rounding.AddUp(s.NewCenter[k], radius);
            if (!T.IsFinite(lo) || !T.IsFinite(hi)) return false;
            s.Concrete[k] = radius;
            Intersect(lower, upper, k, lo, hi, layer, sample, what);
        }
        return true;
    }

    private static void Intersect(Span<T> lower, Span<T> upper, int k, T lo, T hi, int layer, int sample, string what)
    {
        var newLower = T.Max(lower[k], lo);
        var newUpper = T.Min(upper[k], hi);
        if (newLower > newUpper)
            throw new InvalidOperationException(
                $"Layer {layer}, sample {sample}, neuron {k}: the affine {what} bound [{lo:R}, {hi:R}] and the interval bound [{lower[k]:R}, {upper[k]:R}] are disjoint, so one of them is unsound (an engine bug).");
        lower[k] = newLower;
        upper[k] = newUpper;
    }

    // ReLU relaxation of each pre-activation form given its (intersected) box [zl, zu].
    private static void Relu(Span<T> output, int rows, int n, Scratch s, ReadOnlySpan<T> zl, ReadOnlySpan<T> zu, T u)
    {
        var half = T.CreateTruncating(0.5);
        var underflow = Rounding.MulUp(T.CreateTruncating(rows + 2), T.Epsilon);
        for (var k = 0; k < n; k++)
        {
            if (zu[k] <= T.Zero)
            {
                for (var r = 0; r < rows; r++) output[r * n + k] = T.Zero;
                s.NewCenter[k] = T.Zero;
                s.NewRadius[k] = T.Zero;
                continue;
            }
            if (zl[k] >= T.Zero) continue;
            var lambda = T.Clamp(zu[k] / (zu[k] - zl[k]), T.Zero, T.One);
            var high = T.Max(Rounding.MulUp(lambda, -zl[k]), Rounding.MulUp(Rounding.SubUp(T.One, lambda), zu[k]));
            var offset = Rounding.MulUp(high, half);
            for (var r = 0; r < rows; r++) output[r * n + k] *= lambda;
            var center = lambda * s.NewCenter[k] + offset;
            var radius = Rounding.AddUp(Rounding.MulUp(lambda, s.NewRadius[k]), offset);
            radius = Rounding.AddUp(radius, Rounding.MulUp(u, Rounding.AddUp(s.Concrete[k], T.Abs(s.NewCenter[k]))));
            radius = Rounding.AddUp(radius, Rounding.MulUp(Rounding.AddUp(u, u), T.Abs(center)));
            s.NewCenter[k] = center;
            s.NewRadius[k] = Rounding.AddUp(radius, underflow);
        }
    }

    // The ReLU mask of the backward pass (see the class summary), intersecting the track's gradient box.
    private bool Mask(Span<T> output, int rows, int n, Scratch s, ReadOnlySpan<T> zl, ReadOnlySpan<T> zu, Span<T> lower, Span<T> upper, int layer, int sample)
    {
        ColumnAbsSums(output, rows, n, s.AbsTotal);
        for (var j = 0; j < n; j++)
        {
            if (zu[j] <= T.Zero)
            {
                for (var r = 0; r < rows; r++) output[r * n + j] = T.Zero;
                s.NewCenter[j] = T.Zero;
                s.NewRadius[j] = T.Zero;
                continue;
            }
            var radius = ErrorBounds.InflateNonNegative(s.AbsTotal[j] + s.NewRadius[j], rows + 1);
            var lo = Rounding.SubDown(s.NewCenter[j], radius);
            var hi = Rounding.AddUp(s.NewCenter[j], radius);
            if (!T.IsFinite(lo) || !T.IsFinite(hi)) return false;
            if (zl[j] > T.Zero)
            {
                Intersect(lower, upper, j, lo, hi, layer, sample, "output-gradient");
                continue;
            }
            Intersect(lower, upper, j, T.Min(lo, T.Zero), T.Max(hi, T.Zero), layer, sample, "masked output-gradient");
            for (var r = 0; r < rows; r++) output[r * n + j] = T.Zero;
            (s.NewCenter[j], s.NewRadius[j]) = AffineWeights<T>.Of(lower[j], upper[j]);
        }
        return true;
    }

    private sealed class Scratch(int maxRows, int maxWidth)
    {
        public T[] Coefficients = new T[maxRows * maxWidth + maxWidth * maxWidth];
        public T[] Output = new T[maxRows * maxWidth + maxWidth * maxWidth];
        public T[] Center = new T[maxWidth];
        public T[] Radius = new T[maxWidth];
        public T[] NewCenter = new T[maxWidth];
        public T[] NewRadius = new T[maxWidth];
        public readonly T[] AbsTotal = new T[maxWidth];
        public readonly T[] Magnitude = new T[maxWidth];
        public readonly T[] T1 = new T[maxWidth];
        public readonly T[] T2 = new T[maxWidth];
        public readonly T[] Concrete = new T[maxWidth];

        // The new forms become the next layer's input forms.
        public void Swap()
        {
            (Coefficients, Output) = (Output, Coefficients);
            (Center, NewCenter) = (NewCenter, Center);
            (Radius, NewRadius) = (NewRadius, Radius);
        }
    }
}
