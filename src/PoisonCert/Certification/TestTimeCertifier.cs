using System.Numerics;
using PoisonCert.Kernels;
using PoisonCert.Models;
using PoisonCert.Numerics;
using PoisonCert.Training;

namespace PoisonCert.Certification;

/// <summary>Test-time classification certificate over a parameter box.</summary>
public sealed record ClassificationCertificate(int Points, int NominalCorrect, int CertifiedCorrect, int StablePredictions,
    bool[] CertifiedPerPoint, bool[] StablePerPoint, int[] NominalPredictions, double TriggerRadius)
{
    public double NominalAccuracy => Points == 0 ? 0 : (double)NominalCorrect / Points;
    /// <summary>Fraction of test points whose prediction is correct for EVERY parameter vector in the box (a lower bound on the accuracy of every poisoned model).</summary>
    public double CertifiedAccuracy => Points == 0 ? 0 : (double)CertifiedCorrect / Points;
    /// <summary>Fraction of test points whose predicted class cannot change over the box.</summary>
    public double StableFraction => Points == 0 ? 0 : (double)StablePredictions / Points;
}

/// <summary>Test-time regression certificate over a parameter box.</summary>
public sealed record RegressionCertificate(int Points, double NominalMse, double WorstCaseMse, double BestCaseMse,
    double[] OutputLower, double[] OutputUpper, double TriggerRadius);

/// <summary>
/// Certificates that hold for every parameter vector in a box, hence for every poisoned training run the box
/// contains (ALGORITHM §5). Test inputs are points, or boxes [x − r, x + r] for a trigger radius r (backdoor
/// certificates: no trigger within r changes the outcome, for any poisoned model).
/// <para>
/// Classification uses logit DIFFERENCES: z_y − z_j = (W_y − W_j)·h + (b_y − b_j) through the last layer with the
/// same h for both logits, which is tighter than comparing separate logit intervals. The float program's logits
/// carry rounding error at most γ_(K+1)·(Σₖ|W_ck|·|hₖ| + |b_c|) + (K+1)·η each (Higham (3.5), the bias as the last
/// term), which is subtracted, so "certified" means the program's own float prediction is y. A point counts as
/// certified only when every difference is strictly positive (ties would go to the first index).
/// </para>
/// <para>
/// With the affine domain (<see cref="BoundSettings.Affine"/>) the forward pass is refined by <see cref="AffineRefiner{T}"/>
/// from the input layer on (regression output boxes and binary logits are intersected with it), and a point is
/// certified when either the interval or the affine logit differences are all positive: both enclose the
/// program's, so the better of the two is used per point. With the CROWN domain (<see cref="BoundSettings.Crown"/>)
/// the forward boxes are refined by <see cref="CrownBounds{T}"/> and the margins z_y − z_j are bounded as CROWN
/// objectives, again the better of that and the interval differences.
/// </para>
/// </summary>
public static class TestTimeCertifier
{
    private const int Chunk = 256;

    public static ClassificationCertificate Classification<T>(ParameterBox<T> box, TrainingSet<T> test, double triggerRadius = 0,
        BoundSettings? bounds = null)
        where T : IBinaryFloatingPointIeee754<T>
    {
        if (!test.IsClassification) throw new InvalidConfigurationException($"'{test.Name}' has regression targets; use a regression certificate.");
        CheckRadius(triggerRadius);
        var architecture = box.Architecture;
        var nominal = Predictions(box, test);
        var certified = new bool[test.Rows];
        var stable = new bool[test.Rows];
        ForEachChunk(box, test, triggerRadius, bounds ?? new BoundSettings(), (track, refinements, first, count) =>
        {
            for (var i = 0; i < count; i++)
            {
                var row = first + i;
                certified[row] = IsCertainly(box, track, refinements, i, test.Labels![row]);
                stable[row] = nominal[row] == test.Labels[row] ? certified[row] : IsCertainly(box, track, refinements, i, nominal[row]);
            }
        });
        var nominalCorrect = Enumerable.Range(0, test.Rows).Count(r => nominal[r] == test.Labels![r]);
        return new ClassificationCertificate(test.Rows, nominalCorrect, certified.Count(c => c), stable.Count(s => s), certified, stable, nominal, triggerRadius);
    }

