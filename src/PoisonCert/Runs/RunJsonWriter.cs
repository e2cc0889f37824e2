using System.Text.Json;
using PoisonCert.Data;

namespace PoisonCert.Runs;

/// <summary>The canonical JSON of a run: the schema's field order, given fields only (specification) or all of them (resolved).</summary>
internal static class RunJsonWriter
{
    public static string Write(RunSpecification run) => CanonicalJson.Write(writer => Write(writer, run));

    public static string Write(ResolvedRun run) => CanonicalJson.Write(writer => Write(writer, run));

    public static void Write(Utf8JsonWriter writer, RunSpecification run)
    {
        writer.WriteStartObject();
        String(writer, "name", run.Name);
        WriteDataset(writer, run.Dataset);
        if (run.Split is { } split)
        {
            writer.WriteStartObject("split");
            Number(writer, "testFraction", split.TestFraction);
            Unsigned(writer, "seed", split.Seed);
            Boolean(writer, "stratified", split.Stratified);
            Range(writer, "trainRows", split.TrainRows);
            writer.WriteEndObject();
        }
        Enum(writer, "scaling", run.Scaling, RunVocabulary.Scaling);
        Enum(writer, "targetScaling", run.TargetScaling, RunVocabulary.TargetScaling);
        Enum(writer, "precision", run.Precision, RunVocabulary.Precision);
        Enum(writer, "domain", run.Domain, RunVocabulary.Domain);
        if (run.Model is { } model)
        {
            writer.WriteStartObject("model");
            Integers(writer, "hidden", model.Hidden);
            Integer(writer, "frozenLayers", model.FrozenLayers);
            Unsigned(writer, "initSeed", model.InitSeed);
            String(writer, "initialParameters", model.InitialParameters);
            writer.WriteEndObject();
        }
        Enum(writer, "loss", run.Loss, RunVocabulary.Loss);
        if (run.Training is { } training)
        {
            writer.WriteStartObject("training");
            Integer(writer, "epochs", training.Epochs);
            Integer(writer, "batchSize", training.BatchSize);
            Number(writer, "learningRate", training.LearningRate);
            Unsigned(writer, "shuffleSeed", training.ShuffleSeed);
            Enum(writer, "lastBatch", training.LastBatch, RunVocabulary.LastBatch);
            if (training.Optimizer is { } optimizer)
            {
                writer.WriteStartObject("optimizer");
                Enum(writer, "type", optimizer.Type, RunVocabulary.Optimizer);
                Number(writer, "momentum", optimizer.Momentum);
                Number(writer, "dampening", optimizer.Dampening);
                Boolean(writer, "nesterov", optimizer.Nesterov);
                Number(writer, "weightDecay", optimizer.WeightDecay);
                Number(writer, "l1", optimizer.L1);
                Number(writer, "beta1", optimizer.Beta1);
                Number(writer, "beta2", optimizer.Beta2);
                Number(writer, "epsilon", optimizer.Epsilon);
                writer.WriteEndObject();
            }
            if (training.Schedule is { } schedule)
            {
                writer.WriteStartObject("schedule");
                Number(writer, "decay", schedule.Decay);
                Number(writer, "minimum", schedule.Minimum);
                writer.WriteEndObject();
            }
            if (training.Clip is { } clip)
            {
                writer.WriteStartObject("clip");
                Enum(writer, "type", clip.Type, RunVocabulary.Clip);
                Number(writer, "bound", clip.Bound);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        if (run.Threat is { } threat)
        {
            writer.WriteStartObject("threat");
            if (threat.Features is { } features)
            {
                writer.WriteStartObject("features");
                Integer(writer, "count", features.Count);
                Number(writer, "epsilon", features.Epsilon);
                writer.WriteEndObject();
            }
            if (threat.Labels is { } labels)
            {
                writer.WriteStartObject("labels");
                Integer(writer, "count", labels.Count);
                Number(writer, "nu", labels.Nu);
                Enum(writer, "flip", labels.Flip, RunVocabulary.Flip);
                Integer(writer, "targetClass", labels.TargetClass);
                writer.WriteEndObject();
            }
            Enum(writer, "pairing", threat.Pairing, RunVocabulary.Pairing);
            CountObject(writer, "unbounded", threat.UnboundedCount);
            CountObject(writer, "removal", threat.RemovalCount);
            Integer(writer, "trusted", threat.Trusted);
            writer.WriteEndObject();
        }
        if (run.Certify is { } certify)
        {
            writer.WriteStartObject("certify");
            Number(writer, "backdoorEpsilon", certify.BackdoorEpsilon);
            Integer(writer, "maxTestPoints", certify.MaxTestPoints);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter writer, ResolvedRun run)
    {
        writer.WriteStartObject();
        writer.WriteString("name", run.Name);
        writer.WriteStartObject("dataset");
        if (run.Dataset.File is { } file)
        {
            WriteFileFields(writer, file);
        }
        else
        {
            writer.WriteString("name", run.Dataset.RegistryName);
        }
        writer.WriteEndObject();
        writer.WriteStartObject("split");
        CanonicalJson.Number(writer, "testFraction", run.Split.TestFraction);
        writer.WriteNumber("seed", run.Split.Seed);
        writer.WriteBoolean("stratified", run.Split.Stratified);
        Range(writer, "trainRows", run.Split.TrainRows);
        writer.WriteEndObject();
        writer.WriteString("scaling", RunVocabulary.Scaling.Name(run.Scaling));
        writer.WriteString("targetScaling", RunVocabulary.TargetScaling.Name(run.TargetScaling));
        writer.WriteString("precision", RunVocabulary.Precision.Name(run.Precision));
        writer.WriteString("domain", RunVocabulary.Domain.Name(run.Domain));
        writer.WriteStartObject("model");
        Integers(writer, "hidden", run.Model.Hidden);
        writer.WriteNumber("frozenLayers", run.Model.FrozenLayers);
        if (run.Model.InitialParameters is { } initial)
        {
            writer.WriteString("initialParameters", initial); // initSeed does not apply (and may not be given with it)
        }
        else
        {
            writer.WriteNumber("initSeed", run.Model.InitSeed);
        }
        writer.WriteEndObject();
        writer.WriteString("loss", RunVocabulary.Loss.Name(run.Loss));
        TrainingSettings training = run.Training;
        writer.WriteStartObject("training");
        writer.WriteNumber("epochs", training.Epochs);
        writer.WriteNumber("batchSize", training.BatchSize);
        CanonicalJson.Number(writer, "learningRate", training.LearningRate);
        writer.WriteNumber("shuffleSeed", training.ShuffleSeed);
        writer.WriteString("lastBatch", RunVocabulary.LastBatch.Name(training.LastBatch));
        OptimizerSettings optimizer = training.Optimizer;
        writer.WriteStartObject("optimizer");
        writer.WriteString("type", RunVocabulary.Optimizer.Name(optimizer.Type));
        if (optimizer.Type == OptimizerKind.Sgd)
        {
            CanonicalJson.Number(writer, "momentum", optimizer.Momentum);
            CanonicalJson.Number(writer, "dampening", optimizer.Dampening);
            writer.WriteBoolean("nesterov", optimizer.Nesterov);
        }
        CanonicalJson.Number(writer, "weightDecay", optimizer.WeightDecay);
        CanonicalJson.Number(writer, "l1", optimizer.L1);
        if (optimizer.Type != OptimizerKind.Sgd)
        {
            CanonicalJson.Number(writer, "beta1", optimizer.Beta1);
            CanonicalJson.Number(writer, "beta2", optimizer.Beta2);
            CanonicalJson.Number(writer, "epsilon", optimizer.Epsilon);
        }
        writer.WriteEndObject();
        writer.WriteStartObject("schedule");
        CanonicalJson.Number(writer, "decay", training.Schedule.Decay);
        CanonicalJson.Number(writer, "minimum", training.Schedule.Minimum);
        writer.WriteEndObject();
        if (training.Clip is { } clip)
        {
            writer.WriteStartObject("clip");
            writer.WriteString("type", RunVocabulary.Clip.Name(clip.Type));
            CanonicalJson.Number(writer, "bound", clip.Bound);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("clip");
        }
        writer.WriteEndObject();
        WriteThreat(writer, run.Threat, run.TargetKind);
        writer.WriteStartObject("certify");
        CanonicalJson.Number(writer, "backdoorEpsilon", run.Certify.BackdoorEpsilon);
        if (run.Certify.MaxTestPoints is int maximum)
        {
            writer.WriteNumber("maxTestPoints", maximum);
        }
        else
        {
            writer.WriteNull("maxTestPoints");
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The threat object of a resolved run (also written into certificates).</summary>
    public static void WriteThreat(Utf8JsonWriter writer, ThreatModel threat, TargetKind kind)
    {
        writer.WriteStartObject("threat");
        writer.WriteStartObject("features");
        writer.WriteNumber("count", threat.Features.Count);
        CanonicalJson.Number(writer, "epsilon", threat.Features.Epsilon);
        writer.WriteEndObject();
        writer.WriteStartObject("labels");
        writer.WriteNumber("count", threat.Labels.Count);
        if (kind == TargetKind.Regression)
        {
            CanonicalJson.Number(writer, "nu", threat.Labels.Nu);
        }
        else
        {
            writer.WriteString("flip", RunVocabulary.Flip.Name(threat.Labels.Flip));
            if (threat.Labels.TargetClass is int target)
            {
                writer.WriteNumber("targetClass", target);
            }
        }
        writer.WriteEndObject();
        writer.WriteString("pairing", RunVocabulary.Pairing.Name(threat.Pairing));
        writer.WriteStartObject("unbounded");
        writer.WriteNumber("count", threat.UnboundedCount);
        writer.WriteEndObject();
        writer.WriteStartObject("removal");
        writer.WriteNumber("count", threat.RemovalCount);
        writer.WriteEndObject();
        writer.WriteNumber("trusted", threat.Trusted);
        writer.WriteEndObject();
    }

    private static void WriteDataset(Utf8JsonWriter writer, DatasetSpecification dataset)
    {
        writer.WriteStartObject("dataset");
        String(writer, "name", dataset.Name);
        String(writer, "file", dataset.File);
        Enum(writer, "format", dataset.Format, RunVocabulary.Format);
        String(writer, "labels", dataset.Labels);
        String(writer, "target", dataset.TargetName);
        Integer(writer, "target", dataset.TargetName is null ? dataset.TargetIndex : null);
        Enum(writer, "task", dataset.Task, RunVocabulary.Task);
        Enum(writer, "header", dataset.Header, RunVocabulary.Header);
        String(writer, "delimiter", dataset.Delimiter?.ToString());
        if (dataset.Categorical is not null) CanonicalJson.Strings(writer, "categorical", dataset.Categorical);
        Enum(writer, "missing", dataset.Missing, RunVocabulary.Missing);
        if (dataset.Ignore is not null) CanonicalJson.Strings(writer, "ignore", dataset.Ignore);
        Integer(writer, "classCount", dataset.ClassCount);
        Integer(writer, "featureCount", dataset.FeatureCount);
        if (dataset.YearFields is not null) CanonicalJson.Strings(writer, "yearFields", dataset.YearFields);
        writer.WriteEndObject();
    }

    private static void WriteFileFields(Utf8JsonWriter writer, DatasetFileSource file)
    {
        writer.WriteString("file", file.Path);
        writer.WriteString("format", RunVocabulary.Format.Name(file.Format));
        switch (file.Format)
        {
            case DatasetFormat.Csv:
                String(writer, "labels", file.Labels);
                if (file.TargetName is not null) writer.WriteString("target", file.TargetName);
                else writer.WriteNumber("target", file.TargetIndex);
                writer.WriteString("task", RunVocabulary.Task.Name(file.Task));
                writer.WriteString("header", RunVocabulary.Header.Name(file.Header));
                writer.WriteString("delimiter", file.Delimiter.ToString());
                CanonicalJson.Strings(writer, "categorical", file.Categorical);
                writer.WriteString("missing", RunVocabulary.Missing.Name(file.Missing));
                CanonicalJson.Strings(writer, "ignore", file.Ignore);
                Integer(writer, "classCount", file.ClassCount);
                break;
            case DatasetFormat.LibSvm:
                writer.WriteString("task", RunVocabulary.Task.Name(file.Task));
                Integer(writer, "featureCount", file.FeatureCount);
                break;
            case DatasetFormat.Idx:
                writer.WriteString("labels", file.Labels);
                Integer(writer, "classCount", file.ClassCount);
                break;
            case DatasetFormat.JsonRecords:
                writer.WriteString("target", file.TargetName);
                writer.WriteString("task", RunVocabulary.Task.Name(file.Task));
                CanonicalJson.Strings(writer, "categorical", file.Categorical);
                writer.WriteString("missing", RunVocabulary.Missing.Name(file.Missing));
                CanonicalJson.Strings(writer, "ignore", file.Ignore);
                CanonicalJson.Strings(writer, "yearFields", file.YearFields);
                break;
        }
    }

    private static void CountObject(Utf8JsonWriter writer, string name, int? count)
    {
        if (count is int value)
        {
            writer.WriteStartObject(name);
            writer.WriteNumber("count", value);
            writer.WriteEndObject();
        }
    }

    private static void String(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null) writer.WriteString(name, value);
    }

    private static void Number(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is double number) CanonicalJson.Number(writer, name, number);
    }

    private static void Integer(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is int number) writer.WriteNumber(name, number);
    }

    private static void Unsigned(Utf8JsonWriter writer, string name, ulong? value)
    {
        if (value is ulong number) writer.WriteNumber(name, number);
    }

    private static void Boolean(Utf8JsonWriter writer, string name, bool? value)
    {
        if (value is bool flag) writer.WriteBoolean(name, flag);
    }

    private static void Enum<T>(Utf8JsonWriter writer, string name, T? value, JsonEnum<T> names) where T : struct, System.Enum
    {
        if (value is T given) writer.WriteString(name, names.Name(given));
    }

    private static void Range(Utf8JsonWriter writer, string name, RowRange? range)
    {
        if (range is not { } given) return;
        CanonicalJson.InlineArray(writer, name, [given.Start.ToString(System.Globalization.CultureInfo.InvariantCulture), given.End.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
    }

    private static void Integers(Utf8JsonWriter writer, string name, IReadOnlyList<int>? values)
    {
        if (values is null) return;
        writer.WriteStartArray(name);
        foreach (int value in values) writer.WriteNumberValue(value);
        writer.WriteEndArray();
    }
}
