namespace PoisonCert.Models;

/// <summary>One layer of a sequential network as a user writes it: Dense(outputs), ReLU, or Flatten (first only).</summary>
public abstract record LayerSpec
{
    public static LayerSpec Dense(int outputs) => new DenseSpec(outputs);
    public static LayerSpec Relu() => new ReluSpec();
    public static LayerSpec Flatten() => new FlattenSpec();
}

public sealed record DenseSpec(int Outputs) : LayerSpec;

public sealed record ReluSpec : LayerSpec;

/// <summary>Flattens an image-shaped input into a vector; only meaningful as the first layer (inputs are stored flat).</summary>
public sealed record FlattenSpec : LayerSpec;

/// <summary>
/// A dense layer of the network as the engine runs it: y = x·Wᵀ + b with W of shape [Outputs, Inputs] (PyTorch
/// layout), optionally followed by ReLU. <see cref="Frozen"/> layers have point-valued parameters that training
/// never changes (a pretrained feature extractor being fine-tuned).
/// </summary>
public sealed record DenseLayer(int Index, string Name, int Inputs, int Outputs, bool Relu, bool Frozen, int WeightOffset, int BiasOffset)
{
    public int WeightCount => Inputs * Outputs;
}

/// <summary>
/// A sequential network of Dense and ReLU layers (and a leading Flatten), with a frozen prefix of
/// <see cref="FrozenLayers"/> dense layers and a trainable suffix. Parameters live in one flat vector: for each
/// dense layer its weight (row-major [outputs, inputs]) then its bias; names follow PyTorch's nn.Sequential
/// ("layer0.weight", "layer0.bias", "layer2.weight", ... counting every layer, ReLU and Flatten included).
/// </summary>
public sealed class NetworkArchitecture
{
    private NetworkArchitecture(int inputs, IReadOnlyList<DenseLayer> layers, IReadOnlyList<LayerSpec> specs, int frozenLayers)
    {
        Inputs = inputs;
        Layers = layers;
        Specs = specs;
        FrozenLayers = frozenLayers;
        ParameterCount = layers.Count == 0 ? 0 : layers[^1].BiasOffset + layers[^1].Outputs;
        var entries = new List<ParameterEntry>();
        foreach (var layer in layers)
        {
            entries.Add(new ParameterEntry(layer.Name + ".weight", [layer.Outputs, layer.Inputs], layer.WeightOffset, layer.WeightCount, layer.Index, layer.Frozen));
            entries.Add(new ParameterEntry(layer.Name + ".bias", [layer.Outputs], layer.BiasOffset, layer.Outputs, layer.Index, layer.Frozen));
        }
        Parameters = entries;
    }

    public int Inputs { get; }
    public int Outputs => Layers[^1].Outputs;
    public IReadOnlyList<DenseLayer> Layers { get; }
    public IReadOnlyList<LayerSpec> Specs { get; }
    public int FrozenLayers { get; }
    public int ParameterCount { get; }
    public IReadOnlyList<ParameterEntry> Parameters { get; }

    /// <summary>Index of the first trainable dense layer.</summary>
    public int FirstTrainable => FrozenLayers;

    /// <summary>Widest layer input or output (the size of per-sample work buffers).</summary>
    public int MaxWidth => Math.Max(Inputs, Layers.Max(layer => Math.Max(layer.Inputs, layer.Outputs)));

    /// <summary>Dense(h₁)-ReLU-…-Dense(h_n)-ReLU-Dense(outputs): the multilayer perceptron most runs use.</summary>
    public static NetworkArchitecture Perceptron(int inputs, IReadOnlyList<int> hidden, int outputs, int frozenLayers = 0)
    {
        var specs = new List<LayerSpec>();
        foreach (var width in hidden)
        {
            specs.Add(LayerSpec.Dense(width));
            specs.Add(LayerSpec.Relu());
        }
        specs.Add(LayerSpec.Dense(outputs));
        return FromLayers(inputs, specs, frozenLayers);
    }

