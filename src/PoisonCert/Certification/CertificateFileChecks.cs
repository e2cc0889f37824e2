using PoisonCert.Runs;

namespace PoisonCert.Certification;

/// <summary>The invariants of parameter arrays, checked when a certificate or parameters file is written and when it is read.</summary>
internal static class CertificateFileChecks
{
    /// <summary>The first problem with a list of tensors (path, message), or null.</summary>
    public static (string Path, string Problem)? CheckBounds(IReadOnlyList<ParameterBounds> parameters, NumericPrecision precision, string basePath = "$.parameters")
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int index = 0; index < parameters.Count; index++)
        {
            ParameterBounds tensor = parameters[index];
            string path = $"{basePath}[{index}]";
            if (CheckLayout(tensor.Name, tensor.Shape, names) is string layout)
            {
                return (path, layout);
            }
            int count = tensor.ElementCount;
            foreach ((string part, ParameterValues values) in new[] { ("lower", tensor.Lower), ("nominal", tensor.Nominal), ("upper", tensor.Upper) })
            {
                if (values.Precision != precision)
                {
                    return ($"{path}.{part}", $"the values are {RunVocabulary.Precision.Name(values.Precision)}, the run's precision is {RunVocabulary.Precision.Name(precision)}");
                }
                if (values.Length != count)
                {
                    return ($"{path}.{part}", $"expected {count} values for shape [{string.Join(", ", tensor.Shape)}], got {values.Length}");
                }
                int bad = values.FirstNonFinite();
                if (bad >= 0)
                {
                    return ($"{path}.{part}[{bad}]", $"'{tensor.Name}' {part} value {bad} is {values[bad]}: a bound must be a finite number (NaN and infinities are never certified)");
                }
            }
            for (int element = 0; element < count; element++)
            {
                double lower = tensor.Lower[element], nominal = tensor.Nominal[element], upper = tensor.Upper[element];
                if (!(lower <= nominal && nominal <= upper))
                {
                    return ($"{path}.nominal[{element}]", $"'{tensor.Name}' element {element}: expected lower ≤ nominal ≤ upper, got {lower:R} ≤ {nominal:R} ≤ {upper:R}");
                }
            }
        }
        return null;
    }

    public static (string Path, string Problem)? CheckTensors(IReadOnlyList<ParameterTensor> parameters, NumericPrecision precision)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int index = 0; index < parameters.Count; index++)
        {
            ParameterTensor tensor = parameters[index];
            string path = $"$.parameters[{index}]";
            if (CheckLayout(tensor.Name, tensor.Shape, names) is string layout)
            {
                return (path, layout);
            }
            if (tensor.Values.Precision != precision)
            {
                return ($"{path}.values", $"the values are {RunVocabulary.Precision.Name(tensor.Values.Precision)}, the file's precision is {RunVocabulary.Precision.Name(precision)}");
            }
            if (tensor.Values.Length != tensor.ElementCount)
            {
                return ($"{path}.values", $"expected {tensor.ElementCount} values for shape [{string.Join(", ", tensor.Shape)}], got {tensor.Values.Length}");
            }
            int bad = tensor.Values.FirstNonFinite();
            if (bad >= 0)
            {
                return ($"{path}.values[{bad}]", $"'{tensor.Name}' value {bad} is {tensor.Values[bad]}: expected a finite number");
            }
        }
        return null;
    }

    private static string? CheckLayout(string name, IReadOnlyList<int> shape, HashSet<string> names)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "a parameter tensor needs a non-empty name";
        }
        if (!names.Add(name))
        {
            return $"the parameter name '{name}' appears twice: expected unique names";
        }
        if (shape.Count == 0 || shape.Any(dimension => dimension < 1))
        {
            return $"'{name}' has shape [{string.Join(", ", shape)}]: expected one or more positive dimensions";
        }
        try
        {
            _ = shape.Aggregate(1, (product, dimension) => checked(product * dimension));
        }
        catch (OverflowException)
        {
            return $"'{name}' has shape [{string.Join(", ", shape)}], which holds more than {int.MaxValue} values";
        }
        return null;
    }
}
