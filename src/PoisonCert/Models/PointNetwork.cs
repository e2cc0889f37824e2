using System.Numerics;
using System.Numerics.Tensors;
using PoisonCert.Kernels;
using PoisonCert.Training;

namespace PoisonCert.Models;

/// <summary>
/// The training program: plain floating-point forward and backward passes of a batch, the computation whose
/// every result the certified bounds must enclose. Forward: Z = H·Wᵀ (one point matrix product over the batch)
/// then + b, then ReLU. Backward: the loss gradient per sample, Gₗ₋₁ = (Gₗ·Wₗ) ⊙ 1{Zₗ₋₁ &gt; 0}, and the batch sums of
/// the parameter gradients: Σᵢ Gₗ[i,·]ᵀ·Hₗ₋₁[i,·] as one matrix product, bias sums in sample order. With gradient
/// clipping every per-sample gradient is formed (products rounded to nearest), clipped and summed in sample order.
/// Not thread-safe: one instance per thread.
/// </summary>
public sealed class PointNetwork<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly NetworkArchitecture _architecture;
    private readonly int _capacity;
    private readonly T[][] _preActivations, _activations, _outputGradients, _transposedWeights;
    private readonly T[] _inputs, _transposedGradient, _scratch, _sampleGradient;
    private int _count;

    public PointNetwork(NetworkArchitecture architecture, int capacity)
    {
        _architecture = architecture;
        _capacity = capacity;
        var layers = architecture.Layers;
        _preActivations = [.. layers.Select(l => new T[capacity * l.Outputs])];
        _activations = [.. layers.Select(l => new T[capacity * l.Outputs])];
        _outputGradients = [.. layers.Select(l => new T[capacity * l.Outputs])];
        _transposedWeights = [.. layers.Select(l => new T[l.WeightCount])];
        _inputs = new T[capacity * architecture.Inputs];
        _transposedGradient = new T[capacity * architecture.MaxWidth];
        _scratch = new T[Math.Max(capacity * architecture.MaxWidth, layers.Max(l => l.WeightCount))];
        _sampleGradient = new T[architecture.ParameterCount];
    }

    public NetworkArchitecture Architecture => _architecture;

    /// <summary>Outputs (logits or predictions) of the last forward pass, row-major [count, outputs].</summary>
    public ReadOnlySpan<T> Outputs => _preActivations[^1].AsSpan(0, _count * _architecture.Outputs);

    /// <summary>Runs the forward pass of <paramref name="count"/> samples (features row-major).</summary>
    public void Forward(ReadOnlySpan<T> parameters, ReadOnlySpan<T> features, int count)
    {
        if (count > _capacity) throw new ArgumentException($"At most {_capacity} samples per pass, not {count}.", nameof(count));
        _count = count;
        features[..(count * _architecture.Inputs)].CopyTo(_inputs);
        ReadOnlySpan<T> input = _inputs.AsSpan(0, count * _architecture.Inputs);
        for (var l = 0; l < _architecture.Layers.Count; l++)
        {
            var layer = _architecture.Layers[l];
            var transposed = _transposedWeights[l];
            Transpose(parameters.Slice(layer.WeightOffset, layer.WeightCount), layer.Outputs, layer.Inputs, transposed);
            var z = _preActivations[l].AsSpan(0, count * layer.Outputs);
            PointMatMul.Multiply<T>(input, transposed, z, count, layer.Inputs, layer.Outputs);
            var bias = parameters.Slice(layer.BiasOffset, layer.Outputs);
            var h = _activations[l].AsSpan(0, count * layer.Outputs);
            for (var i = 0; i < count; i++)
            {
                var row = z.Slice(i * layer.Outputs, layer.Outputs);
                TensorPrimitives.Add<T>(row, bias, row); // element-wise IEEE additions, as a scalar loop would do
            }
            if (layer.Relu) TensorPrimitives.Max<T>(z, T.Zero, h);
            else z.CopyTo(h);
            input = h;
        }
    }

    /// <summary>
    /// Backward pass after <see cref="Forward"/>: adds Σᵢ ∂loss(sample i)/∂θ (clipped per sample when asked) to
    /// <paramref name="gradientSum"/> (frozen parameters get nothing).
    /// </summary>
    public void Backward(ReadOnlySpan<T> parameters, LossKind loss, ReadOnlySpan<int> labels, ReadOnlySpan<T> targets,
        GradientClipping? clipping, Span<T> gradientSum)
    {
        var layers = _architecture.Layers;
        var outputs = _architecture.Outputs;
        var last = _outputGradients[^1];
        var targetWidth = loss == LossKind.MeanSquaredError ? outputs : 0;
        for (var i = 0; i < _count; i++)
            PointLoss.Gradient(loss, _preActivations[^1].AsSpan(i * outputs, outputs), labels.IsEmpty ? 0 : labels[i],
                targetWidth == 0 ? default : targets.Slice(i * targetWidth, targetWidth), last.AsSpan(i * outputs, outputs));
        for (var l = layers.Count - 1; l > _architecture.FirstTrainable; l--) PropagateToInput(parameters, l);
        if (clipping is null) AccumulateBatch(gradientSum);
        else AccumulateClipped(clipping, gradientSum);
    }

    // G_{l−1} = (G_l · W_l) ⊙ 1{Z_{l−1} > 0}.
    private void PropagateToInput(ReadOnlySpan<T> parameters, int l)
    {
        var layer = _architecture.Layers[l];
        var previous = _architecture.Layers[l - 1];
        var gradient = _outputGradients[l - 1].AsSpan(0, _count * layer.Inputs);
        PointMatMul.Multiply<T>(_outputGradients[l].AsSpan(0, _count * layer.Outputs), parameters.Slice(layer.WeightOffset, layer.WeightCount),
            gradient, _count, layer.Outputs, layer.Inputs);
        if (!previous.Relu) return;
        PointKernels.ZeroWhereNotPositive<T>(gradient, _preActivations[l - 1].AsSpan(0, gradient.Length));
    }

    private ReadOnlySpan<T> LayerInput(int l)
        => l == 0 ? _inputs.AsSpan(0, _count * _architecture.Inputs) : _activations[l - 1].AsSpan(0, _count * _architecture.Layers[l - 1].Outputs);

    private void AccumulateBatch(Span<T> gradientSum)
    {
        var layers = _architecture.Layers;
        for (var l = _architecture.FirstTrainable; l < layers.Count; l++)
        {
            var layer = layers[l];
            var g = _outputGradients[l].AsSpan(0, _count * layer.Outputs);
            var transposed = _transposedGradient.AsSpan(0, _count * layer.Outputs);
            Transpose(g, _count, layer.Outputs, transposed);
            var product = _scratch.AsSpan(0, layer.WeightCount);
            PointMatMul.Multiply<T>(transposed, LayerInput(l), product, layer.Outputs, _count, layer.Inputs);
            var weights = gradientSum.Slice(layer.WeightOffset, layer.WeightCount);
            TensorPrimitives.Add<T>(weights, product, weights);
            var bias = gradientSum.Slice(layer.BiasOffset, layer.Outputs);
            for (var i = 0; i < _count; i++) TensorPrimitives.Add<T>(bias, g.Slice(i * layer.Outputs, layer.Outputs), bias); // sample order
        }
    }

    private void AccumulateClipped(GradientClipping clipping, Span<T> gradientSum)
    {
        var layers = _architecture.Layers;
        var bound = T.CreateTruncating(clipping.Bound);
        for (var i = 0; i < _count; i++)
        {
            var sample = _sampleGradient.AsSpan();
            for (var l = _architecture.FirstTrainable; l < layers.Count; l++)
            {
                var layer = layers[l];
                var g = _outputGradients[l].AsSpan(i * layer.Outputs, layer.Outputs);
                var h = LayerInput(l).Slice(i * layer.Inputs, layer.Inputs);
                for (var o = 0; o < layer.Outputs; o++)
                {
                    var row = sample.Slice(layer.WeightOffset + o * layer.Inputs, layer.Inputs);
                    for (var j = 0; j < row.Length; j++) row[j] = g[o] * h[j];
                }
                g.CopyTo(sample.Slice(layer.BiasOffset, layer.Outputs));
            }
            var first = layers[_architecture.FirstTrainable].WeightOffset;
            var trainable = sample[first..];
            if (clipping.Kind == ClipKind.Clamp)
                for (var e = 0; e < trainable.Length; e++) trainable[e] = T.Clamp(trainable[e], -bound, bound);
            else
            {
                var squares = T.Zero;
                for (var e = 0; e < trainable.Length; e++) squares += trainable[e] * trainable[e];
                var factor = T.Min(T.One, bound / T.Sqrt(squares)); // C/0 = +∞ → 1
                for (var e = 0; e < trainable.Length; e++) trainable[e] *= factor;
            }
            var sum = gradientSum[first..];
            for (var e = 0; e < trainable.Length; e++) sum[e] += trainable[e];
        }
    }

    /// <summary>destination[c, r] = source[r, c] for a rows×columns source (in 16×16 tiles, for the caches).</summary>
    internal static void Transpose(ReadOnlySpan<T> source, int rows, int columns, Span<T> destination)
    {
        const int tile = 16;
        for (var r0 = 0; r0 < rows; r0 += tile)
            for (var c0 = 0; c0 < columns; c0 += tile)
            {
                var r1 = Math.Min(rows, r0 + tile);
                var c1 = Math.Min(columns, c0 + tile);
                for (var r = r0; r < r1; r++)
                    for (var c = c0; c < c1; c++) destination[c * rows + r] = source[r * columns + c];
            }
    }
}
