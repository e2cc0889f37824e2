using System.Numerics;
using PoisonCert.Models;
using PoisonCert.Numerics;

namespace PoisonCert.Training;

/// <summary>
/// The certificate's parameter box: for every parameter, lower ≤ every reachable value ≤ upper, with the clean run's
/// value (nominal) inside. Frozen parameters have lower = nominal = upper.
/// </summary>
public sealed class ParameterBox<T> where T : IBinaryFloatingPointIeee754<T>
{
    public ParameterBox(NetworkArchitecture architecture, T[] lower, T[] nominal, T[] upper)
    {
        if (lower.Length != architecture.ParameterCount || nominal.Length != lower.Length || upper.Length != lower.Length)
            throw new InvalidConfigurationException($"A parameter box of {architecture} needs {architecture.ParameterCount} values per array.");
        Architecture = architecture;
        Lower = lower;
        Nominal = nominal;
        Upper = upper;
    }

    public NetworkArchitecture Architecture { get; }
    public T[] Lower { get; }
    public T[] Nominal { get; }
    public T[] Upper { get; }

    /// <summary>A zero-width box around point parameters.</summary>
    public static ParameterBox<T> Around(NetworkParameters<T> point)
        => new(point.Architecture, (T[])point.Values.Clone(), (T[])point.Values.Clone(), (T[])point.Values.Clone());

    /// <summary>Mean of (upper − lower) over the trainable parameters, rounded upward, in double.</summary>
    public double MeanWidth()
    {
        var start = Architecture.Layers[Architecture.FirstTrainable].WeightOffset;
        var total = 0.0;
        for (var e = start; e < Lower.Length; e++)
            total = Rounding.AddUp(total, Rounding.SubUp(double.CreateTruncating(Upper[e]), double.CreateTruncating(Lower[e])));
        return Rounding.DivUp(total, Lower.Length - start);
    }

    /// <summary>Largest (upper − lower) over all parameters.</summary>
    public double MaxWidth()
    {
        var widest = 0.0;
        for (var e = 0; e < Lower.Length; e++)
            widest = Math.Max(widest, Rounding.SubUp(double.CreateTruncating(Upper[e]), double.CreateTruncating(Lower[e])));
        return widest;
    }

    /// <summary>True when every value of <paramref name="parameters"/> lies in the box (no slack).</summary>
    public bool Contains(ReadOnlySpan<T> parameters)
    {
        for (var e = 0; e < Lower.Length; e++) if (!(Lower[e] <= parameters[e] && parameters[e] <= Upper[e])) return false;
        return true;
    }

    /// <summary>The first parameter outside the box, described (tensor and index), or null.</summary>
    public string? FirstEscape(ReadOnlySpan<T> parameters)
    {
        for (var e = 0; e < Lower.Length; e++)
        {
            if (Lower[e] <= parameters[e] && parameters[e] <= Upper[e]) continue;
            var (entry, index) = Architecture.Locate(e);
            return $"{entry.Name}[{string.Join(", ", index)}] = {parameters[e]:R} outside [{Lower[e]:R}, {Upper[e]:R}]";
        }
        return null;
    }

    /// <summary>Copies of the arrays (the trainer keeps updating its own).</summary>
    public ParameterBox<T> Clone() => new(Architecture, (T[])Lower.Clone(), (T[])Nominal.Clone(), (T[])Upper.Clone());

    /// <summary>The parameter tensors as named (lower, nominal, upper) arrays, for certificate files.</summary>
    public IEnumerable<(ParameterEntry Entry, T[] Lower, T[] Nominal, T[] Upper)> Tensors()
        => Architecture.Parameters.Select(entry => (entry, Lower.AsSpan(entry.Offset, entry.Length).ToArray(),
            Nominal.AsSpan(entry.Offset, entry.Length).ToArray(), Upper.AsSpan(entry.Offset, entry.Length).ToArray()));
}
