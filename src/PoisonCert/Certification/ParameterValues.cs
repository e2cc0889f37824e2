using PoisonCert.Runs;

namespace PoisonCert.Certification;

/// <summary>
/// The values of one parameter tensor, row-major, as float32 or float64. The instance keeps the array it was
/// made from (no copy): do not change it afterwards. Equality is bit for bit (<see cref="BitwiseEquals"/>).
/// </summary>
public sealed class ParameterValues
{
    private readonly float[]? _single;
    private readonly double[]? _double;

    private ParameterValues(float[]? single, double[]? values)
    {
        _single = single;
        _double = values;
    }

    public static ParameterValues Of(float[] values) => new(values ?? throw new ArgumentNullException(nameof(values)), null);

    public static ParameterValues Of(double[] values) => new(null, values ?? throw new ArgumentNullException(nameof(values)));

    public NumericPrecision Precision => _single is not null ? NumericPrecision.Float32 : NumericPrecision.Float64;

    public int Length => _single?.Length ?? _double!.Length;

    /// <summary>The float32 values (only for <see cref="NumericPrecision.Float32"/>).</summary>
    public ReadOnlySpan<float> Single => _single ?? throw new InvalidOperationException("These parameter values are float64.");

    /// <summary>The float64 values (only for <see cref="NumericPrecision.Float64"/>).</summary>
    public ReadOnlySpan<double> Double => _double ?? throw new InvalidOperationException("These parameter values are float32.");

    /// <summary>One value, widened to double (exact).</summary>
    public double this[int index] => _single is not null ? _single[index] : _double![index];

    public int ElementSize => _single is not null ? sizeof(float) : sizeof(double);

    /// <summary>Index of the first NaN or infinite value, or −1.</summary>
    public int FirstNonFinite()
    {
        return _single is not null ? Array.FindIndex(_single, value => !float.IsFinite(value)) : Array.FindIndex(_double!, value => !double.IsFinite(value));
    }

    /// <summary>Same precision, length and bits (so −0 differs from +0).</summary>
    public bool BitwiseEquals(ParameterValues other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Precision != Precision || other.Length != Length)
        {
            return false;
        }
        if (_single is not null)
        {
            for (int index = 0; index < _single.Length; index++)
            {
                if (BitConverter.SingleToInt32Bits(_single[index]) != BitConverter.SingleToInt32Bits(other._single![index]))
                {
                    return false;
                }
            }
            return true;
        }
        for (int index = 0; index < _double!.Length; index++)
        {
            if (BitConverter.DoubleToInt64Bits(_double[index]) != BitConverter.DoubleToInt64Bits(other._double![index]))
            {
                return false;
            }
        }
        return true;
    }

    internal IReadOnlyList<string> Formatted()
    {
        var texts = new string[Length];
        for (int index = 0; index < texts.Length; index++)
        {
            texts[index] = _single is not null ? CanonicalJson.Format(_single[index]) : CanonicalJson.Format(_double![index]);
        }
        return texts;
    }
}

/// <summary>
/// One parameter tensor of a certificate: its name (e.g. <c>dense0.weight</c>), shape, and the certified box
/// [lower, upper] around the nominal (clean-run) values, all row-major.
/// </summary>
public sealed record ParameterBounds(string Name, IReadOnlyList<int> Shape, ParameterValues Lower, ParameterValues Nominal, ParameterValues Upper)
{
    public int ElementCount => Shape.Aggregate(1, (product, dimension) => checked(product * dimension));
}

/// <summary>One parameter tensor of a parameters file: name, shape and values, row-major.</summary>
public sealed record ParameterTensor(string Name, IReadOnlyList<int> Shape, ParameterValues Values)
{
    public int ElementCount => Shape.Aggregate(1, (product, dimension) => checked(product * dimension));
}
