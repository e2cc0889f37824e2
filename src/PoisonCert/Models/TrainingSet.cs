using System.Numerics;
using PoisonCert.Data;

namespace PoisonCert.Models;

/// <summary>
/// Training or test data in the engine's precision: features row-major [Rows, Inputs]; class labels for
/// classification or targets row-major [Rows, TargetWidth] for regression. Values are finite (checked).
/// </summary>
public sealed class TrainingSet<T> where T : IBinaryFloatingPointIeee754<T>
{
    private TrainingSet(string name, int rows, int inputs, T[] features, int[]? labels, int classCount, T[]? targets, int targetWidth)
    {
        Name = name;
        Rows = rows;
        Inputs = inputs;
        Features = features;
        Labels = labels;
        ClassCount = classCount;
        Targets = targets;
        TargetWidth = targetWidth;
        for (var i = 0; i < features.Length; i++)
            if (!T.IsFinite(features[i])) throw new InvalidConfigurationException($"{name}: feature {i % inputs} of row {i / inputs} is {features[i]}.");
        if (targets is not null)
            for (var i = 0; i < targets.Length; i++)
                if (!T.IsFinite(targets[i])) throw new InvalidConfigurationException($"{name}: target {i % targetWidth} of row {i / targetWidth} is {targets[i]}.");
        if (labels is not null)
            for (var i = 0; i < labels.Length; i++)
                if (labels[i] < 0 || labels[i] >= classCount) throw new InvalidConfigurationException($"{name}: label {labels[i]} of row {i} is outside [0, {classCount - 1}].");
    }

    public string Name { get; }
    public int Rows { get; }
    public int Inputs { get; }
    public T[] Features { get; }
    public int[]? Labels { get; }
    public int ClassCount { get; }
    public T[]? Targets { get; }
    public int TargetWidth { get; }
    public bool IsClassification => Labels is not null;

    public ReadOnlySpan<T> Row(int row) => Features.AsSpan(row * Inputs, Inputs);

    public static TrainingSet<T> Classification(string name, int inputs, T[] features, int[] labels, int classCount)
    {
        if (inputs <= 0 || features.Length % inputs != 0 || features.Length / inputs != labels.Length)
            throw new InvalidConfigurationException($"{name}: {features.Length} feature values and {labels.Length} labels do not form rows of {inputs} inputs.");
        return new TrainingSet<T>(name, labels.Length, inputs, features, labels, classCount, null, 0);
    }

    public static TrainingSet<T> Regression(string name, int inputs, T[] features, T[] targets, int targetWidth)
    {
        if (inputs <= 0 || targetWidth <= 0 || features.Length % inputs != 0 || targets.Length != features.Length / inputs * targetWidth)
            throw new InvalidConfigurationException($"{name}: {features.Length} feature values and {targets.Length} targets do not form rows of {inputs} inputs and {targetWidth} targets.");
        return new TrainingSet<T>(name, features.Length / inputs, inputs, features, null, 0, targets, targetWidth);
    }

    /// <summary>A loaded dataset (double) rounded to the engine's precision, to nearest.</summary>
    public static TrainingSet<T> From(Dataset dataset)
    {
        var features = Convert(dataset.Features);
        return dataset.TargetKind == TargetKind.Classification
            ? Classification(dataset.Name, dataset.Columns, features, dataset.Labels.ToArray(), dataset.ClassCount)
            : Regression(dataset.Name, dataset.Columns, features, Convert(dataset.RegressionTargets), dataset.TargetWidth);
    }

    /// <summary>The same rows with other features (a poisoned copy), checked for shape.</summary>
    public TrainingSet<T> WithFeatures(T[] features)
        => features.Length != Features.Length
            ? throw new InvalidConfigurationException($"{Name}: expected {Features.Length} feature values, got {features.Length}.")
            : new TrainingSet<T>(Name, Rows, Inputs, features, Labels, ClassCount, Targets, TargetWidth);

    /// <summary>The same rows with other labels (classification) or targets (regression).</summary>
    public TrainingSet<T> WithLabels(int[]? labels, T[]? targets)
        => new(Name, Rows, Inputs, Features, labels ?? Labels, ClassCount, targets ?? Targets, TargetWidth);

    /// <summary>The rows listed, in that order.</summary>
    public TrainingSet<T> Select(IReadOnlyList<int> rows, string name)
    {
        var features = new T[rows.Count * Inputs];
        for (var r = 0; r < rows.Count; r++) Row(rows[r]).CopyTo(features.AsSpan(r * Inputs, Inputs));
        if (Labels is not null) return Classification(name, Inputs, features, [.. rows.Select(r => Labels[r])], ClassCount);
        var targets = new T[rows.Count * TargetWidth];
        for (var r = 0; r < rows.Count; r++) Targets.AsSpan(rows[r] * TargetWidth, TargetWidth).CopyTo(targets.AsSpan(r * TargetWidth, TargetWidth));
        return Regression(name, Inputs, features, targets, TargetWidth);
    }

    private static T[] Convert(ReadOnlySpan<double> values)
    {
        var result = new T[values.Length];
        for (var i = 0; i < values.Length; i++) result[i] = T.CreateTruncating(values[i]);
        return result;
    }
}
