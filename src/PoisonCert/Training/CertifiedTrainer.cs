using System.Diagnostics;
using System.Numerics;
using System.Runtime.Intrinsics;
using PoisonCert.Kernels;
using PoisonCert.Models;
using PoisonCert.Numerics;

namespace PoisonCert.Training;

/// <summary>Options of a certified run that do not change its result.</summary>
public sealed record CertificationOptions
{
    /// <summary>Worker threads for the per-sample bound streaming (the result is the same for any value).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
    /// <summary>Called after every step with (step, total steps, mean bound width).</summary>
    public Action<int, int, double>? Progress { get; init; }
    public CancellationToken Cancellation { get; init; }
}

/// <summary>Choices of a certified run that change its bounds (recorded in certificates as the run's domain).</summary>
public sealed record BoundSettings
{
    /// <summary>How the interval matrix products of the bound passes are formed.</summary>
    public IntervalProducts Products { get; init; } = IntervalProducts.MidpointRadius;

    /// <summary>
    /// Unpaired feature and label poisoning (without norm clipping) is aggregated by the exact selection: from
    /// feature-only, label-only and joint gradient boxes, the worst choice per coordinate of feature-only,
    /// label-only and doubly poisoned samples within both budgets (<see cref="Kernels.UnpairedSelection{T}"/>), never
    /// looser than charging n + m joint candidates, at the cost of two more bound passes per step and a table of
    /// (n + 1)(m + 1) − 1 entries per coordinate. Off: the joint rule alone.
    /// </summary>
    public bool SplitUnpaired { get; init; } = true;

    /// <summary>
    /// Runs the affine (zonotope) domain on top of the interval passes of every track and intersects the boxes
    /// with it (<see cref="AffineRefiner{T}"/>): never looser than intervals alone, at the cost of the forms' products.
    /// </summary>
    public bool Affine { get; init; }

    /// <summary>
    /// Tightens every track's forward boxes with CROWN-style linear bounds (<see cref="CrownBounds{T}"/>) substituted
    /// back to the first trainable layer's input, parameters perturbed too; intersected with the interval boxes.
    /// </summary>
    public bool Crown { get; init; }
}

/// <summary>The outcome of certified training: the parameter box and how it grew.</summary>
public sealed record CertifiedTrainingResult<T>(ParameterBox<T> Box, IReadOnlyList<double> MeanWidthPerStep, int Steps, int DroppedRowsPerEpoch,
    TimeSpan Elapsed) where T : IBinaryFloatingPointIeee754<T>;

