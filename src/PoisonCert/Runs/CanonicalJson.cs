using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PoisonCert.Runs;

/// <summary>
/// Writes the canonical JSON of PoisonCert's files: indented by two spaces, '\n' line ends, non-ASCII text
/// unescaped, numbers in their shortest round-trip form ("R"), so that reading a value back gives the same bits.
/// </summary>
internal static class CanonicalJson
{
    public static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }
        buffer.WriteByte((byte)'\n');
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static void Number(Utf8JsonWriter writer, string name, double value)
    {
        writer.WritePropertyName(name);
        Number(writer, value);
    }

    public static void Number(Utf8JsonWriter writer, double value) =>
        writer.WriteRawValue(Format(value), skipInputValidation: true);

    public static string Format(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON has no NaN or infinity.");
        }
        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    public static string Format(float value)
    {
        if (!float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON has no NaN or infinity.");
        }
        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    public static void Strings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (string value in values)
        {
            writer.WriteStringValue(value);
        }
        writer.WriteEndArray();
    }

    /// <summary>A numeric array on one line, e.g. <c>[1, 2.5, -3E-05]</c>.</summary>
    public static void InlineArray(Utf8JsonWriter writer, string name, IReadOnlyList<string> formatted)
    {
        writer.WritePropertyName(name);
        writer.WriteRawValue("[" + string.Join(", ", formatted) + "]", skipInputValidation: true);
    }
}
