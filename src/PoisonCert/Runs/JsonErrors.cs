namespace PoisonCert.Runs;

/// <summary>Makes the exception of one kind of JSON file (run, certificate, parameters) at a path and position.</summary>
internal sealed class JsonErrors
{
    private readonly Func<string, int?, int?, string, JsonFileException> _create;

    public JsonErrors(string filePath, Func<string, string, int?, int?, string, JsonFileException> create)
    {
        FilePath = filePath;
        _create = (path, line, column, problem) => create(filePath, path, line, column, problem);
    }

    public string FilePath { get; }

    public static JsonErrors ForRunFile(string filePath) =>
        new(filePath, (file, path, line, column, problem) => new RunFileException(file, path, line, column, problem));

    public JsonFileException At(string path, int? line, int? column, string problem) => _create(path, line, column, problem);

    public JsonFileException At(JsonNode node, string problem) => _create(node.Path, node.Line, node.Column, problem);
}
