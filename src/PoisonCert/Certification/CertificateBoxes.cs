using System.Numerics;
using PoisonCert.Models;
using PoisonCert.Runs;
using PoisonCert.Training;

namespace PoisonCert.Certification;

/// <summary>Parameter boxes to and from certificate files (the box of a saved certificate, for test-time use).</summary>
public static class CertificateBoxes
{
    /// <summary>
    /// The parameter box recorded in <paramref name="certificate"/> for a network of the given architecture; names,
    /// shapes and precision must match (each mismatch is named).
    /// </summary>
    public static ParameterBox<T> Load<T>(CertificateFile certificate, NetworkArchitecture architecture) where T : IBinaryFloatingPointIeee754<T>
    {
        var precision = typeof(T) == typeof(float) ? NumericPrecision.Float32 : NumericPrecision.Float64;
        if (certificate.Precision != precision)
            throw new InvalidConfigurationException($"The certificate holds {certificate.Precision} parameters, not {precision}.");
        var (lower, nominal, upper) = (new T[architecture.ParameterCount], new T[architecture.ParameterCount], new T[architecture.ParameterCount]);
        var seen = new HashSet<string>();
        foreach (var bounds in certificate.Parameters)
        {
            var entry = architecture.Find(bounds.Name);
            if (!bounds.Shape.SequenceEqual(entry.Shape))
                throw new InvalidConfigurationException($"Parameter {bounds.Name} has shape [{string.Join(", ", bounds.Shape)}] in the certificate; the network expects [{string.Join(", ", entry.Shape)}].");
            for (var i = 0; i < entry.Length; i++)
            {
                lower[entry.Offset + i] = T.CreateTruncating(bounds.Lower[i]);   // exact: the values are of precision T
                nominal[entry.Offset + i] = T.CreateTruncating(bounds.Nominal[i]);
                upper[entry.Offset + i] = T.CreateTruncating(bounds.Upper[i]);
            }
            seen.Add(bounds.Name);
        }
        var missing = architecture.Parameters.Where(p => !seen.Contains(p.Name)).Select(p => p.Name).ToList();
        if (missing.Count > 0) throw new InvalidConfigurationException($"The certificate lacks parameters {string.Join(", ", missing)}.");
        return new ParameterBox<T>(architecture, lower, nominal, upper);
    }

    /// <summary>The certificate's parameter entries for a box (row-major arrays, bit for bit).</summary>
    public static IReadOnlyList<ParameterBounds> Bounds<T>(ParameterBox<T> box) where T : IBinaryFloatingPointIeee754<T>
        => [.. box.Tensors().Select(t => new ParameterBounds(t.Entry.Name, t.Entry.Shape, Values(t.Lower), Values(t.Nominal), Values(t.Upper)))];

    private static ParameterValues Values<T>(T[] values) where T : IBinaryFloatingPointIeee754<T>
        => values is float[] single ? ParameterValues.Of(single) : ParameterValues.Of((double[])(object)values);
}
