using System.Globalization;
using System.Text;
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
        var errors = new JsonErrors(path, (file, jsonPath, line, column, problem) => new ParametersFileException(file, jsonPath, line, column, problem));
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw errors.At("$", null, null, $"cannot read the file: {error.Message}");
        }
        JsonNode root = JsonTree.Parse(bytes, errors);
        var fields = new JsonFields(root, errors, "a parameters file");
        JsonNode formatNode = fields.Required("format", $"\"{FormatName}\"");
        if (JsonValues.String(formatNode, errors) != FormatName)
        {
            throw errors.At(formatNode, $"expected \"{FormatName}\": this is not a PoisonCert parameters file");
        }
        JsonValues.Integer(fields.Required("formatVersion", "1"), errors, FormatVersion, FormatVersion, $"format version {FormatVersion}");
        string toolVersion = JsonValues.NonEmptyString(fields.Required("toolVersion", "the version of the tool that wrote it"), errors);
        NumericPrecision precision = JsonValues.Enum(fields.Required("precision", "the precision"), errors, RunVocabulary.Precision);
        var tensors = new List<ParameterTensor>();
        foreach (JsonNode item in JsonValues.Array(fields.Required("parameters", "the parameter tensors"), errors, "a list of parameter tensors"))
        {
            var tensor = new JsonFields(item, errors, "a parameter tensor");
            string name = JsonValues.NonEmptyString(tensor.Required("name", "the tensor's name"), errors);
            List<int> shape = JsonValues.Integers(tensor.Required("shape", "the tensor's shape"), errors, 1, "a list of positive dimensions");
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
