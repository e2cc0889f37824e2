using System.Text.Json;
using System.Text.RegularExpressions;

namespace PoisonCert.Tests.Runs;

/// <summary>
/// A small JSON Schema check (no schema package is available): type, enum, const, properties, required,
/// additionalProperties: false, items, oneOf, local $ref, minimum, exclusiveMinimum, minItems and pattern.
/// Enough to keep docs/schemas in step with what the writers produce and the examples hold.
/// </summary>
internal static class SchemaConformance
{
    public static string SchemaPath(string name) => Path.Combine(Examples.RepositoryRoot, "docs", "schemas", name);

    /// <summary>Every mismatch as "path: problem"; empty when the instance conforms.</summary>
    public static List<string> Check(string schemaFile, string instanceJson)
    {
        using JsonDocument schema = JsonDocument.Parse(File.ReadAllText(SchemaPath(schemaFile)));
        using JsonDocument instance = JsonDocument.Parse(instanceJson);
        var problems = new List<string>();
        Check(schema.RootElement, schema.RootElement, instance.RootElement, "$", problems);
        return problems;
    }

    private static void Check(JsonElement root, JsonElement schema, JsonElement value, string path, List<string> problems)
    {
        if (schema.TryGetProperty("$ref", out JsonElement reference))
        {
            string name = reference.GetString()!.Replace("#/$defs/", "", StringComparison.Ordinal);
            Check(root, root.GetProperty("$defs").GetProperty(name), value, path, problems);
            return;
        }
        if (schema.TryGetProperty("oneOf", out JsonElement choices))
        {
            int matching = choices.EnumerateArray().Count(choice =>
            {
                var trial = new List<string>();
                Check(root, choice, value, path, trial);
                return trial.Count == 0;
            });
            if (matching != 1)
            {
                problems.Add($"{path}: matches {matching} of the oneOf choices, expected exactly 1");
            }
            return;
        }
        if (schema.TryGetProperty("type", out JsonElement type))
        {
            string[] types = type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(item => item.GetString()!)] : [type.GetString()!];
            if (!types.Any(name => HasType(value, name)))
            {
                problems.Add($"{path}: expected {string.Join(" or ", types)}, got {value.ValueKind}");
                return;
            }
        }
        if (schema.TryGetProperty("enum", out JsonElement allowed) && !allowed.EnumerateArray().Any(choice => JsonElement.DeepEquals(choice, value)))
        {
            problems.Add($"{path}: {value.GetRawText()} is not one of {allowed.GetRawText()}");
        }
        if (schema.TryGetProperty("const", out JsonElement constant) && !JsonElement.DeepEquals(constant, value))
        {
            problems.Add($"{path}: expected {constant.GetRawText()}, got {value.GetRawText()}");
        }
        if (value.ValueKind == JsonValueKind.Number)
        {
            double number = value.GetDouble();
            if (schema.TryGetProperty("minimum", out JsonElement minimum) && number < minimum.GetDouble())
            {
                problems.Add($"{path}: {number} is below the minimum {minimum.GetDouble()}");
            }
            if (schema.TryGetProperty("exclusiveMinimum", out JsonElement exclusive) && number <= exclusive.GetDouble())
            {
                problems.Add($"{path}: {number} is not above {exclusive.GetDouble()}");
            }
        }
        if (value.ValueKind == JsonValueKind.String && schema.TryGetProperty("pattern", out JsonElement pattern)
            && !Regex.IsMatch(value.GetString()!, pattern.GetString()!))
        {
            problems.Add($"{path}: \"{value.GetString()}\" does not match {pattern.GetString()}");
        }
        if (value.ValueKind == JsonValueKind.Object)
        {
            JsonElement properties = schema.TryGetProperty("properties", out JsonElement known) ? known : default;
            if (schema.TryGetProperty("required", out JsonElement required))
            {
                foreach (JsonElement name in required.EnumerateArray())
                {
                    if (!value.TryGetProperty(name.GetString()!, out _))
                    {
                        problems.Add($"{path}: the required field '{name.GetString()}' is missing");
                    }
                }
            }
            bool closed = schema.TryGetProperty("additionalProperties", out JsonElement additional) && additional.ValueKind == JsonValueKind.False;
            foreach (JsonProperty property in value.EnumerateObject())
            {
                if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out JsonElement propertySchema))
                {
                    Check(root, propertySchema, property.Value, $"{path}.{property.Name}", problems);
                }
                else if (closed)
                {
                    problems.Add($"{path}: the field '{property.Name}' is not in the schema");
                }
            }
        }
        if (value.ValueKind == JsonValueKind.Array)
        {
            if (schema.TryGetProperty("minItems", out JsonElement minItems) && value.GetArrayLength() < minItems.GetInt32())
            {
                problems.Add($"{path}: expected at least {minItems.GetInt32()} items");
            }
            if (schema.TryGetProperty("items", out JsonElement items))
            {
                int index = 0;
                foreach (JsonElement item in value.EnumerateArray())
                {
                    Check(root, items, item, $"{path}[{index++}]", problems);
                }
            }
        }
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _) || value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out _),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => false,
    };
}
