using System.Globalization;
using System.Text;
using PoisonCert.Models;
using PoisonCert.Runs;

namespace PoisonCert.Certification;

/// <summary>
/// <c>params.json</c>: the parameters of a trained model (docs/formats.md), in the same names, shapes and order as
/// a certificate's parameter box, written so that every float reads back bit for bit.
/// </summary>
public sealed record ParametersFile(string ToolVersion, NumericPrecision Precision, IReadOnlyList<ParameterTensor> Parameters)
{
    public const string FormatName = "poisoncert-parameters";
    public const int FormatVersion = 1;

    /// <summary>The nominal (clean-run) parameters of a certificate.</summary>
    public static ParametersFile FromCertificate(CertificateFile certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new ParametersFile(certificate.ToolVersion, certificate.Precision,
            [.. certificate.Parameters.Select(tensor => new ParameterTensor(tensor.Name, tensor.Shape, tensor.Nominal))]);
    }

    /// <summary>Whether the tensors have the certificate's names and shapes, in its order.</summary>
    public bool MatchesLayoutOf(CertificateFile certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.Precision == Precision && certificate.Parameters.Count == Parameters.Count
            && certificate.Parameters.Zip(Parameters).All(pair => pair.First.Name == pair.Second.Name && pair.First.Shape.SequenceEqual(pair.Second.Shape));
    }

    public string ToJson()
    {
        if (CertificateFileChecks.CheckTensors(Parameters, Precision) is var (path, problem))
        {
            throw new BoundViolationException($"Parameters not written: {path}: {problem}.");
        }
        return CanonicalJson.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("format", FormatName);
            writer.WriteNumber("formatVersion", FormatVersion);
            writer.WriteString("toolVersion", ToolVersion);
            writer.WriteString("precision", RunVocabulary.Precision.Name(Precision));
            writer.WriteStartArray("parameters");
            foreach (ParameterTensor tensor in Parameters)
            {
                writer.WriteStartObject();
                writer.WriteString("name", tensor.Name);
                CanonicalJson.InlineArray(writer, "shape", [.. tensor.Shape.Select(dimension => dimension.ToString(CultureInfo.InvariantCulture))]);
                CanonicalJson.InlineArray(writer, "values", tensor.Values.Formatted());
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <summary>Writes the file atomically (complete or not at all).</summary>
    public void Write(string path) => AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(ToJson()));

    public static ParametersFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw Errors(path).At("$", null, null, $"cannot read the file: {error.Message}");
        }
        return Parse(bytes, path, null);
    }

    /// <summary>
    /// Reads a params.json (given as its bytes, named <paramref name="path"/> in messages) that a run starts from,
    /// and checks it against the run's network: the precision, then the tensors' names, shapes and order must be the
    /// architecture's, every value finite. A mismatch is a <see cref="ParametersFileException"/> at the offending
    /// value's JSON path.
    /// </summary>
    public static ParametersFile ParseFor(byte[] bytes, string path, NetworkArchitecture architecture, NumericPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(architecture);
        return Parse(bytes, path, (architecture, precision));
    }

    private static JsonErrors Errors(string path) =>
        new(path, (file, jsonPath, line, column, problem) => new ParametersFileException(file, jsonPath, line, column, problem));

    private static ParametersFile Parse(byte[] bytes, string path, (NetworkArchitecture Architecture, NumericPrecision Precision)? expected)
    {
        ArgumentNullException.ThrowIfNull(path);
        JsonErrors errors = Errors(path);
        JsonNode root = JsonTree.Parse(bytes, errors);
        var fields = new JsonFields(root, errors, "a parameters file");
        JsonNode formatNode = fields.Required("format", $"\"{FormatName}\"");
        if (JsonValues.String(formatNode, errors) != FormatName)
        {
            throw errors.At(formatNode, $"expected \"{FormatName}\": this is not a PoisonCert parameters file");
        }
        JsonValues.Integer(fields.Required("formatVersion", "1"), errors, FormatVersion, FormatVersion, $"format version {FormatVersion}");
        string toolVersion = JsonValues.NonEmptyString(fields.Required("toolVersion", "the version of the tool that wrote it"), errors);
        JsonNode precisionNode = fields.Required("precision", "the precision");
        NumericPrecision precision = JsonValues.Enum(precisionNode, errors, RunVocabulary.Precision);
        if (expected is { } wanted && precision != wanted.Precision)
        {
            throw errors.At(precisionNode, $"the run's precision is {RunVocabulary.Precision.Name(wanted.Precision)}, the file's {RunVocabulary.Precision.Name(precision)}: "
                + "expected parameters of the run's precision (train them with the same \"precision\")");
        }
        var tensors = new List<ParameterTensor>();
        JsonNode parametersNode = fields.Required("parameters", "the parameter tensors");
        List<JsonNode> items = JsonValues.Array(parametersNode, errors, "a list of parameter tensors");
        IReadOnlyList<ParameterEntry>? layout = expected?.Architecture.Parameters;
        if (layout is not null && items.Count != layout.Count)
        {
            throw errors.At(parametersNode, $"the run's model ({expected!.Value.Architecture}) has {layout.Count} parameter tensors ({string.Join(", ", layout.Select(entry => entry.Name))}), the file {items.Count}");
        }
        for (int index = 0; index < items.Count; index++)
        {
            var tensor = new JsonFields(items[index], errors, "a parameter tensor");
            JsonNode nameNode = tensor.Required("name", "the tensor's name");
            string name = JsonValues.NonEmptyString(nameNode, errors);
            JsonNode shapeNode = tensor.Required("shape", "the tensor's shape");
            List<int> shape = JsonValues.Integers(shapeNode, errors, 1, "a list of positive dimensions");
            if (layout is not null)
            {
                ParameterEntry entry = layout[index];
                if (name != entry.Name)
                {
                    throw errors.At(nameNode, $"expected '{entry.Name}', tensor {index} of the run's model ({expected!.Value.Architecture}), got '{name}'");
                }
                if (!shape.SequenceEqual(entry.Shape))
                {
                    throw errors.At(shapeNode, $"'{name}' of the run's model ({expected!.Value.Architecture}) has shape [{string.Join(", ", entry.Shape)}], the file's [{string.Join(", ", shape)}]");
                }
            }
            ParameterValues values = CertificateReader.Values(tensor.Required("values", "the values"), precision, errors);
            tensor.RejectUnknown();
            tensors.Add(new ParameterTensor(name, shape, values));
        }
        fields.RejectUnknown();
        if (CertificateFileChecks.CheckTensors(tensors, precision) is var (path2, problem))
        {
            throw errors.At(path2, null, null, problem);
        }
        return new ParametersFile(toolVersion, precision, tensors);
    }
}
