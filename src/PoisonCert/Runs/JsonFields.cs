using System.Globalization;

namespace PoisonCert.Runs;

/// <summary>
/// The fields of one JSON object, read strictly: each field is taken by name at most once, and
/// <see cref="RejectUnknown"/> throws for the first field that no one asked for, listing the known ones.
/// </summary>
internal sealed class JsonFields
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly List<string> _knownInOrder = [];

    public JsonFields(JsonNode node, JsonErrors errors, string what)
    {
        if (node.Kind != JsonKind.Object)
        {
            throw errors.At(node, $"expected {what} (a JSON object), got {node.Describe()}");
        }
        Node = node;
        Errors = errors;
    }

    public JsonNode Node { get; }

    public JsonErrors Errors { get; }

    public string Path => Node.Path;

    /// <summary>The value of a field, or null when it is absent. An explicit JSON null is returned as a node.</summary>
    public JsonNode? Optional(string name)
    {
        Know(name);
        return Node.Properties.FirstOrDefault(property => property.Name == name)?.Value;
    }

    /// <summary>The value of a field, or null when it is absent or JSON null.</summary>
    public JsonNode? OptionalNotNull(string name)
    {
        JsonNode? value = Optional(name);
        return value is null || value.Kind == JsonKind.Null ? null : value;
    }

    public JsonNode Required(string name, string expected)
    {
        return OptionalNotNull(name)
            ?? throw Errors.At(Node, $"the required field '{name}' is missing: expected {expected}");
    }

    public bool Has(string name) => Node.Properties.Any(property => property.Name == name);

    /// <summary>Throws for the first field not asked for with <see cref="Optional"/> or <see cref="Required"/>.</summary>
    public void RejectUnknown(IEnumerable<string>? alsoKnown = null)
    {
        foreach (string name in alsoKnown ?? [])
        {
            Know(name);
        }
        foreach (JsonProperty property in Node.Properties)
        {
            if (!_known.Contains(property.Name))
            {
                throw Errors.At(JsonNode.ChildPath(Node.Path, property.Name), property.Line, property.Column,
                    $"unknown field '{property.Name}': expected one of {string.Join(", ", _knownInOrder.Select(name => $"'{name}'"))}");
            }
        }
    }

    /// <summary>Throws when a field is present that does not apply (e.g. an Adam parameter for SGD).</summary>
    public void RejectPresent(string name, string reason)
    {
        JsonProperty? property = Node.Properties.FirstOrDefault(candidate => candidate.Name == name);
        if (property is not null)
        {
            throw Errors.At(JsonNode.ChildPath(Node.Path, property.Name), property.Line, property.Column,
                $"the field '{name}' does not apply here: {reason}");
        }
    }

    private void Know(string name)
    {
        if (_known.Add(name))
        {
            _knownInOrder.Add(name);
        }
    }
}

/// <summary>Strict conversions of JSON values to the types the readers expect, with messages naming the expectation.</summary>
internal static class JsonValues
{
    public static string String(JsonNode node, JsonErrors errors, string expected = "a string")
    {
        if (node.Kind != JsonKind.String)
        {
            throw errors.At(node, $"expected {expected}, got {node.Describe()}");
        }
        return node.Text!;
    }

    public static string NonEmptyString(JsonNode node, JsonErrors errors, string expected = "a non-empty string")
    {
        string text = String(node, errors, expected);
        if (text.Length == 0)
        {
            throw errors.At(node, $"expected {expected}, got an empty string");
        }
        return text;
    }

    public static bool Boolean(JsonNode node, JsonErrors errors)
    {
        return node.Kind switch
        {
            JsonKind.True => true,
            JsonKind.False => false,
            _ => throw errors.At(node, $"expected true or false, got {node.Describe()}"),
        };
    }

    public static int Integer(JsonNode node, JsonErrors errors, int minimum, int maximum = int.MaxValue, string? expected = null)
    {
        expected ??= maximum == int.MaxValue
            ? minimum == 0 ? "a non-negative integer" : $"an integer of at least {minimum}"
            : $"an integer from {minimum} to {maximum}";
        if (node.Kind != JsonKind.Number || !long.TryParse(node.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            throw errors.At(node, $"expected {expected}, got {node.Describe()}");
        }
        if (value < minimum || value > maximum)
        {
            throw errors.At(node, $"expected {expected}, got {node.Text}");
        }
        return (int)value;
    }

    public static long Long(JsonNode node, JsonErrors errors, long minimum)
    {
        if (node.Kind != JsonKind.Number || !long.TryParse(node.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) || value < minimum)
        {
            throw errors.At(node, $"expected an integer of at least {minimum}, got {node.Describe()}");
        }
        return value;
    }

    public static ulong UnsignedLong(JsonNode node, JsonErrors errors)
    {
        if (node.Kind != JsonKind.Number || !ulong.TryParse(node.Text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
        {
            throw errors.At(node, $"expected a non-negative integer (a 64-bit seed), got {node.Describe()}");
        }
        return value;
    }

    /// <summary>A finite double; <paramref name="expected"/> describes the accepted range for the message.</summary>
    public static double Double(JsonNode node, JsonErrors errors, Func<double, bool> accept, string expected)
    {
        if (node.Kind != JsonKind.Number || !double.TryParse(node.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw errors.At(node, $"expected {expected}, got {node.Describe()}");
        }
        if (!accept(value))
        {
            throw errors.At(node, $"expected {expected}, got {node.Text}");
        }
        return value;
    }

    public static double NonNegative(JsonNode node, JsonErrors errors) =>
        Double(node, errors, value => value >= 0, "a non-negative finite number");

    public static double Positive(JsonNode node, JsonErrors errors) =>
        Double(node, errors, value => value > 0, "a positive finite number");

    public static double Any(JsonNode node, JsonErrors errors) =>
        Double(node, errors, _ => true, "a finite number");

    public static List<JsonNode> Array(JsonNode node, JsonErrors errors, string expected)
    {
        if (node.Kind != JsonKind.Array)
        {
            throw errors.At(node, $"expected {expected} (a JSON array), got {node.Describe()}");
        }
        return node.Items;
    }

    public static List<string> Strings(JsonNode node, JsonErrors errors, string expected = "a list of strings") =>
        [.. Array(node, errors, expected).Select(item => String(item, errors, "a string"))];

    public static List<int> Integers(JsonNode node, JsonErrors errors, int minimum, string expected) =>
        [.. Array(node, errors, expected).Select(item => Integer(item, errors, minimum))];

    public static T Enum<T>(JsonNode node, JsonErrors errors, JsonEnum<T> names) where T : struct, System.Enum
    {
        string text = String(node, errors, $"one of {names.Choices}");
        return names.TryParse(text, out T value)
            ? value
            : throw errors.At(node, $"expected one of {names.Choices}, got \"{text}\"");
    }
}
