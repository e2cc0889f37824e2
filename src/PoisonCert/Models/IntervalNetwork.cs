using System.Numerics;
using PoisonCert.Kernels;

namespace PoisonCert.Models;

/// <summary>
/// Interval forward and backward passes of a batch through a network whose parameters lie in a box: one "track"
/// of the certified step (the clean samples at every θ in the box, or the poisoned samples). Every box encloses
/// the exact value AND the training program's floating-point value (<see cref="PointNetwork{T}"/>) for every
/// parameter and input in their boxes:
/// <list type="bullet">
/// <item>products over the batch are midpoint-radius interval products (or, with <see cref="IntervalProducts.Exact"/>,
/// exact sign-case products) with the float-evaluation term (coverFloatEvaluation), which covers the program's
/// point matrix product in any summation order;</item>
/// <item>bias additions and ReLU mirror the program's operations with outward rounding (round to nearest is
/// monotone, so an enclosure of the exact operation over the operand boxes encloses the rounded result);</item>
/// <item>ReLU's backward pass multiplies by the derivative box [1{zₗ &gt; 0}, 1{zᵤ &gt; 0}], which contains the
/// program's 0/1 mask.</item>
/// </list>
/// </summary>
public sealed class IntervalNetwork<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly IntervalProducts _products;
    private readonly NetworkArchitecture _architecture;
    private readonly int _capacity;
    private readonly T[][] _zLower, _zUpper, _hLower, _hUpper, _gLower, _gUpper;
    private readonly T[] _inputLower, _inputUpper, _derivativeLower, _derivativeUpper;
    private int _count;

    public IntervalNetwork(NetworkArchitecture architecture, int capacity, IntervalProducts products = IntervalProducts.MidpointRadius)
    {
        _products = products;
        _architecture = architecture;
        _capacity = capacity;
        var layers = architecture.Layers;
        T[][] PerLayer() => [.. layers.Select(l => new T[capacity * l.Outputs])];
        (_zLower, _zUpper, _hLower, _hUpper, _gLower, _gUpper) = (PerLayer(), PerLayer(), PerLayer(), PerLayer(), PerLayer(), PerLayer());
        _inputLower = new T[capacity * architecture.Inputs];
        _inputUpper = new T[capacity * architecture.Inputs];
        _derivativeLower = new T[capacity * architecture.MaxWidth];
        _derivativeUpper = new T[capacity * architecture.MaxWidth];
    }

    public int Count => _count;

    /// <summary>The input box of the last pass (row-major [count, inputs]); filled by the caller before <see cref="Forward"/>.</summary>
    public Span<T> InputLower => _inputLower.AsSpan(0, _count * _architecture.Inputs);
    public Span<T> InputUpper => _inputUpper.AsSpan(0, _count * _architecture.Inputs);

    /// <summary>Sets the number of samples of the next pass; the caller then fills <see cref="InputLower"/>/<see cref="InputUpper"/>.</summary>
    public void Begin(int count)
    {
        if (count > _capacity) throw new ArgumentException($"At most {_capacity} samples per pass, not {count}.", nameof(count));
        _count = count;
    }

    /// <summary>Output box of the last forward pass, [count, outputs].</summary>
    public ReadOnlySpan<T> OutputLower => _zLower[^1].AsSpan(0, _count * _architecture.Outputs);
    public ReadOnlySpan<T> OutputUpper => _zUpper[^1].AsSpan(0, _count * _architecture.Outputs);

    /// <summary>Box of ∂loss/∂z of layer <paramref name="layer"/>'s pre-activations, [count, outputs] (filled by the backward pass; the last layer's by the caller).</summary>
    public Span<T> OutputGradientLower(int layer) => _gLower[layer].AsSpan(0, _count * _architecture.Layers[layer].Outputs);
    public Span<T> OutputGradientUpper(int layer) => _gUpper[layer].AsSpan(0, _count * _architecture.Layers[layer].Outputs);

    /// <summary>Box of layer <paramref name="layer"/>'s input, [count, inputs].</summary>
    public ReadOnlySpan<T> LayerInputLower(int layer) => layer == 0 ? InputLower : _hLower[layer - 1].AsSpan(0, _count * _architecture.Layers[layer].Inputs);
    public ReadOnlySpan<T> LayerInputUpper(int layer) => layer == 0 ? InputUpper : _hUpper[layer - 1].AsSpan(0, _count * _architecture.Layers[layer].Inputs);

    /// <summary>Pre-activation box of layer <paramref name="layer"/>, [count, outputs] (a tighter domain may shrink it in place).</summary>
    internal Span<T> PreActivationLower(int layer) => _zLower[layer].AsSpan(0, _count * _architecture.Layers[layer].Outputs);
    internal Span<T> PreActivationUpper(int layer) => _zUpper[layer].AsSpan(0, _count * _architecture.Layers[layer].Outputs);

    /// <summary>Post-activation box of layer <paramref name="layer"/>, [count, outputs] (the next layer's input box).</summary>
    internal Span<T> ActivationLower(int layer) => _hLower[layer].AsSpan(0, _count * _architecture.Layers[layer].Outputs);
    internal Span<T> ActivationUpper(int layer) => _hUpper[layer].AsSpan(0, _count * _architecture.Layers[layer].Outputs);

    /// <summary>
    /// Forward pass of the input box through parameters in [lower, upper]; <paramref name="transposedLower"/>/
    /// <paramref name="transposedUpper"/> hold each layer's weight box transposed to [inputs, outputs].
    /// </summary>
    public void Forward(ReadOnlySpan<T> lower, ReadOnlySpan<T> upper, IReadOnlyList<T[]> transposedLower, IReadOnlyList<T[]> transposedUpper)
    {
        for (var l = 0; l < _architecture.Layers.Count; l++)
        {
            var layer = _architecture.Layers[l];
            var zl = _zLower[l].AsSpan(0, _count * layer.Outputs);
            var zu = _zUpper[l].AsSpan(0, _count * layer.Outputs);
            Product(LayerInputLower(l), LayerInputUpper(l), transposedLower[l], transposedUpper[l], zl, zu, _count, layer.Inputs, layer.Outputs);
            var bl = lower.Slice(layer.BiasOffset, layer.Outputs);
            var bu = upper.Slice(layer.BiasOffset, layer.Outputs);
            for (var i = 0; i < _count; i++)
            {
                var rowLower = zl.Slice(i * layer.Outputs, layer.Outputs);
                var rowUpper = zu.Slice(i * layer.Outputs, layer.Outputs);
                IntervalKernels.Add<T>(rowLower, rowUpper, bl, bu, rowLower, rowUpper);
            }
            var hl = _hLower[l].AsSpan(0, zl.Length);
            var hu = _hUpper[l].AsSpan(0, zu.Length);
            if (layer.Relu) IntervalKernels.Relu<T>(zl, zu, hl, hu);
            else
            {
                zl.CopyTo(hl);
                zu.CopyTo(hu);
            }
        }
    }

    /// <summary>
    /// Backward pass from the last layer's output-gradient box (set by the caller) down to the first trainable
    /// layer: G_{l−1} = (G_l·[W_l]) ⊙ [1{z &gt; 0}].
    /// </summary>
    public void Backward(ReadOnlySpan<T> lower, ReadOnlySpan<T> upper)
    {
        for (var l = _architecture.Layers.Count - 1; l > _architecture.FirstTrainable; l--)
        {
            var layer = _architecture.Layers[l];
            var previous = _architecture.Layers[l - 1];
            var gl = OutputGradientLower(l - 1);
            var gu = OutputGradientUpper(l - 1);
            Product(OutputGradientLower(l), OutputGradientUpper(l), lower.Slice(layer.WeightOffset, layer.WeightCount),
                upper.Slice(layer.WeightOffset, layer.WeightCount), gl, gu, _count, layer.Outputs, layer.Inputs);
            if (!previous.Relu) continue;
            var dl = _derivativeLower.AsSpan(0, gl.Length);
            var du = _derivativeUpper.AsSpan(0, gu.Length);
            IntervalKernels.ReluDerivativeBox<T>(_zLower[l - 1].AsSpan(0, gl.Length), _zUpper[l - 1].AsSpan(0, gu.Length), dl, du);
            IntervalKernels.Multiply<T>(gl, gu, dl, du, gl, gu);
        }
    }

    // Both forms cover the program's float evaluation of the product of members (coverFloatEvaluation).
    private void Product(ReadOnlySpan<T> aLower, ReadOnlySpan<T> aUpper, ReadOnlySpan<T> bLower, ReadOnlySpan<T> bUpper,
        Span<T> lower, Span<T> upper, int m, int k, int n)
    {
        if (_products == IntervalProducts.Exact)
            IntervalMatMul.Exact<T>(aLower, aUpper, bLower, bUpper, lower, upper, m, k, n, coverFloatEvaluation: true);
        else
            IntervalMatMul.MidpointRadius<T>(aLower, aUpper, bLower, bUpper, lower, upper, m, k, n, coverFloatEvaluation: true);
    }
}

/// <summary>
/// How interval matrix products are formed in the bound passes: midpoint-radius (Rump; three point products, up
/// to 1.5× wider) or the exact sign-case form (tightest, slower). Both are sound for the float program.
/// </summary>
public enum IntervalProducts
{
    MidpointRadius,
    Exact,
}
