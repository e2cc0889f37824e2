using System.Numerics;
using PoisonCert.Numerics;

namespace PoisonCert.Models;

/// <summary>
/// CROWN-style linear bounds (Zhang et al., "Efficient Neural Network Robustness Certification with General Activation
/// Functions", NeurIPS 2018) with the parameters perturbed as well as the inputs, run on top of a track's interval
/// forward pass and intersected with it. For an objective row q on layer L's pre-activations, the upper bound of q·ẑ_L
/// over every member (the program's float values) is found by substituting backwards, layer by layer, down to the
/// input box; the lower bound is −(upper bound of −q). Each sample is bounded alone.
/// <para>
/// Dense step through layer m (z = W·h + b, W ∈ [W_c ± W_r], b ∈ [b_c ± b_r], |ĥ_j| ≤ M_j from the interval box of the
/// layer's input): λ·ẑ ≤ fl(λ·W_c)·ĥ + λ·b_c + |λ|·s, the slack per output k
/// <code>
///   s_k ≥ (W_r·M)_k + b_r,k                                  the parameter box
///       + γ_n·((|W_c| + W_r)·M)_k + n·η + 2u·|z|max,k        the program's rounding of fl(fl(W·ĥ) + b), n inputs
///       + γ_K·((|W_c|·M)_k + |b_c,k|)                        the rounding of fl(λ·W_c) and of λ·b_c, K outputs
/// </code>
/// plus K·η·Σ_j M_j per row for underflow in fl(λ·W_c) (AffineLemmas and CrownLemmas state the dense step).
/// </para>
/// <para>
/// ReLU step (h = relu(z), z ∈ [l, u] the refined box): a coefficient μ ≥ 0 on h_j takes the upper relaxation
/// relu(z) ≤ a·z + d (a = 1, d = 0 when l ≥ 0; a = d = 0 when u ≤ 0; otherwise a = u/(u − l) rounded and clamped to
/// [0, 1], d = max(−a·l, (1 − a)·u) rounded up, valid for ANY a ∈ [0, 1]); μ &lt; 0 takes the lower relaxation
/// relu(z) ≥ α·z (α = 1 when u &gt; −l, else 0; exact). The constant μ·d is added rounded up, and the rounding of
/// fl(μ·a) is charged (u·|μ|·a + η)·|z|max,j.
/// </para>
/// <para>
/// At the input box [x_l, x_u]: ν·x ≤ Σ_j (ν_j ≥ 0 ? ν_j·x_u,j : ν_j·x_l,j), summed in round-to-nearest and charged
/// γ_n·Σ|terms| + n·η. The constant of every row is accumulated with upward rounding.
/// </para>
/// An empty intersection with the interval box raises an exception naming layer, sample and neuron (one of the two
/// would be unsound). A sample with non-finite boxes keeps its interval boxes.
/// </summary>
public sealed class CrownBounds<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly NetworkArchitecture _architecture;
    private readonly int _first;
    private readonly int _capacity;
    private readonly Scratch[] _scratch;
    private readonly UpwardTable<T> _upward;
    private static readonly T AllBits = Vector<T>.AllBitsSet[0]; // a lane of all ones: a true mask lane

    /// <summary>
    /// Bounds for passes of up to <paramref name="capacity"/> samples on up to <paramref name="maxDegreeOfParallelism"/>
    /// threads (the same boxes for any number). With <paramref name="fromInput"/> the substitution runs down to the
    /// network's input (test time) instead of the first trainable layer's.
    /// </summary>
    public CrownBounds(NetworkArchitecture architecture, int capacity, int maxDegreeOfParallelism = 1, bool fromInput = false)
    {
        _architecture = architecture;
        _first = fromInput ? 0 : architecture.FirstTrainable;
        _capacity = capacity;
        var threads = Math.Max(1, Math.Min(maxDegreeOfParallelism, capacity));
        _scratch = [.. Enumerable.Range(0, threads).Select(_ => new Scratch(architecture))];
        _upward = new UpwardTable<T>(architecture.MaxWidth + 8);
    }

    /// <summary>
    /// Tightens the track's pre- and post-activation boxes of every layer after the first (after its interval forward
    /// pass through the box whose centres and radii <paramref name="weights"/> holds).
    /// </summary>
    public void Forward(IntervalNetwork<T> track, AffineWeights<T> weights)
    {
        if (track.Count > _capacity) throw new ArgumentException($"At most {_capacity} samples per pass, not {track.Count}.", nameof(track));
        if (!weights.Usable) return;
        SamplePartition.Run(track.Count, _scratch, (i, s) => ForwardSample(track, weights, i, s));
    }

    /// <summary>
    /// Lower bounds of z_label − z_j for every j ≠ label of sample <paramref name="i"/> (after <see cref="Forward"/>),
    /// written to <paramref name="margins"/>[j] (margins[label] is +∞). False when the sample's boxes are not finite.
    /// </summary>
    public bool Margins(IntervalNetwork<T> track, AffineWeights<T> weights, int i, int label, Span<T> margins)
    {
        var outputs = _architecture.Outputs;
        var s = _scratch[0];
        if (!weights.Usable || !Finite(track, i)) return false;
        var last = _architecture.Layers.Count - 1;
        var q = s.Objective.AsSpan(0, outputs * outputs);
        q.Clear();
        for (var j = 0; j < outputs; j++)
        {
            // Upper bound of (z_j − z_label) = −(lower bound of z_label − z_j).
            if (j == label) continue;
            q[j * outputs + j] = T.One;
            q[j * outputs + label] = -T.One;
        }
        Upper(track, weights, i, last, q, outputs, s, s.Result);
        for (var j = 0; j < outputs; j++) margins[j] = j == label ? T.PositiveInfinity : -s.Result[j];
        return true;
    }

    private bool Finite(IntervalNetwork<T> track, int i)
    {
        for (var l = _first; l < _architecture.Layers.Count; l++)
        {
            var n = _architecture.Layers[l].Inputs;
            var lower = track.LayerInputLower(l).Slice(i * n, n);
            var upper = track.LayerInputUpper(l).Slice(i * n, n);
            for (var j = 0; j < n; j++) if (!T.IsFinite(lower[j]) || !T.IsFinite(upper[j])) return false;
            var outputs = _architecture.Layers[l].Outputs;
            var zl = track.PreActivationLower(l).Slice(i * outputs, outputs);
            var zu = track.PreActivationUpper(l).Slice(i * outputs, outputs);
            for (var k = 0; k < outputs; k++) if (!T.IsFinite(zl[k]) || !T.IsFinite(zu[k])) return false;
        }
        return true;
    }

    private void ForwardSample(IntervalNetwork<T> track, AffineWeights<T> weights, int i, Scratch s)
    {
        if (!Finite(track, i)) return;
        for (var l = _first + 1; l < _architecture.Layers.Count; l++)
        {
            var layer = _architecture.Layers[l];
            var n = layer.Outputs;
            Upper(track, weights, i, l, default, n, s, s.Result, diagonal: 1);
            Upper(track, weights, i, l, default, n, s, s.Lower, diagonal: -1);
            var zl = track.PreActivationLower(l).Slice(i * n, n);
            var zu = track.PreActivationUpper(l).Slice(i * n, n);
            for (var k = 0; k < n; k++)
            {
                var lo = -s.Lower[k];
                var hi = s.Result[k];
                if (!T.IsFinite(lo) || !T.IsFinite(hi)) continue;
                var newLower = T.Max(zl[k], lo);
                var newUpper = T.Min(zu[k], hi);
                if (newLower > newUpper)
                    throw new InvalidOperationException(
                        $"Layer {l}, sample {i}, neuron {k}: the CROWN pre-activation bound [{lo:R}, {hi:R}] and the interval bound [{zl[k]:R}, {zu[k]:R}] are disjoint, so one of them is unsound (an engine bug).");
                (zl[k], zu[k]) = (newLower, newUpper);
            }
            var hl = track.ActivationLower(l).Slice(i * n, n);
            var hu = track.ActivationUpper(l).Slice(i * n, n);
            for (var k = 0; k < n; k++)
            {
                hl[k] = layer.Relu ? T.Max(zl[k], T.Zero) : zl[k];
                hu[k] = layer.Relu ? T.Max(zu[k], T.Zero) : zu[k];
            }
        }
    }

    // result[r] ≥ q_r·ẑ_top for every member, q = [rows, n_top]; with a diagonal, q = diagonal·I (±1), whose first
    // dense step is ±W_c exactly, no product.
    private void Upper(IntervalNetwork<T> track, AffineWeights<T> weights, int i, int top, ReadOnlySpan<T> q, int rows, Scratch s, T[] result,
        int diagonal = 0)
    {
        var u = ErrorBounds.UnitRoundoff<T>();
        var lambda = s.Lambda.AsSpan(0, rows * _architecture.Layers[top].Outputs);
        if (diagonal == 0) q.CopyTo(lambda);
        var constant = s.Constant.AsSpan(0, rows);
        constant.Clear();
        for (var m = top; m >= _first; m--)
        {
            var layer = _architecture.Layers[m];
            var (nout, nin) = (layer.Outputs, layer.Inputs);
            // Slack of the dense step (see the class summary), per output k, and the underflow term per row.
            var inLower = track.LayerInputLower(m).Slice(i * nin, nin);
            var inUpper = track.LayerInputUpper(m).Slice(i * nin, nin);
            var magnitude = s.Magnitude.AsSpan(0, nin);
            var magnitudeSum = T.Zero;
            for (var j = 0; j < nin; j++)
            {
                magnitude[j] = T.Max(T.Abs(inLower[j]), T.Abs(inUpper[j]));
                magnitudeSum += magnitude[j];
            }
            magnitudeSum = _upward.For(nin + 1).Of(magnitudeSum);
            FormProducts.Multiply<T>(magnitude, weights.AbsCenterT[m], s.AbsTerm.AsSpan(0, nout), 1, nin, nout);
            FormProducts.Multiply<T>(magnitude, weights.RadiusT[m], s.RadiusTerm.AsSpan(0, nout), 1, nin, nout);
            var zl = track.PreActivationLower(m).Slice(i * nout, nout);
            var zu = track.PreActivationUpper(m).Slice(i * nout, nout);
            var gammaIn = ErrorBounds.Gamma<T>(nin);
            var gammaOut = ErrorBounds.Gamma<T>(nout + 1);
            var dot = _upward.For(nin + 1);
            var formula = _upward.For(10);
            var slack = s.Slack.AsSpan(0, nout);
            var underflowIn = T.CreateTruncating(nin) * T.Epsilon;
            for (var k = 0; k < nout; k++)
            {
                var absTerm = dot.Of(s.AbsTerm[k]);
                var radiusTerm = dot.Of(s.RadiusTerm[k]);
                var zmax = T.Max(T.Abs(zl[k]), T.Abs(zu[k]));
                var bc = T.Abs(weights.BiasCenter[m][k]);
                slack[k] = formula.Of(radiusTerm + weights.BiasRadius[m][k] + gammaIn * (absTerm + radiusTerm) + underflowIn
                    + (u + u) * zmax + gammaOut * (absTerm + bc));
            }
            // Underflow of fl(λ·W_c) (K·η per coefficient, times Σ M) and of the K products of λ·b_c.
            var underflowRow = Rounding.AddUp(Rounding.MulUp(Rounding.MulUp(T.CreateTruncating(nout), T.Epsilon), magnitudeSum),
                Rounding.MulUp(T.CreateTruncating(nout), T.Epsilon));

            // constant += λ·b_c + |λ|·s + underflow; λ ← fl(λ·W_c) (for λ = ±I: ±b_c, s and ±W_c, exact).
            var next = s.Next.AsSpan(0, rows * nin);
            if (diagonal != 0 && m == top)
            {
                var sign = T.CreateTruncating(diagonal);
                for (var r = 0; r < rows; r++)
                    constant[r] = Rounding.AddUp(constant[r], Rounding.AddUp(sign * weights.BiasCenter[m][r], slack[r]));
                var center = weights.Center[m].AsSpan(0, rows * nin);
                for (var e = 0; e < next.Length; e++) next[e] = sign * center[e];
            }
            else
            {
                var absLambda = s.AbsLambda.AsSpan(0, rows * nout);
                for (var e = 0; e < absLambda.Length; e++) absLambda[e] = T.Abs(lambda[e]);
                FormProducts.Multiply<T>(lambda, weights.BiasCenter[m], s.BiasTerm.AsSpan(0, rows), rows, nout, 1);
                FormProducts.Multiply<T>(absLambda, slack, s.SlackTerm.AsSpan(0, rows), rows, nout, 1);
                var slackSum = _upward.For(nout + 1);
                for (var r = 0; r < rows; r++)
                    constant[r] = Rounding.AddUp(constant[r], Rounding.AddUp(s.BiasTerm[r], Rounding.AddUp(slackSum.Of(s.SlackTerm[r]), underflowRow)));
                FormProducts.Multiply<T>(lambda, weights.Center[m], next, rows, nout, nin);
            }

            if (m == _first)
            {
                // Concretisation over the input box.
                var gamma = ErrorBounds.Gamma<T>(nin);
                var underflow = T.CreateTruncating(nin) * T.Epsilon;
                var absSum = _upward.For(nin + 1);
                for (var r = 0; r < rows; r++)
                {
                    T total = T.Zero, magnitudeTotal = T.Zero;
                    for (var j = 0; j < nin; j++)
                    {
                        var c = next[r * nin + j];
                        var term = c >= T.Zero ? c * inUpper[j] : c * inLower[j];
                        total += term;
                        magnitudeTotal += T.Abs(term);
                    }
                    var error = formula.Of(gamma * absSum.Of(magnitudeTotal) + underflow);
                    result[r] = Rounding.AddUp(constant[r], Rounding.AddUp(total, error));
                }
                return;
            }

            // Through the activation of layer m − 1 (none: the coefficients carry over).
            var previous = _architecture.Layers[m - 1];
            lambda = s.Lambda.AsSpan(0, rows * nin);
            if (!previous.Relu)
            {
                next.CopyTo(lambda);
                continue;
            }
            var pl = track.PreActivationLower(m - 1).Slice(i * nin, nin);
            var pu = track.PreActivationUpper(m - 1).Slice(i * nin, nin);
            for (var j = 0; j < nin; j++)
            {
                var (l, h) = (pl[j], pu[j]);
                s.Unstable[j] = false;
                s.UnstableMask[j] = T.Zero;
                if (h <= T.Zero) (s.Slope[j], s.Offset[j], s.Alpha[j]) = (T.Zero, T.Zero, T.Zero);
                else if (l >= T.Zero) (s.Slope[j], s.Offset[j], s.Alpha[j]) = (T.One, T.Zero, T.One);
                else
                {
                    s.Unstable[j] = true;
                    s.UnstableMask[j] = AllBits;
                    var a = T.Clamp(h / (h - l), T.Zero, T.One);
                    s.Slope[j] = a;
                    s.Offset[j] = T.Max(Rounding.MulUp(a, -l), Rounding.MulUp(Rounding.SubUp(T.One, a), h));
                    s.Alpha[j] = h > -l ? T.One : T.Zero;
                }
                s.PreMagnitude[j] = T.Max(T.Abs(l), T.Abs(h));
            }
            // Per coefficient μ: μ ≥ 0 → fl(μ·a), and for an unstable neuron (also when the rounded slope is exactly 0 or 1)
            // the offset μ·d plus the rounding charge (u·μ·a + η)·|z|max; μ < 0 → μ·α (α ∈ {0, 1}: exact). The added
            // terms are non-negative, evaluated in round-to-nearest (at most 5 roundings each) and summed in any order.
            var relu = _upward.For(nin + 6);
            var width = Vector<T>.Count;
            var uVector = new Vector<T>(u);
            var eta = new Vector<T>(T.Epsilon);
            for (var r = 0; r < rows; r++)
            {
                var row = next.Slice(r * nin, nin);
                var target = lambda.Slice(r * nin, nin);
                var added = T.Zero;
                var j = 0;
                if (Vector.IsHardwareAccelerated)
                {
                    var sum = Vector<T>.Zero;
                    for (; j + width <= nin; j += width)
                    {
                        var mu = new Vector<T>(row.Slice(j, width));
                        var slope = new Vector<T>(s.Slope, j);
                        var positive = Vector.GreaterThanOrEqual(mu, Vector<T>.Zero);
                        Vector.ConditionalSelect(positive, mu * slope, mu * new Vector<T>(s.Alpha, j)).CopyTo(target.Slice(j, width));
                        var charge = mu * new Vector<T>(s.Offset, j) + (uVector * mu * slope + eta) * new Vector<T>(s.PreMagnitude, j);
                        sum += Vector.ConditionalSelect(positive & new Vector<T>(s.UnstableMask, j), charge, Vector<T>.Zero);
                    }
                    added = Vector.Sum(sum);
                }
                for (; j < nin; j++)
                {
                    var mu = row[j];
                    if (mu >= T.Zero)
                    {
                        target[j] = mu * s.Slope[j];
                        if (s.Unstable[j]) added += mu * s.Offset[j] + (u * mu * s.Slope[j] + T.Epsilon) * s.PreMagnitude[j];
                    }
                    else target[j] = mu * s.Alpha[j];
                }
                constant[r] = Rounding.AddUp(constant[r], relu.Of(added));
            }
        }
    }

    private sealed class Scratch(NetworkArchitecture architecture)
    {
        public readonly T[] Objective = new T[architecture.MaxWidth * architecture.MaxWidth];
        public readonly bool[] Unstable = new bool[architecture.MaxWidth];
        public readonly T[] UnstableMask = new T[architecture.MaxWidth + Vector<T>.Count];
        public readonly T[] Lambda = new T[architecture.MaxWidth * architecture.MaxWidth];
        public readonly T[] AbsLambda = new T[architecture.MaxWidth * architecture.MaxWidth];
        public readonly T[] Next = new T[architecture.MaxWidth * architecture.MaxWidth];
        public readonly T[] Constant = new T[architecture.MaxWidth];
        public readonly T[] Result = new T[architecture.MaxWidth];
        public readonly T[] Lower = new T[architecture.MaxWidth];
        public readonly T[] Magnitude = new T[architecture.MaxWidth];
        public readonly T[] AbsTerm = new T[architecture.MaxWidth];
        public readonly T[] RadiusTerm = new T[architecture.MaxWidth];
        public readonly T[] Slack = new T[architecture.MaxWidth];
        public readonly T[] BiasTerm = new T[architecture.MaxWidth];
        public readonly T[] SlackTerm = new T[architecture.MaxWidth];
        public readonly T[] Slope = new T[architecture.MaxWidth];
        public readonly T[] Offset = new T[architecture.MaxWidth];
        public readonly T[] Alpha = new T[architecture.MaxWidth];
        public readonly T[] PreMagnitude = new T[architecture.MaxWidth];
    }
}
