using System.Diagnostics;
using System.Numerics;
using PoisonCert.Certification;
using PoisonCert.Data;
using PoisonCert.Models;
using PoisonCert.Training;
using EngineLoss = PoisonCert.Models.LossKind;
using EngineThreat = PoisonCert.Training.ThreatModel;

namespace PoisonCert.Runs;

/// <summary>A run with its data loaded, split and scaled (scaling fitted on the training rows only).</summary>
public sealed record PreparedRun(ResolvedRun Run, Dataset Source, DatasetSplit Split, FeatureScaling Scaling, Dataset Train, Dataset Test)
{
    /// <summary>The regression target scaling fitted on the clean training rows (null for classification or "none").</summary>
    public TargetScaling? TargetScaling { get; init; }

    /// <summary>The files the data came from, with their SHA-256 (recorded in certificates).</summary>
    public IReadOnlyList<SourceFile> DataFiles => Source.SourceFiles;

    /// <summary>The parameters the run starts from (model.initialParameters), checked against its network; null: seeded initialisation.</summary>
    public ParametersFile? InitialParameters { get; init; }

    /// <summary>The initial parameters' file with the SHA-256 and length of the bytes that were read (recorded in certificates).</summary>
    public SourceFile? InitialParametersFile { get; init; }
}

/// <summary>The outcome of certifying a prepared run.</summary>
public sealed record CertificationOutcome(
    IReadOnlyList<ParameterBounds> Parameters,
    IReadOnlyList<CertificateMetric> Metrics,
    IReadOnlyList<double> StepMeanBoundWidths,
    IReadOnlyList<PhaseTiming> Timings,
    int Steps,
    bool[]? CertifiedPerPoint);

/// <summary>
/// From a run file to the engine: loading, splitting and scaling the data, building the network, recipe and
/// threat model the run describes, certified training, and the test-time certificate. The same steps serve
/// <c>certify</c>, <c>verify</c> (which repeats them and compares), <c>sweep</c>, <c>train</c> and <c>audit</c>.
/// </summary>
public static class RunPipeline
{
    /// <summary>
    /// Loads, splits and scales the run's data (scaling fitted on the clean training rows). With
    /// <paramref name="trainDataPath"/>, the training rows are taken from that file instead: a copy of the dataset's
    /// (first) file in the same format, with the same rows in the same order, some of them changed by an attacker.
    /// The split's row indices and the scaling come from the ORIGINAL data, so the substituted run trains on the
    /// same rows in the same batches; its test rows are ignored.
    /// </summary>
    public static PreparedRun Prepare(RunSpecification specification, DatasetRegistry registry, string? trainDataPath = null)
    {
        var provisional = specification.ResolveBeforeLoading(); // the loss default may need the loaded dataset's class count
        var source = provisional.Dataset.Load(registry);
        var whole = DatasetSplitter.Split(source, provisional.Split.TestFraction, provisional.Split.Seed, provisional.Split.Stratified);
        // split.trainRows keeps a range of the training part; the scalings are fitted on the whole part, so runs on
        // different ranges of one split (pretraining and fine-tuning) see identically scaled inputs.
        var split = provisional.Split.TrainRows is null ? whole : whole.WithTrainRows(RunResolver.TrainRows(provisional, whole.Train.Rows));
        var run = specification.Resolve(DatasetInfo.Of(split));
        var scaling = FeatureScaling.Fit(whole.Train, run.Scaling);
        var train = split.Train;
        if (trainDataPath is not null) train = SubstituteTraining(run, registry, trainDataPath, source, split);
        var (initial, initialFile) = ReadInitialParameters(run, split.Train);
        if (run.TargetScaling == ScalingMethod.None)
            return new PreparedRun(run, source, split, scaling, scaling.Apply(train), scaling.Apply(split.Test))
            {
                InitialParameters = initial, InitialParametersFile = initialFile,
            };
        var targetScaling = TargetScaling.Fit(whole.Train, run.TargetScaling);
        return new PreparedRun(run, source, split, scaling, targetScaling.Apply(scaling.Apply(train)), targetScaling.Apply(scaling.Apply(split.Test)))
        {
            TargetScaling = targetScaling, InitialParameters = initial, InitialParametersFile = initialFile,
        };
    }

