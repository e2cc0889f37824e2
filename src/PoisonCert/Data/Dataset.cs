namespace PoisonCert.Data;

/// <summary>
/// A loaded dataset: a row-major feature matrix of <see cref="Rows"/> × <see cref="Columns"/> finite doubles and
/// either class labels (<see cref="TargetKind.Classification"/>: one label in [0, <see cref="ClassCount"/>) per
/// row) or real targets (<see cref="TargetKind.Regression"/>: <see cref="TargetWidth"/> finite values per row,
/// row-major). It also carries the names of its features and target, a description of where it came from and
/// the files it was read from with their SHA-256, so that a certificate can name exactly what it was trained on.
/// The constructor checks every invariant; an instance is always complete and well-formed.
/// </summary>
public sealed class Dataset
{
    private readonly double[] _features;
    private readonly int[]? _labels;
    private readonly double[]? _regressionTargets;

    private Dataset(string name, int rows, int columns, double[] features, IReadOnlyList<string> featureNames,
        string targetName, TargetKind targetKind, int[]? labels, IReadOnlyList<string> classNames,
        double[]? regressionTargets, int targetWidth, string sourceDescription, IReadOnlyList<SourceFile> sourceFiles)
    {
        Name = name;
        Rows = rows;
        Columns = columns;
        _features = features;
        FeatureNames = featureNames;
        TargetName = targetName;
        TargetKind = targetKind;
        _labels = labels;
        ClassNames = classNames;
        _regressionTargets = regressionTargets;
        TargetWidth = targetWidth;
        SourceDescription = sourceDescription;
        SourceFiles = sourceFiles;
        CheckFeatures();
    }

    public string Name { get; }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>Features, row-major: the value of column c in row r is at r × Columns + c.</summary>
    public ReadOnlySpan<double> Features => _features;

    public IReadOnlyList<string> FeatureNames { get; }

    public string TargetName { get; }

    public TargetKind TargetKind { get; }

    /// <summary>Number of classes for classification (labels are in [0, ClassCount)); 0 for regression.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>Name of each class, indexed by label; empty for regression.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Class labels (classification only).</summary>
    public ReadOnlySpan<int> Labels => _labels ?? throw new InvalidOperationException($"Dataset '{Name}' is a regression dataset: it has no class labels.");

    /// <summary>Number of target values per row (1 for classification).</summary>
    public int TargetWidth { get; }

    /// <summary>Regression targets, row-major Rows × TargetWidth (regression only).</summary>
    public ReadOnlySpan<double> RegressionTargets => _regressionTargets ?? throw new InvalidOperationException($"Dataset '{Name}' is a classification dataset: it has no regression targets.");

    public string SourceDescription { get; }

    public IReadOnlyList<SourceFile> SourceFiles { get; }