    /// <summary>
    /// Builds the network from its layer list. Rules (each violation names the layer): Flatten only first; every
    /// ReLU follows a Dense; at least one Dense; the last layer is Dense (the outputs are logits or predictions);
    /// widths positive; 0 ≤ frozenLayers &lt; number of dense layers (something must be trainable).
    /// </summary>
    public static NetworkArchitecture FromLayers(int inputs, IReadOnlyList<LayerSpec> specs, int frozenLayers)
    {
        if (inputs <= 0) throw new InvalidConfigurationException($"The network needs a positive number of inputs, not {inputs}.");
        var layers = new List<DenseLayer>();
        var width = inputs;
        var offset = 0;
        for (var i = 0; i < specs.Count; i++)
        {
            switch (specs[i])
            {
                case FlattenSpec when i != 0:
                    throw new InvalidConfigurationException($"Layer {i}: Flatten may only be the first layer.");
                case FlattenSpec:
                    break;
                case ReluSpec when i == 0 || specs[i - 1] is not DenseSpec:
                    throw new InvalidConfigurationException($"Layer {i}: ReLU must follow a Dense layer.");
                case ReluSpec:
                    layers[^1] = layers[^1] with { Relu = true };
                    break;
                case DenseSpec dense when dense.Outputs <= 0:
                    throw new InvalidConfigurationException($"Layer {i}: Dense needs a positive width, not {dense.Outputs}.");
                case DenseSpec dense:
                    var frozen = layers.Count < frozenLayers;
                    var weightOffset = offset;
                    offset = checked(offset + width * dense.Outputs);
                    layers.Add(new DenseLayer(layers.Count, $"layer{i}", width, dense.Outputs, Relu: false, frozen, weightOffset, offset));
                    offset = checked(offset + dense.Outputs);
                    width = dense.Outputs;
                    break;
                default:
                    throw new InvalidConfigurationException($"Layer {i}: unsupported layer {specs[i]}.");
            }
        }
        if (layers.Count == 0) throw new InvalidConfigurationException("The network needs at least one Dense layer.");
        if (specs[^1] is not DenseSpec) throw new InvalidConfigurationException("The last layer must be Dense (its outputs are the logits or predictions).");
        if (frozenLayers < 0 || frozenLayers >= layers.Count)
            throw new InvalidConfigurationException(
                $"frozenLayers = {frozenLayers}: it must lie in [0, {layers.Count - 1}] so that at least one of the {layers.Count} dense layers is trained.");
        return new NetworkArchitecture(inputs, layers, specs, frozenLayers);
    }

    /// <summary>The entry with this name ("layer0.weight"), or an error listing the names.</summary>
    public ParameterEntry Find(string name)
        => Parameters.FirstOrDefault(entry => entry.Name == name)
           ?? throw new InvalidConfigurationException($"No parameter named '{name}'; the network has {string.Join(", ", Parameters.Select(p => p.Name))}.");

    /// <summary>The parameter entry and index within it of a flat parameter position (for error messages).</summary>
    public (ParameterEntry Entry, int[] Index) Locate(int flatIndex)
    {
        foreach (var entry in Parameters)
        {
            if (flatIndex < entry.Offset || flatIndex >= entry.Offset + entry.Length) continue;
            var local = flatIndex - entry.Offset;
            return entry.Shape.Length == 1 ? (entry, [local]) : (entry, [local / entry.Shape[1], local % entry.Shape[1]]);
        }
        throw new ArgumentOutOfRangeException(nameof(flatIndex), flatIndex, "Not a parameter position.");
    }

    public override string ToString()
        => $"{Inputs} → " + string.Join(" → ", Layers.Select(l => $"Dense({l.Outputs}){(l.Relu ? "-ReLU" : "")}{(l.Frozen ? " [frozen]" : "")}"));
}

/// <summary>One named parameter tensor inside the flat parameter vector.</summary>
public sealed record ParameterEntry(string Name, int[] Shape, int Offset, int Length, int LayerIndex, bool Frozen);