/// <summary>
/// Abstract Gradient Training (Sosnin et al., arXiv 2406.05670) sound in floating point. By induction on steps:
/// if every parameter vector reachable by training on some poisoned dataset within the threat model lies in
/// [θₗ, θᵤ] before a step, then after it too. Each step (ALGORITHM §3):
/// <list type="number">
/// <item>the nominal track runs the training program (<see cref="TrainingProgram{T}"/>) on the clean batch;</item>
/// <item>the clean track bounds every sample's gradient over the parameter box (<see cref="IntervalNetwork{T}"/>);</item>
/// <item>the poisoned track bounds every untrusted sample's gradient over the box and every admissible poison
/// (feature box [x − ε, x + ε] rounded outward, label box);</item>
/// <item>both are clipped as the program clips, then aggregated per coordinate (<see cref="GradientAggregator{T}"/>);</item>
/// <item>the optimizer step is applied with interval arithmetic (<see cref="IntervalOptimizer{T}"/>).</item>
/// </list>
/// Every bound encloses the exact value and the program's floating-point value, so the box contains the
/// parameters of every real (float) poisoned run of the program. After each step the nominal parameters must lie
/// in the box and every endpoint must be finite; otherwise the run stops with a <see cref="BoundViolationException"/>
/// naming the step, tensor and index — never a certificate with a warning.
/// </summary>
public sealed class CertifiedTrainer<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly TrainingRecipe _recipe;
    private readonly ThreatModel _threat;
    private readonly CertificationOptions _options;
    private readonly BoundSettings _bounds;

    public CertifiedTrainer(TrainingRecipe recipe, ThreatModel threat, CertificationOptions? options = null, BoundSettings? bounds = null)
    {
        _recipe = recipe;
        _threat = threat;
        _options = options ?? new CertificationOptions();
        _bounds = bounds ?? new BoundSettings();
        if (_options.MaxDegreeOfParallelism < 1) throw new InvalidConfigurationException("MaxDegreeOfParallelism must be ≥ 1.");
    }

    /// <summary>
    /// Certified training from <paramref name="initial"/>. <paramref name="afterStep"/> sees the box after every
    /// step (the trainer's live arrays: copy what you keep).
    /// </summary>
    public CertifiedTrainingResult<T> Train(TrainingSet<T> data, NetworkParameters<T> initial, Action<int, ParameterBox<T>>? afterStep = null)
    {
        var stopwatch = Stopwatch.StartNew();
        var architecture = initial.Architecture;
        _recipe.Validate(data.Rows);
        PlainTrainer.CheckShapes(data, architecture, _recipe.Loss);
        _threat.Validate(_recipe.BatchSize, _recipe.Loss, data.ClassCount, _recipe.Clipping);

        var box = ParameterBox<T>.Around(initial);
        var batchSize = _recipe.BatchSize;
        var program = new TrainingProgram<T>(architecture, _recipe);
        var clean = new IntervalNetwork<T>(architecture, batchSize, _bounds.Products);
        var poisonedTrack = _threat.PoisonsFeatures || _threat.PoisonsLabels;
        var poisoned = poisonedTrack ? new IntervalNetwork<T>(architecture, batchSize, _bounds.Products) : null;
        var split = _bounds.SplitUnpaired && _threat.SplitsUnpaired && _recipe.Clipping?.Kind != ClipKind.Norm;
        var featureOnly = split ? new IntervalNetwork<T>(architecture, batchSize, _bounds.Products) : null;
        var labelOnly = split ? new IntervalNetwork<T>(architecture, batchSize, _bounds.Products) : null;
        var centres = _bounds.Affine || _bounds.Crown ? new AffineWeights<T>(architecture) : null;
        TrackPass? Pass(IntervalNetwork<T>? network) => network is null ? null : new TrackPass(network,
            _bounds.Affine ? new AffineRefiner<T>(architecture, batchSize, _options.MaxDegreeOfParallelism) : null,
            _bounds.Crown ? new CrownBounds<T>(architecture, batchSize, _options.MaxDegreeOfParallelism) : null);
        var (cleanPass, poisonedPass, featurePass, labelPass) = (Pass(clean)!, Pass(poisoned), Pass(featureOnly), Pass(labelOnly));
        var start = architecture.Layers[architecture.FirstTrainable].WeightOffset;
        var optimizer = new IntervalOptimizer<T>(_recipe, architecture.ParameterCount, start);
        var aggregator = new GradientAggregator<T>(architecture, _threat, _recipe.Clipping, _options.MaxDegreeOfParallelism, split);
        var normClipping = _recipe.Clipping is { Kind: ClipKind.Norm };
        var cleanFactors = normClipping ? new ClipFactors<T>(batchSize) : null;
        var poisonedFactors = normClipping && poisonedTrack ? new ClipFactors<T>(batchSize) : null;
        var transposedLower = architecture.Layers.Select(l => new T[l.WeightCount]).ToArray();
        var transposedUpper = architecture.Layers.Select(l => new T[l.WeightCount]).ToArray();
        var deltaLower = new T[architecture.ParameterCount];
        var deltaUpper = new T[architecture.ParameterCount];
        var batch = new BatchData<T>(batchSize, data.Inputs, data.IsClassification, data.TargetWidth);
        var widths = new List<double>();
        var batches = _recipe.BatchesPerEpoch(data.Rows);
        var totalSteps = batches * _recipe.Epochs;
        var step = 0;
        for (var epoch = 0; epoch < _recipe.Epochs; epoch++)
        {
            var order = BatchSchedule.EpochOrder(data.Rows, _recipe.ShuffleSeed, epoch);
            for (var j = 0; j < batches; j++, step++)
            {
                _options.Cancellation.ThrowIfCancellationRequested();
                batch.Load(data, order.AsSpan(j * batchSize, batchSize));
                for (var l = 0; l < architecture.Layers.Count; l++)
                {
                    var layer = architecture.Layers[l];
                    PointNetwork<T>.Transpose(box.Lower.AsSpan(layer.WeightOffset, layer.WeightCount), layer.Outputs, layer.Inputs, transposedLower[l]);
                    PointNetwork<T>.Transpose(box.Upper.AsSpan(layer.WeightOffset, layer.WeightCount), layer.Outputs, layer.Inputs, transposedUpper[l]);
                }
                centres?.Prepare(box.Lower, box.Upper);
                BoundTrack(cleanPass, centres, batch, box, transposedLower, transposedUpper, features: false, labels: false);
                if (poisonedPass is not null) BoundTrack(poisonedPass, centres, batch, box, transposedLower, transposedUpper, features: true, labels: true);
                if (featurePass is not null) BoundTrack(featurePass, centres, batch, box, transposedLower, transposedUpper, features: true, labels: false);
                if (labelPass is not null) BoundTrack(labelPass, centres, batch, box, transposedLower, transposedUpper, features: false, labels: true);
                if (normClipping)
                {
                    var bound = T.CreateTruncating(_recipe.Clipping!.Bound);
                    NormClipping.Factors(architecture, clean, bound, cleanFactors!);
                    if (poisoned is not null) NormClipping.Factors(architecture, poisoned, bound, poisonedFactors!);
                }
                aggregator.Aggregate(clean, poisoned, cleanFactors, poisonedFactors, deltaLower, deltaUpper, featureOnly, labelOnly);
                program.Step(step, box.Nominal, batch);
                optimizer.Step(step, box.Lower, box.Upper, deltaLower, deltaUpper);
                Check(box, step);
                var width = box.MeanWidth();
                widths.Add(width);
                afterStep?.Invoke(step, box);
                _options.Progress?.Invoke(step + 1, totalSteps, width);
            }
        }
        return new CertifiedTrainingResult<T>(box, widths, step, _recipe.DroppedRows(data.Rows), stopwatch.Elapsed);
    }

    // One track's bounds: features moved by ε when `features` (and the threat model poisons features), labels
    // poisoned when `labels` (and the threat model poisons labels).
    private void BoundTrack(TrackPass pass, AffineWeights<T>? centres, BatchData<T> batch, ParameterBox<T> box, T[][] transposedLower, T[][] transposedUpper,
        bool features, bool labels)
    {
        var (track, refiner, crown) = pass;
        track.Begin(batch.Count);
        var inputs = batch.Features.AsSpan(0, batch.Count * batch.Inputs);
        var inputLower = track.InputLower;
        var inputUpper = track.InputUpper;
        if (features && _threat.PoisonsFeatures)
        {
            var epsilon = Transcendentals.ToUpper<T>(_threat.FeatureEpsilon);
            var e = 0;
            if (Vector512.IsHardwareAccelerated && KernelPaths.Resolve(KernelPath.Automatic) == KernelPath.Vector512)
            {
                // Lane for lane the scalar loop's operations (bit-identical vector directed rounding).
                var (down, up) = (Vector512.Create(-epsilon), Vector512.Create(epsilon));
                for (; e <= inputs.Length - Vector512<T>.Count; e += Vector512<T>.Count)
                {
                    var x = Vector512.Create((ReadOnlySpan<T>)inputs.Slice(e, Vector512<T>.Count));
                    VectorDirectedRounding.AddDown(x, down).CopyTo(inputLower.Slice(e));
                    VectorDirectedRounding.AddUp(x, up).CopyTo(inputUpper.Slice(e));
                }
            }
            for (; e < inputs.Length; e++)
            {
                inputLower[e] = Rounding.SubDown(inputs[e], epsilon);
                inputUpper[e] = Rounding.AddUp(inputs[e], epsilon);
            }
        }
        else
        {
            inputs.CopyTo(inputLower);
            inputs.CopyTo(inputUpper);
        }
        track.Forward(box.Lower, box.Upper, transposedLower, transposedUpper);
        crown?.Forward(track, centres!);
        refiner?.Forward(track, centres!);
        var architecture = box.Architecture;
        var outputs = architecture.Outputs;
        var last = architecture.Layers.Count - 1;
        var labelBox = labels && _threat.PoisonsLabels
            ? new LabelBox(_threat.Labels, _threat.LabelRadius, _threat.TargetClass)
            : LabelBox.Clean;
        var gradientLower = track.OutputGradientLower(last);
        var gradientUpper = track.OutputGradientUpper(last);
        for (var i = 0; i < batch.Count; i++)
            IntervalLoss.Gradient(_recipe.Loss, track.OutputLower.Slice(i * outputs, outputs), track.OutputUpper.Slice(i * outputs, outputs),
                batch.Labels is null ? 0 : batch.Labels[i], batch.Targets is null ? default : batch.TargetsOf(i), labelBox,
                gradientLower.Slice(i * outputs, outputs), gradientUpper.Slice(i * outputs, outputs));
        track.Backward(box.Lower, box.Upper);
        refiner?.Backward(track, centres!, _recipe.Loss, batch.Targets,
            labelBox.Kind == LabelPoisoning.Bounded ? Transcendentals.ToUpper<T>(labelBox.Radius) : T.Zero);
    }

    /// <summary>The nominal parameters must lie in the box and every endpoint must be finite (and ordered).</summary>
    private static void Check(ParameterBox<T> box, int step)
    {
        for (var e = 0; e < box.Lower.Length; e++)
        {
            var (l, n, u) = (box.Lower[e], box.Nominal[e], box.Upper[e]);
            if (T.IsFinite(l) && T.IsFinite(u) && T.IsFinite(n) && l <= n && n <= u) continue;
            var (entry, index) = box.Architecture.Locate(e);
            var what = !T.IsFinite(l) || !T.IsFinite(u)
                ? "the bounds are no longer finite (the interval widths overflowed: the certificate would be vacuous)"
                : !T.IsFinite(n) ? "the nominal (clean) run diverged" : "the nominal (clean) run left its own box — an engine bug";
            throw new BoundViolationException(
                $"Step {step}: {entry.Name}[{string.Join(", ", index)}]: nominal {n:R}, box [{l:R}, {u:R}]: {what}.");
        }
    }

    // One track's interval passes and the tighter domains that refine them (null when the run does not use them).
    private sealed record TrackPass(IntervalNetwork<T> Network, AffineRefiner<T>? Affine, CrownBounds<T>? Crown);
}
