namespace PoisonCert.Data;

/// <summary>
/// A fitted feature scaling x' = (x − Offsets[j]) / Scales[j] for each feature j, with the method and the
/// parameters a certificate records. Fit it on the training set with <see cref="Fit"/>, then <see cref="Apply"/>
/// it unchanged to the training and test sets.
/// </summary>
public sealed record FeatureScaling(ScalingMethod Method, IReadOnlyList<string> FeatureNames, IReadOnlyList<double> Offsets, IReadOnlyList<double> Scales, int FittedOnRows)
{
    public static FeatureScaling Fit(Dataset train, ScalingMethod method)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Rows == 0)
        {
            throw new InvalidConfigurationException($"Cannot fit feature scaling on '{train.Name}': it has no rows.");
        }
        int columns = train.Columns;
        var offsets = new double[columns];
        var scales = new double[columns];
        ReadOnlySpan<double> features = train.Features;
        for (int column = 0; column < columns; column++)
        {
            (offsets[column], scales[column]) = method switch
            {
                ScalingMethod.None => (0.0, 1.0),
                ScalingMethod.Standardize => MeanAndDeviation(features, train.Rows, columns, column),
                ScalingMethod.MinMax => MinimumAndRange(features, train.Rows, columns, column),
                _ => throw new InvalidConfigurationException($"Unknown scaling method {method}."),
            };
        }
        return new FeatureScaling(method, train.FeatureNames, offsets, scales, train.Rows);
    }

    /// <summary>The dataset with every feature scaled by these parameters.</summary>
    public Dataset Apply(Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Columns != Offsets.Count)
        {
            throw new InvalidConfigurationException(
                $"Feature scaling fitted on {Offsets.Count} features cannot be applied to '{dataset.Name}' with {dataset.Columns}.");
        }
        ReadOnlySpan<double> features = dataset.Features;
        var scaled = new double[features.Length];
        for (int index = 0; index < scaled.Length; index++)
        {
            int column = index % dataset.Columns;
            scaled[index] = (features[index] - Offsets[column]) / Scales[column];
            if (!double.IsFinite(scaled[index]))
            {
                throw new PoisonCertException(
                    $"Scaling '{dataset.Name}' row {index / dataset.Columns}, feature '{FeatureNames[column]}' gives a non-finite value: the value {features[index]} is too far outside the training range.");
            }
        }
        return dataset.WithFeatures(scaled, dataset.Name);
    }

    private static (double Mean, double Deviation) MeanAndDeviation(ReadOnlySpan<double> features, int rows, int columns, int column)
    {
        double sum = 0;
        for (int row = 0; row < rows; row++)
        {
            sum += features[row * columns + column];
        }
        double mean = sum / rows;
        double squares = 0;
        for (int row = 0; row < rows; row++)
        {
            double difference = features[row * columns + column] - mean;
            squares += difference * difference;
        }
        double deviation = Math.Sqrt(squares / rows);
        return (mean, deviation > 0 && double.IsFinite(deviation) ? deviation : 1.0);
    }

    private static (double Minimum, double Range) MinimumAndRange(ReadOnlySpan<double> features, int rows, int columns, int column)
    {
        double minimum = double.PositiveInfinity;
        double maximum = double.NegativeInfinity;
        for (int row = 0; row < rows; row++)
        {
            double value = features[row * columns + column];
            minimum = Math.Min(minimum, value);
            maximum = Math.Max(maximum, value);
        }
        double range = maximum - minimum;
        return (minimum, range > 0 && double.IsFinite(range) ? range : 1.0);
    }
}
