using System.Text;

namespace PoisonCert.Runs;

/// <summary>
/// Reads run files: one JSON object describing a certification run (docs/formats.md, docs/schemas/run.schema.json).
/// The reader is strict: malformed JSON, unknown fields, values of the wrong type or out of range, and settings
/// that cannot go together are rejected with a <see cref="RunFileException"/> naming the file, the JSON path, the
/// line and column, and what was expected.
/// </summary>
public static class RunFile
{
    /// <summary>Reads the run file at <paramref name="path"/>; relative dataset paths are taken from its folder.</summary>
    public static RunSpecification Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new RunFileException(path, "$", null, null, $"cannot read the file: {error.Message}");
        }
        return Parse(bytes, path);
    }

    /// <summary>
    /// Reads a run file's text. <paramref name="fileName"/> names it in messages, gives the run its default name
    /// (the file name without extension) and, through its folder, the base of relative dataset paths.
    /// </summary>
    public static RunSpecification Parse(string json, string fileName)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json), fileName);
    }

    public static RunSpecification Parse(ReadOnlySpan<byte> utf8, string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        JsonErrors errors = JsonErrors.ForRunFile(fileName);
        JsonNode root = JsonTree.Parse(utf8, errors);
        var positions = new Dictionary<string, (int Line, int Column)>(StringComparer.Ordinal);
        Collect(root, positions);
        RunSpecification specification = RunFileReader.Read(root, errors) with
        {
            SourceFile = fileName,
            BaseFolder = Path.GetDirectoryName(Path.GetFullPath(fileName)) ?? ".",
            Positions = positions,
        };
        RunResolver.CheckCombinations(specification);
        return specification;
    }

    /// <summary>The run's name when the file gives none: the file name without its extension.</summary>
    public static string DefaultName(string fileName)
    {
        string name = Path.GetFileNameWithoutExtension(fileName);
        return name.Length == 0 ? "run" : name;
    }

    private static void Collect(JsonNode node, Dictionary<string, (int Line, int Column)> positions)
    {
        positions[node.Path] = (node.Line, node.Column);
        if (node.Kind == JsonKind.Object)
        {
            foreach (JsonProperty property in node.Properties)
            {
                Collect(property.Value, positions);
            }
        }
        else if (node.Kind == JsonKind.Array)
        {
            foreach (JsonNode item in node.Items)
            {
                Collect(item, positions);
            }
        }
    }
}