    public static RegressionCertificate Regression<T>(ParameterBox<T> box, TrainingSet<T> test, double triggerRadius = 0,
        BoundSettings? bounds = null)
        where T : IBinaryFloatingPointIeee754<T>
    {
        if (test.IsClassification) throw new InvalidConfigurationException($"'{test.Name}' has class labels; use a classification certificate.");
        CheckRadius(triggerRadius);
        var width = test.TargetWidth;
        var outputLower = new double[test.Rows * width];
        var outputUpper = new double[test.Rows * width];
        ForEachChunk(box, test, triggerRadius, bounds ?? new BoundSettings(), (track, _, first, count) =>
        {
            for (var e = 0; e < count * width; e++)
            {
                outputLower[first * width + e] = double.CreateTruncating(track.OutputLower[e]);
                outputUpper[first * width + e] = double.CreateTruncating(track.OutputUpper[e]);
            }
        });
        double worst = 0, best = 0, nominalTotal = 0;
        var network = new PointNetwork<T>(box.Architecture, Chunk);
        for (var first = 0; first < test.Rows; first += Chunk)
        {
            var count = Math.Min(Chunk, test.Rows - first);
            network.Forward(box.Nominal, test.Features.AsSpan(first * test.Inputs, count * test.Inputs), count);
            for (var e = 0; e < count * width; e++)
            {
                var target = double.CreateTruncating(test.Targets![first * width + e]);
                var residual = double.CreateTruncating(network.Outputs[e]) - target;
                nominalTotal += residual * residual;
                var l = outputLower[first * width + e];
                var u = outputUpper[first * width + e];
                var far = Math.Max(Rounding.SubUp(target, l), Rounding.SubUp(u, target));
                worst = Rounding.AddUp(worst, Rounding.MulUp(far, far));
                var near = target < l ? Rounding.SubDown(l, target) : target > u ? Rounding.SubDown(target, u) : 0;
                best = Rounding.AddDown(best, Rounding.MulDown(near, near));
            }
        }
        var n = (double)test.Rows * width;
        return new RegressionCertificate(test.Rows, nominalTotal / n, Rounding.DivUp(worst, n), Rounding.DivDown(best, n), outputLower, outputUpper, triggerRadius);
    }

    /// <summary>
    /// Per test point, the largest budget of a sweep (budgets ascending, each with its per-point certified flags) up
    /// to which the point is certified at EVERY budget of the sweep; −1 when not even the smallest certifies it.
    /// </summary>
    public static int[] LargestCertifiedBudget(IReadOnlyList<(int Budget, bool[] Certified)> sweep)
    {
        var ordered = sweep.OrderBy(s => s.Budget).ToList();
        var points = ordered.Count == 0 ? 0 : ordered[0].Certified.Length;
        var result = new int[points];
        for (var p = 0; p < points; p++)
        {
            result[p] = -1;
            foreach (var (budget, certified) in ordered)
            {
                if (!certified[p]) break;
                result[p] = budget;
            }
        }
        return result;
    }

    /// <summary>The nominal model's (the clean run's) predictions.</summary>
    public static int[] Predictions<T>(ParameterBox<T> box, TrainingSet<T> test) where T : IBinaryFloatingPointIeee754<T>
    {
        var network = new PointNetwork<T>(box.Architecture, Chunk);
        var outputs = box.Architecture.Outputs;
        var predictions = new int[test.Rows];
        for (var first = 0; first < test.Rows; first += Chunk)
        {
            var count = Math.Min(Chunk, test.Rows - first);
            network.Forward(box.Nominal, test.Features.AsSpan(first * test.Inputs, count * test.Inputs), count);
            for (var i = 0; i < count; i++) predictions[first + i] = PointLoss.Predict(network.Outputs.Slice(i * outputs, outputs));
        }
        return predictions;
    }

    private static void CheckRadius(double radius)
    {
        if (!double.IsFinite(radius) || radius < 0) throw new InvalidConfigurationException($"certify.backdoorEpsilon = {radius}: the trigger radius must be finite and ≥ 0.");
    }

