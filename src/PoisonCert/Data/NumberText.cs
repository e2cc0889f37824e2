using System.Globalization;

namespace PoisonCert.Data;

/// <summary>Parsing of numeric cells: invariant culture, decimal or exponent notation, finite values only.</summary>
internal static class NumberText
{
    private const NumberStyles Style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    /// <summary>True when the text is a number in invariant notation (finite or not: "1e999" is a number that overflows).</summary>
    public static bool LooksNumeric(ReadOnlySpan<char> text) =>
        double.TryParse(text, Style, CultureInfo.InvariantCulture, out _);

    /// <summary>Parses a finite number or returns the problem to report (null on success).</summary>
    public static string? TryParseFinite(ReadOnlySpan<char> text, out double value)
    {
        if (!double.TryParse(text, Style, CultureInfo.InvariantCulture, out value))
        {
            return $"expected a number, found '{Shorten(text)}'";
        }
        if (!double.IsFinite(value))
        {
            return $"expected a finite number, found '{Shorten(text)}' (parses as {value.ToString(CultureInfo.InvariantCulture)})";
        }
        return null;
    }

    /// <summary>Cell text cut to a readable length for an error message.</summary>
    public static string Shorten(ReadOnlySpan<char> text) =>
        text.Length <= 40 ? text.ToString() : string.Concat(text[..37], "...");
}
