namespace PoisonCert.Runs;

/// <summary>
/// A JSON file PoisonCert reads (a run file, a certificate, a parameters file) that is malformed or holds a field
/// or value that cannot be used. The message names the file, the JSON path of the offending value (e.g.
/// <c>$.threat.features.epsilon</c>), its line and column when known, and what was expected there.
/// </summary>
public abstract class JsonFileException : PoisonCertException
{
    protected JsonFileException(string kind, string filePath, string jsonPath, int? line, int? column, string problem)
        : base(Format(kind, filePath, jsonPath, line, column, problem))
    {
        FilePath = filePath;
        JsonPath = jsonPath;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>The file, as the caller named it.</summary>
    public string FilePath { get; }

    /// <summary>The JSON path of the offending value, <c>$</c> for the whole document.</summary>
    public string JsonPath { get; }

    /// <summary>1-based line of the offending value, or null when it has no position (e.g. a missing field's parent is used).</summary>
    public int? Line { get; }

    /// <summary>1-based character column, or null.</summary>
    public int? Column { get; }

    /// <summary>What is wrong and what was expected, without the location.</summary>
    public string Problem { get; }

    private static string Format(string kind, string filePath, string jsonPath, int? line, int? column, string problem)
    {
        string position = line is null ? "" : column is null ? $" (line {line})" : $" (line {line}, column {column})";
        return $"{kind} '{filePath}', {jsonPath}{position}: {problem}";
    }
}

/// <summary>A run file that cannot be used: malformed JSON, an unknown field, an invalid value or combination.</summary>
public sealed class RunFileException : JsonFileException
{
    public RunFileException(string filePath, string jsonPath, int? line, int? column, string problem)
        : base("Run file", filePath, jsonPath, line, column, problem)
    {
    }
}
