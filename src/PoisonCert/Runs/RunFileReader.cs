using PoisonCert.Data;

namespace PoisonCert.Runs;

/// <summary>Turns a parsed run file into a <see cref="RunSpecification"/>, field by field, rejecting unknown fields and bad values.</summary>
internal static class RunFileReader
{
    public static RunSpecification Read(JsonNode root, JsonErrors errors)
    {
        var fields = new JsonFields(root, errors, "a run description");
        var specification = new RunSpecification
        {
            Name = Map(fields.OptionalNotNull("name"), node => JsonValues.NonEmptyString(node, errors, "a non-empty run name")),
            Dataset = ReadDataset(fields.Required("dataset", "an object naming a registry dataset ({\"name\": \"wdbc\"}) or a file ({\"file\": ...})"), errors),
            Split = Map(fields.OptionalNotNull("split"), node => ReadSplit(node, errors)),
            Scaling = MapValue(fields.OptionalNotNull("scaling"), node => JsonValues.Enum(node, errors, RunVocabulary.Scaling)),
            TargetScaling = MapValue(fields.OptionalNotNull("targetScaling"), node => JsonValues.Enum(node, errors, RunVocabulary.TargetScaling)),
            Precision = MapValue(fields.OptionalNotNull("precision"), node => JsonValues.Enum(node, errors, RunVocabulary.Precision)),
            Domain = MapValue(fields.OptionalNotNull("domain"), node => JsonValues.Enum(node, errors, RunVocabulary.Domain)),
            Model = Map(fields.OptionalNotNull("model"), node => ReadModel(node, errors)),
            Loss = MapValue(fields.OptionalNotNull("loss"), node => JsonValues.Enum(node, errors, RunVocabulary.Loss)),
            Training = Map(fields.OptionalNotNull("training"), node => ReadTraining(node, errors)),
            Threat = Map(fields.OptionalNotNull("threat"), node => ReadThreat(node, errors)),
            Certify = Map(fields.OptionalNotNull("certify"), node => ReadCertify(node, errors)),
        };
        fields.RejectUnknown(["$schema"]);
        return specification;
    }

    private static DatasetSpecification ReadDataset(JsonNode node, JsonErrors errors)
    {
        var fields = new JsonFields(node, errors, "a dataset");
        JsonNode? name = fields.OptionalNotNull("name");
        JsonNode? file = fields.OptionalNotNull("file");
        if ((name is null) == (file is null))
        {
            throw errors.At(node, name is null
                ? "expected either 'name' (a registry dataset, e.g. \"wdbc\") or 'file' (a path), got neither"
                : "expected either 'name' or 'file', got both");
        }
        if (name is not null)
        {
            string registryName = JsonValues.NonEmptyString(name, errors, "a registry dataset name");
            fields.RejectUnknown();
            try
            {
                DatasetRegistry.Find(registryName);
            }
            catch (InvalidConfigurationException error)
            {
                throw errors.At(name, error.Message);
            }
            return new DatasetSpecification { Name = registryName };
        }
        string path = JsonValues.NonEmptyString(file!, errors, "a file path");
        JsonNode? formatNode = fields.OptionalNotNull("format");
        DatasetFormat format = formatNode is null
            ? InferFormat(path) ?? throw errors.At(node, $"cannot tell the format of '{path}' from its name: add \"format\": one of {RunVocabulary.Format.Choices}")
            : JsonValues.Enum(formatNode, errors, RunVocabulary.Format);
        var allowed = new HashSet<string>(FieldsOf(format));
        var specification = new DatasetSpecification
        {
            File = path,
            Format = formatNode is null ? null : format,
            Labels = Map(Take(fields, "labels", allowed, format), value => JsonValues.NonEmptyString(value, errors, "a file path")),
            Task = MapValue(Take(fields, "task", allowed, format), value => JsonValues.Enum(value, errors, RunVocabulary.Task)),
            Header = MapValue(Take(fields, "header", allowed, format), value => ReadHeader(value, errors)),
            Delimiter = MapValue(Take(fields, "delimiter", allowed, format), value => ReadDelimiter(value, errors)),
            Categorical = Map(Take(fields, "categorical", allowed, format), value => JsonValues.Strings(value, errors, "a list of column names")),
            Missing = MapValue(Take(fields, "missing", allowed, format), value => JsonValues.Enum(value, errors, RunVocabulary.Missing)),
            Ignore = Map(Take(fields, "ignore", allowed, format), value => JsonValues.Strings(value, errors, "a list of column names")),
            ClassCount = MapValue(Take(fields, "classCount", allowed, format), value => JsonValues.Integer(value, errors, 2)),
            FeatureCount = MapValue(Take(fields, "featureCount", allowed, format), value => JsonValues.Integer(value, errors, 1)),
            YearFields = Map(Take(fields, "yearFields", allowed, format), value => JsonValues.Strings(value, errors, "a list of field names")),
        };
        JsonNode? target = Take(fields, "target", allowed, format);
        if (target is not null)
        {
            specification = target.Kind switch
            {
                JsonKind.String => specification with { TargetName = JsonValues.NonEmptyString(target, errors, "a column name") },
                JsonKind.Number => format == DatasetFormat.Csv
                    ? specification with { TargetIndex = JsonValues.Integer(target, errors, int.MinValue, int.MaxValue, "a column index (0-based; negative counts from the end)") }
                    : throw errors.At(target, "expected a field name (a string): JSON records name their target field"),
                _ => throw errors.At(target, $"expected a column name (a string) or a 0-based column index, got {target.Describe()}"),
            };
        }
        if (format == DatasetFormat.JsonRecords && specification.TargetName is null)
        {
            throw errors.At(node, "the required field 'target' is missing: JSON records need the name of the target field");
        }
        if (format == DatasetFormat.Idx && specification.Labels is null)
        {
            throw errors.At(node, "the required field 'labels' is missing: an IDX dataset needs the labels file beside the images file");
        }
        fields.RejectUnknown(allowed);
        return specification;
    }