    // Interval forward passes of the test set in chunks (input boxes [x − r, x + r] rounded outward).
    private static void ForEachChunk<T>(ParameterBox<T> box, TrainingSet<T> test, double radius, BoundSettings bounds,
        Action<IntervalNetwork<T>, Refinements<T>, int, int> visit)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var architecture = box.Architecture;
        PlainTrainerShapes(test, architecture);
        var track = new IntervalNetwork<T>(architecture, Chunk, bounds.Products);
        AffineWeights<T>? weights = null;
        AffineRefiner<T>? refiner = null;
        CrownBounds<T>? crown = null;
        if (bounds.Affine || bounds.Crown)
        {
            weights = new AffineWeights<T>(architecture);
            weights.Prepare(box.Lower, box.Upper);
            if (bounds.Affine) refiner = new AffineRefiner<T>(architecture, Chunk, Environment.ProcessorCount, fromInput: true);
            if (bounds.Crown) crown = new CrownBounds<T>(architecture, Chunk, Environment.ProcessorCount, fromInput: true);
        }
        var refinements = new Refinements<T>(refiner, crown, weights, new T[architecture.Outputs]);
        var transposedLower = architecture.Layers.Select(l => new T[l.WeightCount]).ToArray();
        var transposedUpper = architecture.Layers.Select(l => new T[l.WeightCount]).ToArray();
        for (var l = 0; l < architecture.Layers.Count; l++)
        {
            var layer = architecture.Layers[l];
            PointNetwork<T>.Transpose(box.Lower.AsSpan(layer.WeightOffset, layer.WeightCount), layer.Outputs, layer.Inputs, transposedLower[l]);
            PointNetwork<T>.Transpose(box.Upper.AsSpan(layer.WeightOffset, layer.WeightCount), layer.Outputs, layer.Inputs, transposedUpper[l]);
        }
        var r = Transcendentals.ToUpper<T>(radius);
        for (var first = 0; first < test.Rows; first += Chunk)
        {
            var count = Math.Min(Chunk, test.Rows - first);
            track.Begin(count);
            var features = test.Features.AsSpan(first * test.Inputs, count * test.Inputs);
            var lower = track.InputLower;
            var upper = track.InputUpper;
            for (var e = 0; e < features.Length; e++)
            {
                lower[e] = T.IsZero(r) ? features[e] : Rounding.SubDown(features[e], r);
                upper[e] = T.IsZero(r) ? features[e] : Rounding.AddUp(features[e], r);
            }
            track.Forward(box.Lower, box.Upper, transposedLower, transposedUpper);
            crown?.Forward(track, weights!);
            refiner?.Forward(track, weights!);
            visit(track, refinements, first, count);
        }
    }

    private static void PlainTrainerShapes<T>(TrainingSet<T> test, NetworkArchitecture architecture) where T : IBinaryFloatingPointIeee754<T>
    {
        if (test.Inputs != architecture.Inputs)
            throw new InvalidConfigurationException($"The test data '{test.Name}' have {test.Inputs} features; the network takes {architecture.Inputs} inputs.");
    }

    /// <summary>True when the program's prediction for sample <paramref name="i"/> of the chunk is <paramref name="label"/> for every member of the box.</summary>
    private static bool IsCertainly<T>(ParameterBox<T> box, IntervalNetwork<T> track, Refinements<T> refinements, int i, int label) where T : IBinaryFloatingPointIeee754<T>
    {
        var architecture = box.Architecture;
        var outputs = architecture.Outputs;
        if (outputs == 1)
        {
            var z = (track.OutputLower[i], track.OutputUpper[i]); // encloses the program's logit
            return label == 1 ? z.Item1 > T.Zero : z.Item2 <= T.Zero;
        }
        if (refinements.Affine is { } refiner && refiner.IsRefined(i) && AffineCertainly(refiner, i, label, outputs)) return true;
        if (refinements.Crown is { } crown)
        {
            var margins = refinements.Margins;
            if (crown.Margins(track, refinements.Weights!, i, label, margins) && margins.All(m => m > T.Zero)) return true;
        }
        var lastIndex = architecture.Layers.Count - 1;
        var last = architecture.Layers[lastIndex];
        var k = last.Inputs;
        var hLower = track.LayerInputLower(lastIndex).Slice(i * k, k);
        var hUpper = track.LayerInputUpper(lastIndex).Slice(i * k, k);
        Span<T> differenceLower = new T[k];
        Span<T> differenceUpper = new T[k];
        var gamma = ErrorBounds.Gamma<T>(k + 1);
        var underflow = Rounding.MulUp(T.CreateChecked(k + 1), T.Epsilon);
        var errorLabel = LogitError(box, last, label, hLower, hUpper, gamma, underflow);
        for (var j = 0; j < outputs; j++)
        {
            if (j == label) continue;
            var wy = last.WeightOffset + label * k;
            var wj = last.WeightOffset + j * k;
            for (var c = 0; c < k; c++)
            {
                differenceLower[c] = Rounding.SubDown(box.Lower[wy + c], box.Upper[wj + c]);
                differenceUpper[c] = Rounding.SubUp(box.Upper[wy + c], box.Lower[wj + c]);
            }
            var (dotLower, _) = DirectedProductLoops.Dot<T>(differenceLower, differenceUpper, hLower, hUpper, KernelPath.Automatic);
            var biasLower = Rounding.SubDown(box.Lower[last.BiasOffset + label], box.Upper[last.BiasOffset + j]);
            var margin = Rounding.SubDown(Rounding.SubDown(Rounding.AddDown(dotLower, biasLower), errorLabel),
                LogitError(box, last, j, hLower, hUpper, gamma, underflow));
            if (!(margin > T.Zero)) return false;
        }
        return true;
    }

    /// <summary>
    /// The logit differences through the output forms of the affine domain, which enclose the program's logits with
    /// shared symbols: z_y − z_j = (c_y − c_j) + Σ_s (A_sy − A_sj)·e_s + r_y·f_y − r_j·f_j ≥ (c_y − c_j) − Σ_s |A_sy − A_sj| − r_y − r_j.
    /// Each |fl(A_sy − A_sj)| is within a factor (1 + u) of the exact term, so the sum (S + 2 terms, at most S + 2 roundings
    /// on each) is inflated by InflateNonNegative(·, S + 3) and the centre difference rounded down.
    /// </summary>
    private static bool AffineCertainly<T>(AffineRefiner<T> refiner, int i, int label, int outputs) where T : IBinaryFloatingPointIeee754<T>
    {
        var (centerMemory, coefficientMemory, radiusMemory) = refiner.OutputForm(i);
        var center = centerMemory.Span;
        var coefficients = coefficientMemory.Span;
        var radius = radiusMemory.Span;
        var symbols = coefficients.Length / outputs;
        for (var j = 0; j < outputs; j++)
        {
            if (j == label) continue;
            var total = radius[label] + radius[j];
            for (var s = 0; s < symbols; s++) total += T.Abs(coefficients[s * outputs + label] - coefficients[s * outputs + j]);
            var spread = ErrorBounds.InflateNonNegative(total, symbols + 3);
            var margin = Rounding.SubDown(Rounding.SubDown(center[label], center[j]), spread);
            if (!(margin > T.Zero)) return false;
        }
        return true;
    }

    // γ_(K+1)·(Σₖ mag(W_ck)·mag(hₖ) + mag(b_c)) + (K+1)·η, rounded upward.
    private static T LogitError<T>(ParameterBox<T> box, DenseLayer last, int c, ReadOnlySpan<T> hLower, ReadOnlySpan<T> hUpper, T gamma, T underflow)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var total = T.Zero;
        var row = last.WeightOffset + c * last.Inputs;
        for (var k = 0; k < last.Inputs; k++)
        {
            var w = T.Max(T.Abs(box.Lower[row + k]), T.Abs(box.Upper[row + k]));
            var h = T.Max(T.Abs(hLower[k]), T.Abs(hUpper[k]));
            total = Rounding.AddUp(total, Rounding.MulUp(w, h));
        }
        total = Rounding.AddUp(total, T.Max(T.Abs(box.Lower[last.BiasOffset + c]), T.Abs(box.Upper[last.BiasOffset + c])));
        return Rounding.AddUp(Rounding.MulUp(gamma, total), underflow);
    }
}

/// <summary>
/// The tighter domains a test-time pass was refined with (none, affine, CROWN), the box's centres and radii, and a
/// buffer for one point's CROWN margins (the points are checked one after the other).
/// </summary>
internal readonly record struct Refinements<T>(AffineRefiner<T>? Affine, CrownBounds<T>? Crown, AffineWeights<T>? Weights, T[] Margins)
    where T : IBinaryFloatingPointIeee754<T>;
