using System.Numerics;
using System.Runtime.Intrinsics;
using PoisonCert.Kernels;
using PoisonCert.Numerics;

namespace PoisonCert.Models;

/// <summary>
/// The centres and radii of a parameter box, per layer, in the layouts the affine and CROWN passes multiply with: for
/// every layer, W = W_c + ΔW with |ΔW| ≤ W_r elementwise, and likewise for the bias. Prepared once per step and shared
/// by every track.
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
        return (c, T.BitIncrement(T.Max(upper - c, c - lower))); // one ulp above the nearest difference: ≥ the exact one
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
/// Backward: the MSE output gradient 2(ẑ − ỹ) is affine in ẑ: c_G = fl(fl(c − y)·2), A_G = 2A (exact), r_G ≥ 2r + 2ν +
/// 4u·(|c_G| + G) with G ≥ 2(|c − y| + Σ|A| + r + ν), which also covers the program's rounding of fl(fl(ẑ − ỹ)·2). Other losses start from their interval box
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
    private readonly int[] _outRows;
    private readonly Scratch[] _scratch;
    private readonly UpwardTable<T> _upward;
    private readonly UpwardBound<T> _formula; // the per-neuron radius formulas: at most 8 roundings on any term's path

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
        _outRows = new int[capacity];
        _scratch = [.. Enumerable.Range(0, _threads).Select(_ => new Scratch(_maxRows, _maxWidth))];
        _upward = new UpwardTable<T>(_maxRows + _maxWidth + 8);
        _formula = UpwardBound<T>.For(8);
    }


    /// <summary>Whether sample <paramref name="i"/> of the last pass has finite affine forms (otherwise its boxes are the interval ones).</summary>
    public bool IsRefined(int i) => _refined[i];

    /// <summary>Centre, coefficients [symbols, outputs] and private radius of sample <paramref name="i"/>'s output form.</summary>
    public (ReadOnlyMemory<T> Center, ReadOnlyMemory<T> Coefficients, ReadOnlyMemory<T> Radius) OutputForm(int i)
    {
        var outputs = _architecture.Outputs;
        return (_outCenter.AsMemory(i * outputs, outputs), _outCoefficients.AsMemory(i * _outputRows * outputs, _outRows[i] * outputs),
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

    private void ForEachSample(int count, Action<int, Scratch> body) => SamplePartition.Run(count, _scratch, body);

    private bool ForwardSample(IntervalNetwork<T> track, AffineWeights<T> weights, int i, Scratch s)
    {
        var first = _first;
        var last = _architecture.Layers.Count - 1;
        var inputs = _architecture.Layers[first].Inputs;
        var inLower = track.LayerInputLower(first).Slice(i * inputs, inputs);
        var inUpper = track.LayerInputUpper(first).Slice(i * inputs, inputs);
        for (var j = 0; j < inputs; j++)
        {
            if (!T.IsFinite(inLower[j]) || !T.IsFinite(inUpper[j])) return false;
            (s.Center[j], s.Radius[j]) = AffineWeights<T>.Of(inLower[j], inUpper[j]);
        }
        var symbols = 0;
        var u = ErrorBounds.UnitRoundoff<T>();
        var twoU = u + u;
        for (var l = first; l <= last; l++)
        {
            var layer = _architecture.Layers[l];
            var (nin, nout) = (layer.Inputs, layer.Outputs);
            var a = s.Coefficients.AsSpan(0, symbols * nin);
            var boxLower = l == first ? inLower : track.ActivationLower(l - 1).Slice(i * nin, nin);
            var boxUpper = l == first ? inUpper : track.ActivationUpper(l - 1).Slice(i * nin, nin);
            if (!Magnitudes(a, symbols, nin, s.Center, s.Radius, boxLower, boxUpper, s.AbsTotal, s.Magnitude)) return false;

            var rows = Dense(s, a, symbols, nin, nout, weights.CenterT[l], weights.AbsCenterT[l], weights.RadiusT[l]);
            var output = s.Output.AsSpan(0, rows * nout);

            var gamma = ErrorBounds.Gamma<T>(nin);
            var underflow = Rounding.MulUp(T.CreateTruncating((long)(symbols + nin + 2) * nin), T.Epsilon);
            var dot = _upward.For(nin + 1);
            var zl = track.PreActivationLower(l).Slice(i * nout, nout);
            var zu = track.PreActivationUpper(l).Slice(i * nout, nout);
            var bc = weights.BiasCenter[l];
            var br = weights.BiasRadius[l];
            for (var k = 0; k < nout; k++)
            {
                var t1 = dot.Of(s.T1[k]);
                var t2 = dot.Of(s.T2[k]);
                var c = s.NewCenter[k] + bc[k];
                var zmax = T.Max(T.Abs(zl[k]), T.Abs(zu[k]));
                var r = _formula.Of(br[k] + t2 + gamma * (t1 + t1 + t2) + twoU * (T.Abs(c) + zmax) + underflow);
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
                _outRows[i] = rows;
                s.NewCenter.AsSpan(0, nout).CopyTo(_outCenter.AsSpan(i * nout, nout));
                s.NewRadius.AsSpan(0, nout).CopyTo(_outRadius.AsSpan(i * nout, nout));
                return true;
            }
            s.Swap();
            symbols = rows;
        }
        return true;
    }

    /// <summary>
    /// The dense rule's products from a form with <paramref name="symbols"/> shared rows <paramref name="a"/> over
    /// <paramref name="n"/> coordinates (centre s.Center, private radii s.Radius, s.AbsTotal and s.Magnitude filled)
    /// into <paramref name="m"/> coordinates through weights given as [n, m] (centre, its magnitude, radius): the rows
    /// fl(A·W_c), then one row r_j·(W_c row j) per private symbol with r_j ≠ 0 (a zero radius adds nothing), into
    /// s.Output; the centre fl(c·W_c) into s.NewCenter; t₁ = |c|-and-coefficient magnitudes times |W_c| into s.T1 and
    /// t₂ = magnitudes times W_r into s.T2 (both still to be bounded upward). Returns the number of rows.
    /// </summary>
    private static int Dense(Scratch s, ReadOnlySpan<T> a, int symbols, int n, int m, T[] center, T[] absCenter, T[] radius)
    {
        Product(a, center, s.Output.AsSpan(0, symbols * m), symbols, n, m);
        var rows = symbols;
        for (var j = 0; j < n; j++)
        {
            if (T.IsZero(s.Radius[j])) continue;
            ScaleRow(center.AsSpan(j * m, m), s.Radius[j], s.Output.AsSpan(rows * m, m));
            rows++;
        }
        Product(s.Center.AsSpan(0, n), center, s.NewCenter.AsSpan(0, m), 1, n, m);
        Product(s.AbsTotal.AsSpan(0, n), absCenter, s.T1.AsSpan(0, m), 1, n, m);
        Product(s.Magnitude.AsSpan(0, n), radius, s.T2.AsSpan(0, m), 1, n, m);
        return rows;
    }

    private static void Product(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n) => FormProducts.Multiply(a, b, c, m, k, n);

    // destination = factor · row, elementwise in round-to-nearest (a one-term dot product: within the γ_n charge).
    private static void ScaleRow(ReadOnlySpan<T> row, T factor, Span<T> destination)
    {
        System.Numerics.Tensors.TensorPrimitives.Multiply(row, factor, destination); // one IEEE product per element
    }

    /// <summary>
    /// The backward forms of one sample. Symbols of the output form enter factored, as B·P with B the output form's
    /// coefficients ([S, K], K outputs, read in place) and P a [K, n] matrix updated per layer (P₀ = 2I for the
    /// squared error: A_G = 2A exactly): P' = fl(P·W_c) represents B·P' exactly, and B·(P' − P·W_c) is charged to the
    /// private radius as γ·Σᵢ bᵢ·(|P|·|W_c|)ᵢⱼ (bᵢ ≥ Σ_s |B_si|): K·n·n work per layer instead of S·n·n. The private
    /// symbols that the backward layers create are kept as materialised rows R (the dense rule). Concretising B·P'
    /// costs S·K·n and is charged γ_K·Σᵢ bᵢ|P'ᵢⱼ| + S·K·η for its own rounding.
    /// </summary>
    private void BackwardSample(IntervalNetwork<T> track, AffineWeights<T> weights, int i, Scratch s, LossKind loss, T[]? targets, T labelRadius)
    {
        var first = _architecture.FirstTrainable;
        var last = _architecture.Layers.Count - 1;
        var outputs = _architecture.Outputs;
        var u = ErrorBounds.UnitRoundoff<T>();
        var gl = track.OutputGradientLower(last).Slice(i * outputs, outputs);
        var gu = track.OutputGradientUpper(last).Slice(i * outputs, outputs);
        var two = T.CreateTruncating(2);
        var factored = loss == LossKind.MeanSquaredError;
        var bRows = factored ? _outRows[i] : 0;
        var b = _outCoefficients.AsSpan(i * _outputRows * outputs, bRows * outputs);
        ColumnAbsSums(b, bRows, outputs, s.BSums);
        var bTotal = T.Zero;
        var columns = _upward.For(bRows + 1);
        for (var k = 0; k < outputs; k++)
        {
            s.BSums[k] = columns.Of(s.BSums[k]);
            bTotal += s.BSums[k];
        }
        bTotal = _upward.For(outputs + 1).Of(bTotal);
        if (factored)
        {
            // c_G = fl(fl(c − y)·2), r_G ≥ 2r + 2ν + 4u(|c_G| + G) with G ≥ 2(|c − y| + Σ|A| + r + ν) (AffineLemmas.AffineMseGradient_*);
            // B·P with P = 2I carries 2A exactly.
            for (var k = 0; k < outputs; k++)
            {
                var difference = _outCenter[i * outputs + k] - targets![i * outputs + k];
                var c = difference * two;
                var bound = _formula.Of((T.Abs(difference) + s.BSums[k] + _outRadius[i * outputs + k] + labelRadius) * two);
                var r = _formula.Of(_outRadius[i * outputs + k] * two + labelRadius * two + (u + u + u + u) * (T.Abs(c) + bound));
                s.Center[k] = c;
                s.Radius[k] = r;
                s.Concrete[k] = _formula.Of(s.BSums[k] * two + r);
            }
        }
        else
        {
            for (var k = 0; k < outputs; k++)
            {
                (s.Center[k], s.Radius[k]) = AffineWeights<T>.Of(gl[k], gu[k]);
                s.Concrete[k] = s.Radius[k];
            }
        }
        for (var k = 0; k < outputs; k++)
            if (!T.IsFinite(s.Center[k]) || !T.IsFinite(s.Concrete[k])) return;
        var p = s.P.AsSpan(0, outputs * outputs);
        p.Clear();
        for (var k = 0; k < outputs; k++) p[k * outputs + k] = two;
        var identity = true; // P = 2I: P·W_c = 2W_c exactly
        var rRows = 0;

        for (var l = last; l > first; l--)
        {
            var layer = _architecture.Layers[l];
            var (nout, nin) = (layer.Outputs, layer.Inputs);
            var center = weights.Center[l];
            var boxLower = track.OutputGradientLower(l).Slice(i * nout, nout);
            var boxUpper = track.OutputGradientUpper(l).Slice(i * nout, nout);
            for (var k = 0; k < nout; k++)
            {
                s.AbsTotal[k] = _formula.Of(T.Abs(s.Center[k]) + s.Concrete[k]);
                s.Magnitude[k] = T.Min(s.AbsTotal[k], T.Max(T.Abs(boxLower[k]), T.Abs(boxUpper[k])));
            }

            // P' = fl(P·W_c) and its charge e_j = γ_n·Σᵢ bᵢ(|P|·|W_c|)ᵢⱼ + n·η·Σbᵢ (none while P = 2I).
            var pNext = s.PNext.AsSpan(0, outputs * nin);
            var charge = s.Charge.AsSpan(0, nin);
            if (identity)
            {
                for (var e = 0; e < pNext.Length; e++) pNext[e] = center[e] * two;
                charge.Clear();
            }
            else
            {
                Product(p, center, pNext, outputs, nout, nin);
                var absP = s.AbsP.AsSpan(0, outputs * nout);
                for (var e = 0; e < absP.Length; e++) absP[e] = T.Abs(p[e]);
                var q = s.Q.AsSpan(0, outputs * nin);
                Product(absP, weights.AbsCenter[l], q, outputs, nout, nin);
                Product(s.BSums.AsSpan(0, outputs), q, charge, 1, outputs, nin);
                var gammaP = ErrorBounds.Gamma<T>(nout);
                var underflowP = Rounding.MulUp(Rounding.MulUp(T.CreateTruncating(nout), T.Epsilon), bTotal);
                var chain = _upward.For(nout + outputs + 1);
                for (var j = 0; j < nin; j++) charge[j] = _formula.Of(gammaP * chain.Of(charge[j]) + underflowP);
            }

            // Materialised rows R (the backward layers' private symbols), by the dense rule.
            var rows = Dense(s, s.Coefficients.AsSpan(0, rRows * nout), rRows, nout, nin, center, weights.AbsCenter[l], weights.Radius[l]);
            var output = s.Output.AsSpan(0, rows * nin);
            var gamma = ErrorBounds.Gamma<T>(nout);
            var underflow = Rounding.MulUp(T.CreateTruncating((long)(rRows + nout + 2) * nout), T.Epsilon);
            var dot = _upward.For(nout + 1);
            for (var j = 0; j < nin; j++)
            {
                var t1 = dot.Of(s.T1[j]);
                var t2 = dot.Of(s.T2[j]);
                s.NewRadius[j] = _formula.Of(t2 + gamma * (t1 + t1 + t2) + charge[j] + underflow);
            }

            // Concretisation: Σ_s |(B·P')_sj| ≤ Σ_s |fl(B·P')_sj| + γ_K·Σᵢ bᵢ|P'ᵢⱼ| + S·K·η, then the rows R and the private radius.
            var concrete = s.NewConcrete.AsSpan(0, nin);
            ColumnAbsSums(output, rows, nin, s.T1);
            if (bRows > 0)
            {
                var product = s.BProduct.AsSpan(0, bRows * nin);
                Product(b, pNext, product, bRows, outputs, nin);
                ColumnAbsSums(product, bRows, nin, s.T2);
                var absNext = s.Q.AsSpan(0, outputs * nin);
                for (var e = 0; e < absNext.Length; e++) absNext[e] = T.Abs(pNext[e]);
                Product(s.BSums.AsSpan(0, outputs), absNext, s.AbsP.AsSpan(0, nin), 1, outputs, nin);
                var gammaK = ErrorBounds.Gamma<T>(outputs);
                var underflowK = Rounding.MulUp(T.CreateTruncating((long)bRows * outputs), T.Epsilon);
                var small = _upward.For(outputs + 1);
                var tall = _upward.For(bRows + 1);
                for (var j = 0; j < nin; j++) s.T2[j] = _formula.Of(tall.Of(s.T2[j]) + gammaK * small.Of(s.AbsP[j]) + underflowK);
            }
            else s.T2.AsSpan(0, nin).Clear();
            var sum = _upward.For(rows + 2);
            for (var j = 0; j < nin; j++) concrete[j] = _formula.Of(sum.Of(s.T1[j] + s.NewRadius[j]) + s.T2[j]);

            var lower = track.OutputGradientLower(l - 1).Slice(i * nin, nin);
            var upper = track.OutputGradientUpper(l - 1).Slice(i * nin, nin);
            var relu = _architecture.Layers[l - 1].Relu;
            var zl = track.PreActivationLower(l - 1).Slice(i * nin, nin);
            var zu = track.PreActivationUpper(l - 1).Slice(i * nin, nin);
            for (var j = 0; j < nin; j++)
            {
                if (relu && zu[j] <= T.Zero)
                {
                    ZeroColumn(output, pNext, rows, outputs, nin, j);
                    (s.NewCenter[j], s.NewRadius[j], concrete[j]) = (T.Zero, T.Zero, T.Zero);
                    continue;
                }
                var lo = T.BitDecrement(s.NewCenter[j] - concrete[j]);
                var hi = T.BitIncrement(s.NewCenter[j] + concrete[j]);
                if (!T.IsFinite(lo) || !T.IsFinite(hi)) return;
                if (!relu || zl[j] > T.Zero)
                {
                    Intersect(lower, upper, j, lo, hi, l - 1, i, "output-gradient");
                    continue;
                }
                // Unstable mask: the value is 0 or the form's, so it lies in their hull; the form becomes that hull.
                Intersect(lower, upper, j, T.Min(lo, T.Zero), T.Max(hi, T.Zero), l - 1, i, "masked output-gradient");
                ZeroColumn(output, pNext, rows, outputs, nin, j);
                (s.NewCenter[j], s.NewRadius[j]) = AffineWeights<T>.Of(lower[j], upper[j]);
                concrete[j] = s.NewRadius[j];
            }
            pNext.CopyTo(s.P);
            p = s.P.AsSpan(0, outputs * nin);
            identity = false;
            s.Swap();
            (s.Concrete, s.NewConcrete) = (s.NewConcrete, s.Concrete);
            rRows = rows;
        }
    }

    private static void ZeroColumn(Span<T> rows, Span<T> p, int rowCount, int outputs, int n, int j)
    {
        for (var r = 0; r < rowCount; r++) rows[r * n + j] = T.Zero;
        for (var k = 0; k < outputs; k++) p[k * n + j] = T.Zero;
    }

    // absTotal_j ≥ |c_j| + Σ_s |A_sj| + r_j (upward) and magnitude_j = min(absTotal_j, max(|box lower|, |box upper|)) ≥ |x_j|.
    private bool Magnitudes(ReadOnlySpan<T> a, int rows, int n, T[] center, T[] radius, ReadOnlySpan<T> boxLower, ReadOnlySpan<T> boxUpper,
        T[] absTotal, T[] magnitude)
    {
        ColumnAbsSums(a, rows, n, absTotal);
        var sum = _upward.For(rows + 2);
        for (var j = 0; j < n; j++)
        {
            var total = sum.Of(T.Abs(center[j]) + absTotal[j] + radius[j]);
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
            if (Vector512.IsHardwareAccelerated)
            {
                var width = Vector512<T>.Count;
                for (; j + width <= n; j += width)
                    (Vector512.Abs(Vector512.Create(row.Slice(j, width))) + Vector512.Create((ReadOnlySpan<T>)total.Slice(j, width))).CopyTo(total.Slice(j, width));
            }
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
        var sum = _upward.For(rows + 2);
        for (var k = 0; k < n; k++)
        {
            var radius = sum.Of(s.AbsTotal[k] + s.NewRadius[k]);
            var lo = T.BitDecrement(s.NewCenter[k] - radius);
            var hi = T.BitIncrement(s.NewCenter[k] + radius);
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
        public T[] Concrete = new T[maxWidth];
        public T[] NewConcrete = new T[maxWidth];
        public readonly T[] BSums = new T[maxWidth];
        public readonly T[] Charge = new T[maxWidth];
        public readonly T[] P = new T[maxWidth * maxWidth];
        public readonly T[] PNext = new T[maxWidth * maxWidth];
        public readonly T[] AbsP = new T[maxWidth * maxWidth];
        public readonly T[] Q = new T[maxWidth * maxWidth];
        public readonly T[] BProduct = new T[maxRows * maxWidth];

        // The new forms become the next layer's input forms.
        public void Swap()
        {
            (Coefficients, Output) = (Output, Coefficients);
            (Center, NewCenter) = (NewCenter, Center);
            (Radius, NewRadius) = (NewRadius, Radius);
        }
    }
}
