using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PoisonCert.Data;
using PoisonCert.Runs;

namespace PoisonCert.Certification;

/// <summary>
/// Reads certificates strictly: unknown fields, wrong types, non-finite numbers, boxes with lower &gt; upper, a
/// side file whose SHA-256 differs, and a threat model, precision, domain or split that disagrees with the
/// resolved run are all rejected with the JSON path (and line and column) of the offending value.
/// </summary>
internal static class CertificateReader
{
    public static CertificateFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var errors = new JsonErrors(path, (file, jsonPath, line, column, problem) => new CertificateFileException(file, jsonPath, line, column, problem));
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
        var fields = new JsonFields(root, errors, "a certificate");
        string format = JsonValues.String(fields.Required("format", $"\"{CertificateFile.FormatName}\""), errors);
        if (format != CertificateFile.FormatName)
        {
            throw errors.At(fields.Required("format", ""), $"expected \"{CertificateFile.FormatName}\", got \"{format}\": this is not a PoisonCert certificate");
        }
        JsonValues.Integer(fields.Required("formatVersion", "1"), errors, CertificateFile.FormatVersion, CertificateFile.FormatVersion,
            $"format version {CertificateFile.FormatVersion} (the only one this tool reads)");
        string toolVersion = JsonValues.NonEmptyString(fields.Required("toolVersion", "the version of the tool that wrote it"), errors);
        DateTimeOffset? created = fields.OptionalNotNull("created") is { } createdNode
            ? DateTimeOffset.TryParse(JsonValues.String(createdNode, errors), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset moment)
                ? moment
                : throw errors.At(createdNode, "expected an ISO 8601 time such as \"2025-01-31T12:00:00Z\"")
            : null;
        CertificateRun run = ReadRun(fields.Required("run", "the run"), errors);
        ResolvedRun resolved = run.Resolved;
        List<SourceFile> dataFiles = [.. JsonValues.Array(fields.Required("dataFiles", "the data files"), errors, "a list of data files").Select(node => ReadDataFile(node, errors))];
        JsonNode? initialNode = fields.OptionalNotNull("initialParameters");
        SourceFile? initial = null;
        if (resolved.Model.InitialParameters is null)
        {
            if (initialNode is not null)
            {
                throw errors.At(initialNode, "the resolved run names no initial parameters (model.initialParameters), so the certificate must not record a file of them");
            }
        }
        else
        {
            initial = ReadDataFile(initialNode ?? throw errors.At(root, "the required field 'initialParameters' is missing: the resolved run starts from model.initialParameters"), errors, "the initial parameters file");
        }
        CheckThreat(fields.Required("threatModel", "the threat model"), resolved, errors);
        CheckSame(fields.Required("precision", "the precision"), RunVocabulary.Precision.Name(resolved.Precision), "precision", errors);
        CheckSame(fields.Required("domain", "the domain"), RunVocabulary.Domain.Name(resolved.Domain), "domain", errors);
        SplitDescription split = ReadSplit(fields.Required("split", "the split"), resolved, dataFiles, errors);
        FeatureScaling scaling = ReadScaling(fields.Required("scaling", "the scaling"), resolved, errors);
        JsonNode? targetScalingNode = fields.OptionalNotNull("targetScaling");
        TargetScaling? targetScaling = null;
        if (resolved.TargetScaling == ScalingMethod.None)
        {
            if (targetScalingNode is not null)
            {
                throw errors.At(targetScalingNode, "the resolved run does not scale its targets (targetScaling \"none\"), so the certificate must not record a target scaling");
            }
        }
        else
        {
            targetScaling = ReadTargetScaling(targetScalingNode ?? throw errors.At(root, "the required field 'targetScaling' is missing: the resolved run scales its targets (\"standard\")"), resolved, errors);
        }
        List<PhaseTiming> timings = [.. JsonValues.Array(fields.Required("timings", "the timings"), errors, "a list of phase timings").Select(node =>
        {
            var timing = new JsonFields(node, errors, "a phase timing");
            var result = new PhaseTiming(JsonValues.NonEmptyString(timing.Required("phase", "a phase name"), errors), JsonValues.NonNegative(timing.Required("seconds", "seconds"), errors));
            timing.RejectUnknown();
            return result;
        })];
        List<CertificateMetric> metrics = [.. JsonValues.Array(fields.Required("metrics", "the metrics"), errors, "a list of metrics").Select(node =>
        {
            var metric = new JsonFields(node, errors, "a metric");
            var result = new CertificateMetric(
                JsonValues.NonEmptyString(metric.Required("name", "a metric name"), errors),
                JsonValues.Any(metric.Required("nominal", "the clean model's value"), errors),
                JsonValues.Any(metric.Required("certified", "the certified value"), errors),
                JsonValues.String(metric.Required("description", "a description"), errors));
            metric.RejectUnknown();
            return result;
        })];
        List<double> widths = [.. JsonValues.Array(fields.Required("stepMeanBoundWidths", "the mean bound width per step"), errors, "a list of widths")
            .Select(node => JsonValues.NonNegative(node, errors))];
        JsonNode? sideNode = fields.OptionalNotNull("parametersFile");
        JsonNode parametersNode = fields.Required("parameters", "the parameter box");
        fields.RejectUnknown();
        (List<ParameterBounds> parameters, ParametersSideFile? side) = ReadParameters(path, parametersNode, sideNode, resolved.Precision, errors);
        return new CertificateFile
        {
            ToolVersion = toolVersion,
            Created = created,
            Run = run,
            DataFiles = dataFiles,
            InitialParameters = initial,
            Split = split,
            Scaling = scaling,
            TargetScaling = targetScaling,
            Timings = timings,
            Metrics = metrics,
            StepMeanBoundWidths = widths,
            Parameters = parameters,
            SideFile = side,
        };
    }

    private static CertificateRun ReadRun(JsonNode node, JsonErrors errors)
    {
        var fields = new JsonFields(node, errors, "the run");
        string file = JsonValues.NonEmptyString(fields.Required("file", "the run file's name"), errors);
        JsonNode shaNode = fields.Required("sha256", "the run file's SHA-256");
        string sha = Sha256(shaNode, errors);
        JsonNode givenNode = fields.Required("given", "the run file's text");
        string given = JsonValues.String(givenNode, errors, "the run file's text (a string)");
        if (Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(given))) != sha)
        {
            throw errors.At(shaNode, "the SHA-256 of run.given differs from run.sha256: the run text was altered");
        }
        JsonNode resolvedNode = fields.Required("resolved", "the resolved run");
        fields.RejectUnknown();
        try
        {
            RunFile.Parse(given, file);
        }
        catch (RunFileException error)
        {
            throw errors.At(givenNode, $"the run text does not parse: {error.Message}");
        }
        ResolvedRun resolved;
        try
        {
            RunSpecification specification = RunFileReader.Read(resolvedNode, errors) with
            {
                SourceFile = file,
                BaseFolder = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".",
            };
            resolved = specification.Resolve();
        }
        catch (RunFileException error)
        {
            throw errors.At(resolvedNode.Path + error.JsonPath[1..], resolvedNode.Line, resolvedNode.Column, error.Problem);
        }
        return new CertificateRun(file, sha, given, resolved);
    }

    private static SourceFile ReadDataFile(JsonNode node, JsonErrors errors, string what = "a data file")
    {
        var fields = new JsonFields(node, errors, what);
        var file = new SourceFile(
            JsonValues.NonEmptyString(fields.Required("path", "the file's path"), errors),
            Sha256(fields.Required("sha256", "the file's SHA-256"), errors),
            JsonValues.Long(fields.Required("bytes", "the file's length"), errors, 0));
        fields.RejectUnknown();
        return file;
    }

    private static void CheckThreat(JsonNode node, ResolvedRun run, JsonErrors errors)
    {
        var fields = new JsonFields(node, errors, "the threat model");
        CheckSame(fields.Required("description", "the threat model in words"), run.DescribeThreat(), "threat description", errors);
        JsonNode batch = fields.Required("batchSize", "the batch size");
        if (JsonValues.Integer(batch, errors, 1) != run.Training.BatchSize)
        {
            throw errors.At(batch, $"expected the resolved run's batch size {run.Training.BatchSize}");
        }
        JsonNode threat = fields.Required("threat", "the threat model's fields");
        fields.RejectUnknown();
        string written = CanonicalJson.Write(writer =>
        {
            writer.WriteStartObject();
            RunJsonWriter.WriteThreat(writer, run.Threat, run.TargetKind);
            writer.WriteEndObject();
        });
        string expected = JsonTree.Parse(Encoding.UTF8.GetBytes(written), errors).Properties[0].Value.ToCanonicalJson();
        string actual = threat.ToCanonicalJson();
        if (expected != actual)
        {
            throw errors.At(threat, $"the threat model differs from the resolved run's ($.run.resolved.threat): expected {RunThreatText(expected)}");
        }
    }

    private static string RunThreatText(string json) => string.Join(" ", json.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private static void CheckSame(JsonNode node, string expected, string what, JsonErrors errors)
    {
        string text = JsonValues.String(node, errors);
        if (text != expected)
        {
            throw errors.At(node, $"the {what} \"{text}\" differs from the resolved run's \"{expected}\"");
        }
    }

    private static SplitDescription ReadSplit(JsonNode node, ResolvedRun run, List<SourceFile> dataFiles, JsonErrors errors)
    {
        var fields = new JsonFields(node, errors, "the split");
        string method = JsonValues.NonEmptyString(fields.Required("method", "the split method"), errors);
        JsonNode seedNode = fields.Required("seed", "the split seed");
        ulong seed = JsonValues.UnsignedLong(seedNode, errors);
        JsonNode fractionNode = fields.Required("testFraction", "the test fraction");
        double fraction = JsonValues.Double(fractionNode, errors, value => value > 0 && value < 1, "a fraction strictly between 0 and 1");
        JsonNode stratifiedNode = fields.Required("stratified", "whether the split is stratified");
        bool stratified = JsonValues.Boolean(stratifiedNode, errors);
        JsonNode trainNode = fields.Required("trainRows", "the training rows");
        int train = JsonValues.Integer(trainNode, errors, 1);
        int test = JsonValues.Integer(fields.Required("testRows", "the test rows"), errors, 1);
        JsonNode? rangeNode = fields.OptionalNotNull("trainRowRange");
        JsonNode? wholeNode = fields.OptionalNotNull("splitTrainRows");
        fields.RejectUnknown();
        RowRange? range = null;
        int? whole = null;
        if (run.Split.TrainRows is { } selected)
        {
            if (rangeNode is null || wholeNode is null)
            {
                throw errors.At(node, $"the resolved run trains on the rows {selected} of the training part (split.trainRows): expected 'trainRowRange' and 'splitTrainRows'");
            }
            List<int> bounds = JsonValues.Integers(rangeNode, errors, 0, "[start, end]");
            if (bounds.Count != 2 || bounds[0] != selected.Start || bounds[1] != selected.End)
            {
                throw errors.At(rangeNode, $"expected the resolved run's training rows [{selected.Start}, {selected.End}]");
            }
            whole = JsonValues.Integer(wholeNode, errors, selected.End, int.MaxValue, $"the rows of the whole training part (at least {selected.End})");
            if (train != selected.Count)
            {
                throw errors.At(trainNode, $"expected {selected.Count} training rows, the length of the range {selected}");
            }
            range = selected;
        }
        else if ((rangeNode ?? wholeNode) is { } extra)
        {
            throw errors.At(extra, "the resolved run trains on every row of the training part (no split.trainRows), so the split must not record a row range");
        }
        if (seed != run.Split.Seed || BitConverter.DoubleToInt64Bits(fraction) != BitConverter.DoubleToInt64Bits(run.Split.TestFraction) || stratified != run.Split.Stratified)
        {
            throw errors.At(node, $"the split (seed {seed}, test fraction {fraction:R}, stratified {stratified}) differs from the resolved run's (seed {run.Split.Seed}, test fraction {run.Split.TestFraction:R}, stratified {run.Split.Stratified})");
        }
        return new SplitDescription(method, seed, fraction, stratified, train, test, dataFiles) { TrainRowRange = range, SplitTrainRows = whole };
    }

    private static FeatureScaling ReadScaling(JsonNode node, ResolvedRun run, JsonErrors errors)
    {
        var fields = new JsonFields(node, errors, "the feature scaling");
        JsonNode methodNode = fields.Required("method", "the scaling method");
        ScalingMethod method = JsonValues.Enum(methodNode, errors, RunVocabulary.Scaling);
        if (method != run.Scaling)
        {
            throw errors.At(methodNode, $"the scaling differs from the resolved run's \"{RunVocabulary.Scaling.Name(run.Scaling)}\"");
        }
        int rows = JsonValues.Integer(fields.Required("fittedOnRows", "the rows the scaling was fitted on"), errors, 1);
        List<string> names = JsonValues.Strings(fields.Required("featureNames", "the feature names"), errors);
        JsonNode offsetsNode = fields.Required("offsets", "one offset per feature");
        List<double> offsets = [.. JsonValues.Array(offsetsNode, errors, "a list of offsets").Select(value => JsonValues.Any(value, errors))];
        JsonNode scalesNode = fields.Required("scales", "one scale per feature");
        List<double> scales = [.. JsonValues.Array(scalesNode, errors, "a list of scales").Select(value => JsonValues.Positive(value, errors))];
        fields.RejectUnknown();
        if (names.Count == 0 || offsets.Count != names.Count || scales.Count != names.Count)
        {
            throw errors.At(node, $"expected one offset and one scale per feature name: {names.Count} names, {offsets.Count} offsets, {scales.Count} scales");
        }
        return new FeatureScaling(method, names, offsets, scales, rows);
    }

    private static TargetScaling ReadTargetScaling(JsonNode node, ResolvedRun run, JsonErrors errors)
    {
        var fields = new JsonFields(node, errors, "the target scaling");
        JsonNode methodNode = fields.Required("method", "the target scaling method");
        ScalingMethod method = JsonValues.Enum(methodNode, errors, RunVocabulary.TargetScaling);
        if (method != run.TargetScaling)
        {
            throw errors.At(methodNode, $"the target scaling differs from the resolved run's \"{RunVocabulary.TargetScaling.Name(run.TargetScaling)}\"");
        }
        int rows = JsonValues.Integer(fields.Required("fittedOnRows", "the rows the target scaling was fitted on"), errors, 1);
        List<string> names = JsonValues.Strings(fields.Required("targetNames", "the target names"), errors);
        List<double> offsets = [.. JsonValues.Array(fields.Required("offsets", "one offset per target"), errors, "a list of offsets").Select(value => JsonValues.Any(value, errors))];
        List<double> scales = [.. JsonValues.Array(fields.Required("scales", "one scale per target"), errors, "a list of scales").Select(value => JsonValues.Positive(value, errors))];
        fields.RejectUnknown();
        if (names.Count == 0 || offsets.Count != names.Count || scales.Count != names.Count)
        {
            throw errors.At(node, $"expected one offset and one scale per target name: {names.Count} names, {offsets.Count} offsets, {scales.Count} scales");
        }
        return new TargetScaling(method, names, offsets, scales, rows);
    }

    private static (List<ParameterBounds>, ParametersSideFile?) ReadParameters(string certificatePath, JsonNode node, JsonNode? sideNode,
        NumericPrecision precision, JsonErrors errors)
    {
        List<JsonNode> items = JsonValues.Array(node, errors, "a list of parameter tensors");
        ParametersSideFile? side = null;
        List<ParameterBounds>? fromSide = null;
        if (sideNode is not null)
        {
            var fields = new JsonFields(sideNode, errors, "the parameters side file");
            JsonNode pathNode = fields.Required("path", "the side file's name");
            string name = JsonValues.NonEmptyString(pathNode, errors);
            if (name != Path.GetFileName(name))
            {
                throw errors.At(pathNode, "expected a plain file name: the side file lies beside the certificate");
            }
            JsonNode shaNode = fields.Required("sha256", "the side file's SHA-256");
            string sha = Sha256(shaNode, errors);
            long length = JsonValues.Long(fields.Required("bytes", "the side file's length"), errors, 0);
            JsonNode layoutNode = fields.Required("layout", $"\"{ParametersBinary.LayoutName}\"");
            if (JsonValues.String(layoutNode, errors) != ParametersBinary.LayoutName)
            {
                throw errors.At(layoutNode, $"expected the layout \"{ParametersBinary.LayoutName}\"");
            }
            fields.RejectUnknown();
            string sidePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(certificatePath)) ?? ".", name);
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(sidePath);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw errors.At(pathNode, $"cannot read the side file '{sidePath}': {error.Message}");
            }
            if (bytes.LongLength != length || Convert.ToHexStringLower(SHA256.HashData(bytes)) != sha)
            {
                throw errors.At(shaNode, $"the side file '{sidePath}' ({bytes.LongLength} bytes) does not match the recorded {length} bytes and SHA-256 {sha}: it was altered or truncated");
            }
            fromSide = ParametersBinary.Decode(bytes, precision, (offset, problem) => errors.At(sideNode.Path, sideNode.Line, sideNode.Column, $"side file '{sidePath}', byte offset {offset}: {problem}"));
            if (fromSide.Count != items.Count)
            {
                throw errors.At(node, $"the side file holds {fromSide.Count} tensors, the certificate lists {items.Count}");
            }
            side = new ParametersSideFile(name, sha, length);
        }
        var parameters = new List<ParameterBounds>();
        for (int index = 0; index < items.Count; index++)
        {
            var fields = new JsonFields(items[index], errors, "a parameter tensor");
            string name = JsonValues.NonEmptyString(fields.Required("name", "the tensor's name"), errors);
            List<int> shape = JsonValues.Integers(fields.Required("shape", "the tensor's shape"), errors, 1, "a list of positive dimensions");
            if (fromSide is not null)
            {
                foreach (string part in new[] { "lower", "nominal", "upper" })
                {
                    fields.RejectPresent(part, "the arrays are in the parameters side file");
                }
                fields.RejectUnknown();
                ParameterBounds stored = fromSide[index];
                if (stored.Name != name || !stored.Shape.SequenceEqual(shape))
                {
                    throw errors.At(items[index], $"the side file's tensor {index} is '{stored.Name}' [{string.Join(", ", stored.Shape)}], the certificate lists '{name}' [{string.Join(", ", shape)}]");
                }
                parameters.Add(stored);
                continue;
            }
            ParameterValues lower = Values(fields.Required("lower", "the lower bounds"), precision, errors);
            ParameterValues nominal = Values(fields.Required("nominal", "the nominal values"), precision, errors);
            ParameterValues upper = Values(fields.Required("upper", "the upper bounds"), precision, errors);
            fields.RejectUnknown();
            parameters.Add(new ParameterBounds(name, shape, lower, nominal, upper));
        }
        if (CertificateFileChecks.CheckBounds(parameters, precision) is var (path, problem))
        {
            throw errors.At(path, null, null, problem);
        }
        return (parameters, side);
    }

    internal static ParameterValues Values(JsonNode node, NumericPrecision precision, JsonErrors errors)
    {
        List<JsonNode> items = JsonValues.Array(node, errors, "a list of numbers");
        if (precision == NumericPrecision.Float32)
        {
            var values = new float[items.Count];
            for (int index = 0; index < values.Length; index++)
            {
                JsonNode item = items[index];
                if (item.Kind != JsonKind.Number || !float.TryParse(item.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out values[index]) || !float.IsFinite(values[index]))
                {
                    throw errors.At(item, $"expected a finite float32 number, got {item.Describe()}");
                }
            }
            return ParameterValues.Of(values);
        }
        var doubles = new double[items.Count];
        for (int index = 0; index < doubles.Length; index++)
        {
            doubles[index] = JsonValues.Double(items[index], errors, _ => true, "a finite float64 number");
        }
        return ParameterValues.Of(doubles);
    }

    internal static string Sha256(JsonNode node, JsonErrors errors)
    {
        string text = JsonValues.String(node, errors, "a SHA-256 (64 lower-case hex digits)");
        return text.Length == 64 && text.All(character => char.IsAsciiDigit(character) || character is >= 'a' and <= 'f')
            ? text
            : throw errors.At(node, $"expected a SHA-256 (64 lower-case hex digits), got \"{text}\"");
    }
}