    /// <summary>
    /// model.initialParameters: the file's bytes are read once, hashed and parsed (so the SHA-256 recorded is that of
    /// the values used), and checked against the run's network and precision.
    /// </summary>
    private static (ParametersFile?, SourceFile?) ReadInitialParameters(ResolvedRun run, Dataset train)
    {
        if (run.Model.InitialParametersFullPath is not { } path) return (null, null);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw RunResolver.FailAt(run, "$.model.initialParameters", $"cannot read the initial parameters '{run.Model.InitialParameters}' ({path}): {error.Message}");
        }
        var architecture = Architecture(run, train.Columns, Outputs(run, train));
        var parameters = ParametersFile.ParseFor(bytes, path, architecture, run.Precision);
        return (parameters, new SourceFile(path, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), bytes.LongLength));
    }

    public static NetworkArchitecture Architecture(ResolvedRun run, int inputs, int outputs)
        => NetworkArchitecture.Perceptron(inputs, run.Model.Hidden, outputs, run.Model.FrozenLayers);

    public static EngineLoss Loss(ResolvedRun run) => run.Loss switch
    {
        LossKind.MeanSquaredError => EngineLoss.MeanSquaredError,
        LossKind.BinaryCrossEntropy => EngineLoss.BinaryCrossEntropy,
        _ => EngineLoss.SoftmaxCrossEntropy,
    };

    public static int Outputs(ResolvedRun run, Dataset train) => run.Loss switch
    {
        LossKind.MeanSquaredError => train.TargetWidth,
        LossKind.BinaryCrossEntropy => 1,
        _ => train.ClassCount,
    };

    public static TrainingRecipe Recipe(ResolvedRun run)
    {
        var t = run.Training;
        var o = t.Optimizer;
        return new TrainingRecipe
        {
            Loss = Loss(run),
            Epochs = t.Epochs,
            BatchSize = t.BatchSize,
            LearningRate = t.LearningRate,
            ShuffleSeed = t.ShuffleSeed,
            LastBatch = t.LastBatch == LastBatchPolicy.Error ? Training.LastBatchPolicy.Error : Training.LastBatchPolicy.Drop,
            Schedule = new LearningRateSchedule(t.Schedule.Decay, t.Schedule.Minimum),
            Clipping = t.Clip is { } clip ? new GradientClipping(clip.Type == ClipKind.Norm ? Training.ClipKind.Norm : Training.ClipKind.Clamp, clip.Bound) : null,
            Optimizer = new Training.OptimizerSettings
            {
                Kind = o.Type switch { OptimizerKind.Adam => Training.OptimizerKind.Adam, OptimizerKind.AdamW => Training.OptimizerKind.AdamW, _ => Training.OptimizerKind.Sgd },
                Momentum = o.Momentum, Dampening = o.Dampening, Nesterov = o.Nesterov, WeightDecay = o.WeightDecay, L1 = o.L1,
                Beta1 = o.Beta1, Beta2 = o.Beta2, Epsilon = o.Epsilon,
            },
        };
    }

    public static EngineThreat Threat(ResolvedRun run)
    {
        var t = run.Threat;
        var labels = t.Labels.Count == 0 ? LabelPoisoning.None
            : run.TargetKind == TargetKind.Regression ? LabelPoisoning.Bounded
            : t.Labels.Flip == LabelFlipKind.Target ? LabelPoisoning.TargetFlip : LabelPoisoning.AnyFlip;
        return new EngineThreat
        {
            FeatureCount = t.Features.Count, FeatureEpsilon = t.Features.Epsilon,
            LabelCount = t.Labels.Count, Labels = labels, LabelRadius = t.Labels.Nu, TargetClass = t.Labels.TargetClass ?? 0,
            Pairing = t.Pairing == PairingKind.Paired ? Pairing.Paired : Pairing.Unpaired,
            UnboundedCount = t.UnboundedCount, RemovalCount = t.RemovalCount, TrustedPerBatch = t.Trusted,
        };
    }

    /// <summary>Certified training and the test-time certificate, in the run's precision.</summary>
    public static CertificationOutcome Certify(PreparedRun prepared, CertificationOptions options)
        => prepared.Run.Precision == NumericPrecision.Float64 ? Certify<double>(prepared, options) : Certify<float>(prepared, options);

    /// <summary>Plain training of the run's recipe (the program the certificate is about); values in the run's precision.</summary>
    public static IReadOnlyList<ParameterTensor> Train(PreparedRun prepared)
        => prepared.Run.Precision == NumericPrecision.Float64 ? Train<double>(prepared) : Train<float>(prepared);

    private static IReadOnlyList<ParameterTensor> Train<T>(PreparedRun prepared) where T : IBinaryFloatingPointIeee754<T>
    {
        var (train, _, initial, recipe) = Build<T>(prepared);
        var trained = PlainTrainer.Train(train, recipe, initial);
        return [.. initial.Architecture.Parameters.Select(entry => new ParameterTensor(entry.Name, entry.Shape, Values(trained.Of(entry).ToArray())))];
    }

    /// <summary>The engine's inputs for a prepared run, in precision T.</summary>
    public static (TrainingSet<T> Train, TrainingSet<T> Test, NetworkParameters<T> Initial, TrainingRecipe Recipe) Build<T>(PreparedRun prepared)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var train = TrainingSet<T>.From(prepared.Train);
        var test = TrainingSet<T>.From(prepared.Test);
        var architecture = Architecture(prepared.Run, train.Inputs, Outputs(prepared.Run, prepared.Train));
        var initial = prepared.InitialParameters is { } given ? FromFile<T>(architecture, given) : NetworkParameters<T>.Initialize(architecture, prepared.Run.Model.InitSeed);
        return (train, test, initial, Recipe(prepared.Run));
    }

    // The file was checked against this architecture and the run's precision (ParametersFile.ParseFor): same tensors in
    // the same order, so the values are copied in place; a value of precision T converts to T exactly.
    private static NetworkParameters<T> FromFile<T>(NetworkArchitecture architecture, ParametersFile file) where T : IBinaryFloatingPointIeee754<T>
    {
        var values = new T[architecture.ParameterCount];
        foreach (var (entry, tensor) in architecture.Parameters.Zip(file.Parameters))
            for (var i = 0; i < entry.Length; i++) values[entry.Offset + i] = T.CreateTruncating(tensor.Values[i]);
        return new NetworkParameters<T>(architecture, values);
    }

    private static CertificationOutcome Certify<T>(PreparedRun prepared, CertificationOptions options) where T : IBinaryFloatingPointIeee754<T>
    {
        var (train, test, initial, recipe) = Build<T>(prepared);
        var bounds = Bounds(prepared.Run);
        var trainer = new CertifiedTrainer<T>(recipe, Threat(prepared.Run), options, bounds);
        var result = trainer.Train(train, initial);
        var stopwatch = Stopwatch.StartNew();
        if (prepared.Run.Certify.MaxTestPoints is int limit && limit < test.Rows) test = test.Select([.. Enumerable.Range(0, limit)], test.Name);
        var (metrics, certified) = TestMetrics(result.Box, test, prepared.Run.Certify.BackdoorEpsilon, bounds, prepared.TargetScaling);
        var parameters = CertificateBoxes.Bounds(result.Box);
        return new CertificationOutcome(parameters, metrics, result.MeanWidthPerStep,
            [new PhaseTiming("certified training", result.Elapsed.TotalSeconds), new PhaseTiming("test-time certification", stopwatch.Elapsed.TotalSeconds)],
            result.Steps, certified);
    }

    /// <summary>The certificate's metrics on the test rows (and with a trigger radius, the backdoor metric).</summary>
    /// <summary>The bound settings of the run's domain: the interval products, and whether the affine or CROWN domain refines them.</summary>
    public static BoundSettings Bounds(ResolvedRun run) => new()
    {
        Products = run.Domain is DomainKind.IntervalExact or DomainKind.AffineExact ? IntervalProducts.Exact : IntervalProducts.MidpointRadius,
        Affine = run.Domain is DomainKind.Affine or DomainKind.AffineExact,
        Crown = run.Domain is DomainKind.Crown,
    };

    public static (IReadOnlyList<CertificateMetric> Metrics, bool[]? CertifiedPerPoint) TestMetrics<T>(ParameterBox<T> box, TrainingSet<T> test, double triggerRadius,
        BoundSettings? bounds = null, TargetScaling? targetScaling = null) where T : IBinaryFloatingPointIeee754<T>
    {
        if (targetScaling is { Method: not ScalingMethod.None }) return ScaledRegressionMetrics(box, test, triggerRadius, bounds, targetScaling);
        var metrics = new List<CertificateMetric>();
        if (test.IsClassification)
        {
            var c = TestTimeCertifier.Classification(box, test, 0, bounds);
            metrics.Add(new CertificateMetric("accuracy", c.NominalAccuracy, c.CertifiedAccuracy,
                "fraction of test points classified correctly: by the clean model (nominal), and by every model in the box (certified)"));
            metrics.Add(new CertificateMetric("stable predictions", 1, c.StableFraction,
                "fraction of test points whose predicted class is the same for every model in the box"));
            if (triggerRadius > 0)
            {
                var b = TestTimeCertifier.Classification(box, test, triggerRadius, bounds);
                metrics.Add(new CertificateMetric("backdoor accuracy", c.NominalAccuracy, b.CertifiedAccuracy,
                    $"fraction of test points classified correctly by every model in the box under every trigger of ℓ∞ radius {triggerRadius:R}"));
            }
            return (metrics, c.CertifiedPerPoint);
        }
        var r = TestTimeCertifier.Regression(box, test, 0, bounds);
        metrics.Add(new CertificateMetric("mse", r.NominalMse, r.WorstCaseMse,
            "mean squared error on the test points: of the clean model (nominal), and its largest value over the box (certified worst case)"));
        metrics.Add(new CertificateMetric("best-case mse", r.NominalMse, r.BestCaseMse, "the smallest mean squared error over the box"));
        if (triggerRadius > 0)
        {
            var b = TestTimeCertifier.Regression(box, test, triggerRadius, bounds);
            metrics.Add(new CertificateMetric("backdoor mse", r.NominalMse, b.WorstCaseMse,
                $"largest mean squared error over the box under every trigger of ℓ∞ radius {triggerRadius:R}"));
        }
        return (metrics, null);
    }

    // Metrics of a run trained on standardised targets: MSE in squared target units (the certified bounds converted
    // outward, TargetScaling.WorstCaseMseInTargetUnits), then the MSE on the standardised targets as certified.
    private static (IReadOnlyList<CertificateMetric>, bool[]?) ScaledRegressionMetrics<T>(ParameterBox<T> box, TrainingSet<T> test, double triggerRadius,
        BoundSettings? bounds, TargetScaling scaling) where T : IBinaryFloatingPointIeee754<T>
    {
        var targets = test.Targets!.Select(double.CreateTruncating).ToArray();
        var r = TestTimeCertifier.Regression(box, test, 0, bounds);
        var nominal = PointMetric(box.Architecture, box.Nominal, test, scaling);
        var metrics = new List<CertificateMetric>
        {
            new("mse", nominal, scaling.WorstCaseMseInTargetUnits(r.WorstCaseMse, targets),
                "mean squared error on the test points in squared target units (the network predicts standardised targets; a prediction ŷ means μ + σŷ): "
                + "of the clean model (nominal, σ² times its standardised MSE), and its largest value over the box (certified worst case, converted with outward rounding)"),
            new("best-case mse", nominal, scaling.BestCaseMseInTargetUnits(r.BestCaseMse, targets), "the smallest mean squared error over the box, in squared target units (converted with downward rounding)"),
            new("mse (standardised targets)", r.NominalMse, r.WorstCaseMse, "mean squared error on the standardised test targets: of the clean model, and its largest value over the box"),
        };
        if (triggerRadius > 0)
        {
            var b = TestTimeCertifier.Regression(box, test, triggerRadius, bounds);
            metrics.Add(new CertificateMetric("backdoor mse", nominal, scaling.WorstCaseMseInTargetUnits(b.WorstCaseMse, targets),
                $"largest mean squared error over the box under every trigger of ℓ∞ radius {triggerRadius:R}, in squared target units"));
        }
        return (metrics, null);
    }

    /// <summary>
    /// The first metric of a certificate for ONE parameter vector: accuracy for classification, MSE for regression
    /// (in squared target units when the targets were scaled: the mean of σ_j²·(ŷ − c)² over the stored scaled
    /// targets c). Used for the clean model of a scaled run and for the poisoned models of an audit.
    /// </summary>
    public static double PointMetric<T>(NetworkArchitecture architecture, ReadOnlySpan<T> parameters, TrainingSet<T> test, TargetScaling? scaling = null)
        where T : IBinaryFloatingPointIeee754<T>
    {
        const int chunk = 256;
        var network = new PointNetwork<T>(architecture, chunk);
        var outputs = architecture.Outputs;
        double total = 0;
        var correct = 0;
        for (var first = 0; first < test.Rows; first += chunk)
        {
            var count = Math.Min(chunk, test.Rows - first);
            network.Forward(parameters, test.Features.AsSpan(first * test.Inputs, count * test.Inputs), count);
            if (test.IsClassification)
            {
                for (var i = 0; i < count; i++)
                    if (PointLoss.Predict(network.Outputs.Slice(i * outputs, outputs)) == test.Labels![first + i]) correct++;
                continue;
            }
            var width = test.TargetWidth;
            for (var e = 0; e < count * width; e++)
            {
                var residual = double.CreateTruncating(network.Outputs[e]) - double.CreateTruncating(test.Targets![first * width + e]);
                var sigma = scaling is null ? 1.0 : scaling.Scales[e % width];
                total += residual * residual * sigma * sigma;
            }
        }
        return test.IsClassification ? (double)correct / test.Rows : total / ((double)test.Rows * test.TargetWidth);
    }

    private static ParameterValues Values<T>(T[] values) where T : IBinaryFloatingPointIeee754<T>
        => values is float[] single ? ParameterValues.Of(single) : ParameterValues.Of((double[])(object)values);

    private static Dataset SubstituteTraining(ResolvedRun run, DatasetRegistry registry, string path, Dataset original, DatasetSplit split)
    {
        if (!File.Exists(path)) throw new InvalidConfigurationException($"--train-data: the file '{path}' does not exist.");
        var full = Path.GetFullPath(path);
        Dataset substituted;
        if (run.Dataset.File is { } source)
            substituted = (run.Dataset with { File = source with { Path = path, FullPath = full } }).Load(registry);
        else
        {
            var entry = DatasetRegistry.Find(run.Dataset.RegistryName!);
            var paths = registry.PathsOf(entry.Name).ToArray();
            paths[0] = full; // the first file holds the features (and for most datasets the labels)
            substituted = entry.LoadFrom(paths);
        }
        if (substituted.Rows != original.Rows || substituted.Columns != original.Columns)
            throw new InvalidConfigurationException(
                $"--train-data {path}: {substituted.Rows} rows × {substituted.Columns} features; the run's dataset has {original.Rows} × {original.Columns} " +
                "(give a copy of the whole dataset file, same rows in the same order, with the poisoned rows changed).");
        if (substituted.TargetKind != original.TargetKind || substituted.TargetKind == TargetKind.Classification && substituted.ClassCount != original.ClassCount)
            throw new InvalidConfigurationException($"--train-data {path}: its targets do not match the run's data (kind or class count differs).");
        return substituted.SelectRows(split.TrainRowIndices, original.Name + " (substituted training rows)");
    }
}
