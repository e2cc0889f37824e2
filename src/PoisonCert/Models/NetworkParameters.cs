using System.Numerics;
using PoisonCert.Workloads;

namespace PoisonCert.Models;

/// <summary>Point-valued parameters of a network: one flat vector laid out as <see cref="NetworkArchitecture.Parameters"/>.</summary>
public sealed class NetworkParameters<T> where T : IBinaryFloatingPointIeee754<T>
{
    public NetworkParameters(NetworkArchitecture architecture, T[] values)
    {
        if (values.Length != architecture.ParameterCount)
            throw new InvalidConfigurationException($"The network {architecture} has {architecture.ParameterCount} parameters, not {values.Length}.");
        for (var i = 0; i < values.Length; i++)
            if (!T.IsFinite(values[i]))
            {
                var (entry, index) = architecture.Locate(i);
                throw new InvalidConfigurationException($"Parameter {entry.Name}[{string.Join(", ", index)}] is {values[i]}: parameters must be finite.");
            }
        Architecture = architecture;
        Values = values;
    }

    public NetworkArchitecture Architecture { get; }
    public T[] Values { get; }

    public ReadOnlySpan<T> Of(ParameterEntry entry) => Values.AsSpan(entry.Offset, entry.Length);

    public NetworkParameters<T> Clone() => new(Architecture, (T[])Values.Clone());

    /// <summary>
    /// PyTorch's default initialisation of nn.Linear (weights and biases uniform in ±1/√inputs), drawn from
    /// counter-based SplitMix64 streams: tensor j of the network uses key (seed·64 + j + 1), so every tensor is
    /// reproducible on its own.
    /// </summary>
    public static NetworkParameters<T> Initialize(NetworkArchitecture architecture, ulong seed)
    {
        var values = new T[architecture.ParameterCount];
        for (var j = 0; j < architecture.Parameters.Count; j++)
        {
            var entry = architecture.Parameters[j];
            var layer = architecture.Layers[entry.LayerIndex];
            var bound = 1.0 / Math.Sqrt(layer.Inputs);
            var drawn = CounterStream.Uniform(unchecked(seed * 64 + (ulong)j + 1), entry.Length, -bound, bound);
            for (var i = 0; i < entry.Length; i++) values[entry.Offset + i] = T.CreateTruncating(drawn[i]);
        }
        return new NetworkParameters<T>(architecture, values);
    }

    /// <summary>Parameters from named tensors (e.g. a workload's initial parameters), checked against the layout.</summary>
    public static NetworkParameters<T> FromTensors(NetworkArchitecture architecture, IEnumerable<(string Name, int[] Shape, float[] Values)> tensors)
    {
        var values = new T[architecture.ParameterCount];
        var seen = new HashSet<string>();
        foreach (var (name, shape, data) in tensors)
        {
            var entry = architecture.Find(name);
            if (!shape.SequenceEqual(entry.Shape))
                throw new InvalidConfigurationException($"Parameter {name} has shape [{string.Join(", ", shape)}]; the network expects [{string.Join(", ", entry.Shape)}].");
            for (var i = 0; i < data.Length; i++) values[entry.Offset + i] = T.CreateTruncating(data[i]);
            seen.Add(name);
        }
        var missing = architecture.Parameters.Where(p => !seen.Contains(p.Name)).Select(p => p.Name).ToList();
        if (missing.Count > 0) throw new InvalidConfigurationException($"Missing parameters: {string.Join(", ", missing)}.");
        return new NetworkParameters<T>(architecture, values);
    }
}