    private static IEnumerable<string> FieldsOf(DatasetFormat format) => format switch
    {
        DatasetFormat.Csv => ["labels", "target", "task", "header", "delimiter", "categorical", "missing", "ignore", "classCount"],
        DatasetFormat.LibSvm => ["task", "featureCount"],
        DatasetFormat.Idx => ["labels", "classCount"],
        DatasetFormat.MnistJson => [],
        _ => ["target", "task", "categorical", "missing", "ignore", "yearFields"],
    };

    private static JsonNode? Take(JsonFields fields, string name, HashSet<string> allowed, DatasetFormat format)
    {
        if (!allowed.Contains(name))
        {
            fields.RejectPresent(name, $"the {RunVocabulary.Format.Name(format)} format does not take it");
            return null;
        }
        return fields.OptionalNotNull(name);
    }

    internal static DatasetFormat? InferFormat(string path)
    {
        string lower = path.ToLowerInvariant();
        if (lower.EndsWith(".csv", StringComparison.Ordinal) || lower.EndsWith(".csv.gz", StringComparison.Ordinal))
        {
            return DatasetFormat.Csv;
        }
        if (lower.EndsWith(".libsvm", StringComparison.Ordinal) || lower.EndsWith(".svm", StringComparison.Ordinal))
        {
            return DatasetFormat.LibSvm;
        }
        return lower.EndsWith(".json", StringComparison.Ordinal) ? DatasetFormat.JsonRecords : null;
    }

    private static CsvHeader ReadHeader(JsonNode node, JsonErrors errors) => node.Kind switch
    {
        JsonKind.True => CsvHeader.Names,
        JsonKind.False => CsvHeader.None,
        JsonKind.String => JsonValues.Enum(node, errors, RunVocabulary.Header),
        _ => throw errors.At(node, $"expected true (a names header), false (no header) or one of {RunVocabulary.Header.Choices}, got {node.Describe()}"),
    };

    private static char ReadDelimiter(JsonNode node, JsonErrors errors)
    {
        string text = JsonValues.String(node, errors, "a one-character delimiter");
        return text.Length == 1 && text[0] != '"' && text[0] != '\n' && text[0] != '\r'
            ? text[0]
            : throw errors.At(node, $"expected a one-character delimiter (e.g. \",\", \";\", \"\\t\", or \" \" for runs of blanks), got {node.Describe()}");
    }

    private static SplitSpecification ReadSplit(JsonNode node, JsonErrors errors)
    {
        var fields = new JsonFields(node, errors, "the split settings");
        var split = new SplitSpecification
        {
            TestFraction = MapValue(fields.OptionalNotNull("testFraction"), value => JsonValues.Double(value, errors, fraction => fraction > 0 && fraction < 1, "a fraction strictly between 0 and 1")),
            Seed = MapValue(fields.OptionalNotNull("seed"), value => JsonValues.UnsignedLong(value, errors)),
            Stratified = MapValue(fields.OptionalNotNull("stratified"), value => JsonValues.Boolean(value, errors)),
            TrainRows = MapValue(fields.OptionalNotNull("trainRows"), value => ReadRowRange(value, errors)),
        };
        fields.RejectUnknown();
        return split;
    }