    /// <summary>The features of one row.</summary>
    public ReadOnlySpan<double> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        return _features.AsSpan(row * Columns, Columns);
    }

    /// <summary>How many rows carry each label (classification only).</summary>
    public int[] CountPerClass()
    {
        var counts = new int[ClassCount];
        foreach (int label in Labels)
        {
            counts[label]++;
        }
        return counts;
    }

    public static Dataset CreateClassification(string name, int rows, int columns, double[] features,
        IReadOnlyList<string> featureNames, string targetName, int[] labels, IReadOnlyList<string> classNames,
        string sourceDescription, IReadOnlyList<SourceFile> sourceFiles)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count == 0)
        {
            throw new ArgumentException("A classification dataset needs at least one class.", nameof(classNames));
        }
        if (labels.Length != rows)
        {
            throw new ArgumentException($"Expected {rows} labels, got {labels.Length}.", nameof(labels));
        }
        for (int row = 0; row < rows; row++)
        {
            if ((uint)labels[row] >= (uint)classNames.Count)
            {
                throw new ArgumentException($"Label {labels[row]} of row {row} is outside [0, {classNames.Count}).", nameof(labels));
            }
        }
        return new Dataset(name, rows, columns, features, featureNames, targetName, TargetKind.Classification,
            labels, classNames, null, 1, sourceDescription, sourceFiles);
    }

    public static Dataset CreateRegression(string name, int rows, int columns, double[] features,
        IReadOnlyList<string> featureNames, string targetName, double[] targets, int targetWidth,
        string sourceDescription, IReadOnlyList<SourceFile> sourceFiles)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetWidth, 1);
        if (targets.LongLength != (long)rows * targetWidth)
        {
            throw new ArgumentException($"Expected {rows} × {targetWidth} targets, got {targets.Length}.", nameof(targets));
        }
        int firstNonFinite = Array.FindIndex(targets, value => !double.IsFinite(value));
        if (firstNonFinite >= 0)
        {
            throw new ArgumentException($"Target {firstNonFinite} is not finite.", nameof(targets));
        }
        return new Dataset(name, rows, columns, features, featureNames, targetName, TargetKind.Regression,
            null, [], targets, targetWidth, sourceDescription, sourceFiles);
    }

    /// <summary>A dataset of the given rows of this one, in the given order (used by splitting).</summary>
    public Dataset SelectRows(IReadOnlyList<int> rowIndices, string name)
    {
        ArgumentNullException.ThrowIfNull(rowIndices);
        var features = new double[(long)rowIndices.Count * Columns];
        for (int index = 0; index < rowIndices.Count; index++)
        {
            Row(rowIndices[index]).CopyTo(features.AsSpan(index * Columns, Columns));
        }
        if (TargetKind == TargetKind.Classification)
        {
            var labels = new int[rowIndices.Count];
            for (int index = 0; index < labels.Length; index++)
            {
                labels[index] = _labels![rowIndices[index]];
            }
            return CreateClassification(name, rowIndices.Count, Columns, features, FeatureNames, TargetName, labels,
                ClassNames, SourceDescription, SourceFiles);
        }
        var targets = new double[(long)rowIndices.Count * TargetWidth];
        for (int index = 0; index < rowIndices.Count; index++)
        {
            _regressionTargets.AsSpan(rowIndices[index] * TargetWidth, TargetWidth)
                .CopyTo(targets.AsSpan(index * TargetWidth, TargetWidth));
        }
        return CreateRegression(name, rowIndices.Count, Columns, features, FeatureNames, TargetName, targets,
            TargetWidth, SourceDescription, SourceFiles);
    }

    /// <summary>The same rows and targets with other features of the same shape (used by scaling).</summary>
    public Dataset WithFeatures(double[] features, string name) =>
        new(name, Rows, Columns, features, FeatureNames, TargetName, TargetKind, _labels, ClassNames,
            _regressionTargets, TargetWidth, SourceDescription, SourceFiles);

    /// <summary>The same rows and features with other regression targets of the same shape (used by target scaling).</summary>
    public Dataset WithRegressionTargets(double[] targets, string name) =>
        TargetKind != TargetKind.Regression
            ? throw new InvalidOperationException($"Dataset '{Name}' is a classification dataset: it has no regression targets.")
            : CreateRegression(name, Rows, Columns, _features, FeatureNames, TargetName, targets, TargetWidth, SourceDescription, SourceFiles);

    private void CheckFeatures()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(Columns, 1);
        if (_features.LongLength != (long)Rows * Columns)
        {
            throw new ArgumentException($"Expected {Rows} × {Columns} features, got {_features.Length}.");
        }
        if (FeatureNames.Count != Columns)
        {
            throw new ArgumentException($"Expected {Columns} feature names, got {FeatureNames.Count}.");
        }
        int firstNonFinite = Array.FindIndex(_features, value => !double.IsFinite(value));
        if (firstNonFinite >= 0)
        {
            throw new ArgumentException($"Feature value {firstNonFinite} (row {firstNonFinite / Columns}, column {firstNonFinite % Columns}) is not finite.");
        }
    }
}
