using PoisonCert.Numerics;

namespace PoisonCert.Data;

/// <summary>
/// A fitted scaling of regression targets y' = (y − Offsets[j]) / Scales[j] for each target column j, fitted on the
/// training rows only (<see cref="Fit"/>) and applied unchanged to the training and test rows (<see cref="Apply"/>).
/// The network is trained and certified on the scaled targets; <see cref="WorstCaseMseInTargetUnits"/> and
/// <see cref="BestCaseMseInTargetUnits"/> turn the certified MSE back into squared target units soundly.
/// </summary>
public sealed record TargetScaling(ScalingMethod Method, IReadOnlyList<string> TargetNames, IReadOnlyList<double> Offsets, IReadOnlyList<double> Scales, int FittedOnRows)
{
    /// <summary>
    /// A bound on how far a stored scaled target (computed as fl(fl(y − μ) / σ) in float64, then rounded to the
    /// training precision, float32 or float64) lies from the exact (y − μ) / σ, relative to the stored value c:
    /// |c − (y − μ)/σ| ≤ 2⁻²³·|c| + 2⁻¹²⁶. (Float32 rounding contributes at most 2⁻²⁴ relative, the two float64
    /// roundings about 2⁻⁵² together; 2⁻¹²⁶ covers underflow of either.)
    /// </summary>
    public const double RelativeTargetError = 1.0 / (1 << 23);

    /// <summary>The absolute part of the target error bound (underflow), 2⁻¹²⁶.</summary>
    public static readonly double AbsoluteTargetError = Math.ScaleB(1.0, -126);

    /// <summary>Fits <paramref name="method"/> (<see cref="ScalingMethod.Standardize"/> or <see cref="ScalingMethod.None"/>) on the training targets.</summary>
    public static TargetScaling Fit(Dataset train, ScalingMethod method)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.TargetKind != TargetKind.Regression)
        {
            throw new InvalidConfigurationException($"Cannot scale the targets of '{train.Name}': it has class labels, not regression targets.");
        }
        if (method is not (ScalingMethod.Standardize or ScalingMethod.None))
        {
            throw new InvalidConfigurationException($"Target scaling {method} is not supported: use standard or none.");
        }
        if (train.Rows == 0)
        {
            throw new InvalidConfigurationException($"Cannot fit target scaling on '{train.Name}': it has no rows.");
        }
        int width = train.TargetWidth;
        var offsets = new double[width];
        var scales = new double[width];
        ReadOnlySpan<double> targets = train.RegressionTargets;
        for (int column = 0; column < width; column++)
        {
            if (method == ScalingMethod.None)
            {
                (offsets[column], scales[column]) = (0.0, 1.0);
                continue;
            }
            double sum = 0;
            for (int row = 0; row < train.Rows; row++) sum += targets[row * width + column];
            double mean = sum / train.Rows;
            double squares = 0;
            for (int row = 0; row < train.Rows; row++)
            {
                double difference = targets[row * width + column] - mean;
                squares += difference * difference;
            }
            double deviation = Math.Sqrt(squares / train.Rows);
            (offsets[column], scales[column]) = (mean, deviation > 0 && double.IsFinite(deviation) ? deviation : 1.0);
        }
        string[] names = width == 1 ? [train.TargetName] : [.. Enumerable.Range(0, width).Select(j => $"{train.TargetName}[{j}]")];
        return new TargetScaling(method, names, offsets, scales, train.Rows);
    }

    /// <summary>The dataset with every target scaled by these parameters (features unchanged).</summary>
    public Dataset Apply(Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.TargetKind != TargetKind.Regression || dataset.TargetWidth != Offsets.Count)
        {
            throw new InvalidConfigurationException(
                $"Target scaling fitted on {Offsets.Count} target columns cannot be applied to '{dataset.Name}' ({(dataset.TargetKind == TargetKind.Regression ? $"{dataset.TargetWidth} target columns" : "class labels")}).");
        }
        ReadOnlySpan<double> targets = dataset.RegressionTargets;
        var scaled = new double[targets.Length];
        for (int index = 0; index < scaled.Length; index++)
        {
            int column = index % Offsets.Count;
            scaled[index] = (targets[index] - Offsets[column]) / Scales[column];
        }
        return dataset.WithRegressionTargets(scaled, dataset.Name);
    }

    /// <summary>The largest scale σ_j, rounded up squared: MSE in target units is at most σ²_max times the scaled MSE.</summary>
    public double MaximumScaleSquaredUp()
    {
        double largest = Scales.Max();
        return Rounding.MulUp(largest, largest);
    }

    /// <summary>
    /// An upper bound, in squared target units, of the MSE of every model whose MSE on the stored scaled targets
    /// <paramref name="scaledTargets"/> is at most <paramref name="scaledWorstCaseMse"/>, measured against the exact
    /// scaled-back targets: with d_i = c_i − (y_i − μ)/σ (bounded by <see cref="RelativeTargetError"/>), the
    /// triangle inequality of the root mean square gives RMS(σ(ŷ − (y − μ)/σ)) ≤ σ_max (√W + max|d|), so the MSE
    /// in target units is at most σ²_max (√W + δ)², every operation rounded upward.
    /// </summary>
    public double WorstCaseMseInTargetUnits(double scaledWorstCaseMse, ReadOnlySpan<double> scaledTargets)
    {
        if (Method == ScalingMethod.None) return scaledWorstCaseMse;
        double root = Rounding.AddUp(Rounding.SqrtUp(scaledWorstCaseMse), TargetErrorBound(scaledTargets));
        return Rounding.MulUp(Rounding.MulUp(root, root), MaximumScaleSquaredUp());
    }

    /// <summary>
    /// A lower bound, in squared target units, of the MSE of every model whose scaled MSE is at least
    /// <paramref name="scaledBestCaseMse"/>: σ²_min · max(0, √B − δ)², every operation rounded downward.
    /// </summary>
    public double BestCaseMseInTargetUnits(double scaledBestCaseMse, ReadOnlySpan<double> scaledTargets)
    {
        if (Method == ScalingMethod.None) return scaledBestCaseMse;
        double root = Math.Max(0, Rounding.SubDown(Rounding.SqrtDown(scaledBestCaseMse), TargetErrorBound(scaledTargets)));
        double smallest = Scales.Min();
        return Rounding.MulDown(Rounding.MulDown(root, root), Rounding.MulDown(smallest, smallest));
    }

    /// <summary>max_i (2⁻²³·|c_i| + 2⁻¹²⁶), rounded upward: the largest distance of a stored scaled target from the exact one.</summary>
    public static double TargetErrorBound(ReadOnlySpan<double> scaledTargets)
    {
        double largest = 0;
        foreach (double value in scaledTargets) largest = Math.Max(largest, Math.Abs(value));
        return Rounding.AddUp(largest * RelativeTargetError, AbsoluteTargetError); // × 2⁻²³ is exact unless it underflows, by far less than the 2⁻¹²⁶ added
    }
}