    private static RowRange ReadRowRange(JsonNode node, JsonErrors errors)
    {
        const string expected = "[start, end]: two integers with 0 ≤ start < end, the rows [start, end) of the training part (0-based)";
        List<JsonNode> items = JsonValues.Array(node, errors, expected);
        if (items.Count != 2)
        {
            throw errors.At(node, $"expected {expected}, got a list of {items.Count}");
        }
        int start = JsonValues.Integer(items[0], errors, 0, int.MaxValue - 1, "a first row ≥ 0");
        int end = JsonValues.Integer(items[1], errors, 1, int.MaxValue, "an end row ≥ 1");
        if (end <= start)
        {
            throw errors.At(items[1], $"expected an end row above the start row {start} (the range [start, end) holds the rows start … end − 1), got {end}");
        }
        return new RowRange(start, end);
    }

    private static ModelSpecification ReadModel(JsonNode node, JsonErrors errors)
    {
        var fields = new JsonFields(node, errors, "the model");
        var model = new ModelSpecification
        {
            Hidden = Map(fields.OptionalNotNull("hidden"), value => JsonValues.Integers(value, errors, 1, "a list of hidden layer widths (positive integers)")),
            FrozenLayers = MapValue(fields.OptionalNotNull("frozenLayers"), value => JsonValues.Integer(value, errors, 0)),
            InitSeed = MapValue(fields.OptionalNotNull("initSeed"), value => JsonValues.UnsignedLong(value, errors)),
            InitialParameters = Map(fields.OptionalNotNull("initialParameters"), value => JsonValues.NonEmptyString(value, errors, "the path of a params.json (relative to the run file)")),
        };
        fields.RejectUnknown();
        return model;
    }

    private static TrainingSpecification ReadTraining(JsonNode node, JsonErrors errors)
    {
        var fields = new JsonFields(node, errors, "the training settings");
        var training = new TrainingSpecification
        {
            Epochs = MapValue(fields.OptionalNotNull("epochs"), value => JsonValues.Integer(value, errors, 1)),
            BatchSize = MapValue(fields.OptionalNotNull("batchSize"), value => JsonValues.Integer(value, errors, 1)),
            LearningRate = MapValue(fields.OptionalNotNull("learningRate"), value => JsonValues.Positive(value, errors)),
            ShuffleSeed = MapValue(fields.OptionalNotNull("shuffleSeed"), value => JsonValues.UnsignedLong(value, errors)),
            LastBatch = MapValue(fields.OptionalNotNull("lastBatch"), value => JsonValues.Enum(value, errors, RunVocabulary.LastBatch)),
            Optimizer = Map(fields.OptionalNotNull("optimizer"), value => ReadOptimizer(value, errors)),
            Schedule = Map(fields.OptionalNotNull("schedule"), value => ReadSchedule(value, errors)),
            Clip = Map(fields.OptionalNotNull("clip"), value => ReadClip(value, errors)),
        };
        fields.RejectUnknown();
        return training;
    }

    private static OptimizerSpecification ReadOptimizer(JsonNode node, JsonErrors errors)
    {
        var fields = new JsonFields(node, errors, "the optimizer");
        Func<double, bool> unitOpen = value => value >= 0 && value < 1;
        var optimizer = new OptimizerSpecification
        {
            Type = MapValue(fields.OptionalNotNull("type"), value => JsonValues.Enum(value, errors, RunVocabulary.Optimizer)),
            Momentum = MapValue(fields.OptionalNotNull("momentum"), value => JsonValues.Double(value, errors, unitOpen, "a momentum in [0, 1)")),
            Dampening = MapValue(fields.OptionalNotNull("dampening"), value => JsonValues.Double(value, errors, fraction => fraction >= 0 && fraction <= 1, "a dampening in [0, 1]")),
            Nesterov = MapValue(fields.OptionalNotNull("nesterov"), value => JsonValues.Boolean(value, errors)),
            WeightDecay = MapValue(fields.OptionalNotNull("weightDecay"), value => JsonValues.NonNegative(value, errors)),
            L1 = MapValue(fields.OptionalNotNull("l1"), value => JsonValues.NonNegative(value, errors)),
            Beta1 = MapValue(fields.OptionalNotNull("beta1"), value => JsonValues.Double(value, errors, unitOpen, "β1 in [0, 1)")),
            Beta2 = MapValue(fields.OptionalNotNull("beta2"), value => JsonValues.Double(value, errors, unitOpen, "β2 in [0, 1)")),
            Epsilon = MapValue(fields.OptionalNotNull("epsilon"), value => JsonValues.Positive(value, errors)),
        };
        fields.RejectUnknown();
        return optimizer;
    }

    private static ScheduleSpecification ReadSchedule(JsonNode node, JsonErrors errors)
    {
        var fields = new JsonFields(node, errors, "the learning-rate schedule");
        var schedule = new ScheduleSpecification
        {
            Decay = MapValue(fields.OptionalNotNull("decay"), value => JsonValues.NonNegative(value, errors)),
            Minimum = MapValue(fields.OptionalNotNull("minimum"), value => JsonValues.NonNegative(value, errors)),
        };
        fields.RejectUnknown();
        return schedule;
    }

    private static ClipSpecification ReadClip(JsonNode node, JsonErrors errors)
    {
        var fields = new JsonFields(node, errors, "the gradient clipping (or null for none)");
        var clip = new ClipSpecification
        {
            Type = MapValue(fields.OptionalNotNull("type"), value => JsonValues.Enum(value, errors, RunVocabulary.Clip)),
            Bound = MapValue(fields.OptionalNotNull("bound"), value => JsonValues.Positive(value, errors)),
        };
        fields.RejectUnknown();
        return clip;
    }

    private static ThreatSpecification ReadThreat(JsonNode node, JsonErrors errors)
    {
        var fields = new JsonFields(node, errors, "the threat model");
        var threat = new ThreatSpecification
        {
            Features = Map(fields.OptionalNotNull("features"), value => ReadFeatureThreat(value, errors)),
            Labels = Map(fields.OptionalNotNull("labels"), value => ReadLabelThreat(value, errors)),
            Pairing = MapValue(fields.OptionalNotNull("pairing"), value => JsonValues.Enum(value, errors, RunVocabulary.Pairing)),
            UnboundedCount = MapValue(fields.OptionalNotNull("unbounded"), value => ReadCountOnly(value, errors, "the unbounded poisoning budget")),
            RemovalCount = MapValue(fields.OptionalNotNull("removal"), value => ReadCountOnly(value, errors, "the removal budget")),
            Trusted = MapValue(fields.OptionalNotNull("trusted"), value => JsonValues.Integer(value, errors, 0)),
        };
        fields.RejectUnknown();
        return threat;
    }

    private static FeatureThreatSpecification ReadFeatureThreat(JsonNode node, JsonErrors errors)
    {
        var fields = new JsonFields(node, errors, "the feature poisoning budget");
        var threat = new FeatureThreatSpecification
        {
            Count = MapValue(fields.OptionalNotNull("count"), value => JsonValues.Integer(value, errors, 0)),
            Epsilon = MapValue(fields.OptionalNotNull("epsilon"), value => JsonValues.NonNegative(value, errors)),
        };
        fields.RejectUnknown();
        return threat;
    }

    private static LabelThreatSpecification ReadLabelThreat(JsonNode node, JsonErrors errors)
    {
        var fields = new JsonFields(node, errors, "the label poisoning budget");
        var threat = new LabelThreatSpecification
        {
            Count = MapValue(fields.OptionalNotNull("count"), value => JsonValues.Integer(value, errors, 0)),
            Nu = MapValue(fields.OptionalNotNull("nu"), value => JsonValues.NonNegative(value, errors)),
            Flip = MapValue(fields.OptionalNotNull("flip"), value => JsonValues.Enum(value, errors, RunVocabulary.Flip)),
            TargetClass = MapValue(fields.OptionalNotNull("targetClass"), value => JsonValues.Integer(value, errors, 0)),
        };
        fields.RejectUnknown();
        return threat;
    }

    private static int ReadCountOnly(JsonNode node, JsonErrors errors, string what)
    {
        var fields = new JsonFields(node, errors, what);
        int count = MapValue(fields.OptionalNotNull("count"), value => JsonValues.Integer(value, errors, 0)) ?? 0;
        fields.RejectUnknown();
        return count;
    }

    private static CertifySpecification ReadCertify(JsonNode node, JsonErrors errors)
    {
        var fields = new JsonFields(node, errors, "the certification settings");
        var certify = new CertifySpecification
        {
            BackdoorEpsilon = MapValue(fields.OptionalNotNull("backdoorEpsilon"), value => JsonValues.NonNegative(value, errors)),
            MaxTestPoints = MapValue(fields.OptionalNotNull("maxTestPoints"), value => JsonValues.Integer(value, errors, 1)),
        };
        fields.RejectUnknown();
        return certify;
    }

    private static T? Map<T>(JsonNode? node, Func<JsonNode, T> read) where T : class => node is null ? null : read(node);

    private static T? MapValue<T>(JsonNode? node, Func<JsonNode, T> read) where T : struct => node is null ? null : read(node);
}
