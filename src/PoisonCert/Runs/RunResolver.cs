using PoisonCert.Data;

namespace PoisonCert.Runs;

/// <summary>Fills a run's defaults and checks the settings that must go together; the rules are in docs/formats.md.</summary>
internal static class RunResolver
{
    /// <summary>Every check that needs no dataset: run by <see cref="RunFile.Parse(string, string)"/> and by <see cref="Resolve"/>.</summary>
    public static void CheckCombinations(RunSpecification run)
    {
        var fail = new Failure(run.SourceFile, run.Positions);
        DatasetSpecification dataset = run.Dataset;
        if ((dataset.Name is null) == (dataset.File is null))
        {
            throw fail.At("$.dataset", "expected either 'name' (a registry dataset) or 'file' (a path), not both and not neither");
        }
        if (dataset.Name is not null)
        {
            RegistryEntry(run, fail);
        }
        TargetKind task = TaskOf(run, fail);
        LossKind? loss = run.Loss;
        if (loss is not null && (loss == LossKind.MeanSquaredError) != (task == TargetKind.Regression))
        {
            throw fail.At("$.loss", task == TargetKind.Regression
                ? $"\"{RunVocabulary.Loss.Name(loss.Value)}\" needs class labels, but the dataset is a regression dataset: use \"mse\""
                : "\"mse\" is the regression loss, but the dataset has class labels: use \"cross-entropy\" or \"binary-cross-entropy\"");
        }
        if (run.Split?.Stratified == true && task == TargetKind.Regression)
        {
            throw fail.At("$.split.stratified", "a stratified split needs class labels, but the dataset is a regression dataset");
        }
        if (run.TargetScaling == ScalingMethod.Standardize && task == TargetKind.Classification)
        {
            throw fail.At("$.targetScaling", "\"standard\" scales regression targets, but the run is a classification (class labels are not scaled): remove 'targetScaling' or set it to \"none\"");
        }
        CheckModel(run, fail);
        CheckTraining(run, fail);
        CheckThreat(run, task, fail);
    }

    /// <summary>
    /// Fills the defaults. With <paramref name="beforeLoading"/>, a file dataset's unknown class count does not stop
    /// the resolution: the loss is then a placeholder, and only the dataset and split settings may be used (to load
    /// and split the data before resolving again with the loaded dataset).
    /// </summary>
    public static ResolvedRun Resolve(RunSpecification run, DatasetInfo? info, bool beforeLoading = false)
    {
        CheckCombinations(run);
        var fail = new Failure(run.SourceFile, run.Positions);
        TargetKind task = TaskOf(run, fail);
        if (info is not null && info.TargetKind != task)
        {
            throw fail.At("$.dataset", $"the run expects a {Describe(task)} dataset, but the loaded dataset is a {Describe(info.TargetKind)} dataset");
        }
        int? classCount = task == TargetKind.Regression ? 0
            : info?.ClassCount ?? (run.Dataset.Name is not null ? KnownDatasets.Find(run.Dataset.Name)?.ClassCount : run.Dataset.ClassCount);
        LossKind loss = run.Loss ?? (classCount is int classes
            ? RunDefaults.LossFor(task, classes)
            : beforeLoading ? RunDefaults.LossFor(task, 0)
            : throw fail.At("$", "the default loss depends on the number of classes, which is not known before the dataset is loaded: give \"loss\" (or \"dataset.classCount\"), or resolve the run with the loaded dataset"));
        TrainingSpecification training = run.Training ?? new TrainingSpecification();
        OptimizerSpecification optimizer = training.Optimizer ?? new OptimizerSpecification();
        ThreatSpecification threat = run.Threat ?? new ThreatSpecification();
        ModelSpecification model = run.Model ?? new ModelSpecification();
        return new ResolvedRun
        {
            Name = run.Name ?? RunFile.DefaultName(run.SourceFile),
            Dataset = ResolveDataset(run, task),
            Split = new SplitSettings(run.Split?.TestFraction ?? RunDefaults.TestFraction, run.Split?.Seed ?? RunDefaults.SplitSeed,
                run.Split?.Stratified ?? task == TargetKind.Classification) { TrainRows = run.Split?.TrainRows },
            Scaling = run.Scaling ?? RunDefaults.Scaling,
            TargetScaling = run.TargetScaling ?? ScalingMethod.None,
            Precision = run.Precision ?? RunDefaults.Precision,
            Domain = run.Domain ?? RunDefaults.Domain,
            Model = new ModelSettings(model.Hidden ?? RunDefaults.Hidden, model.FrozenLayers ?? 0, model.InitSeed ?? 0)
            {
                InitialParameters = model.InitialParameters,
                InitialParametersFullPath = model.InitialParameters is null ? null : Path.GetFullPath(Path.Combine(run.BaseFolder, model.InitialParameters)),
            },
            Loss = loss,
            Training = new TrainingSettings(
                training.Epochs ?? RunDefaults.Epochs,
                training.BatchSize ?? RunDefaults.BatchSize,
                training.LearningRate ?? RunDefaults.LearningRate,
                training.ShuffleSeed ?? 0,
                training.LastBatch ?? RunDefaults.LastBatch,
                new OptimizerSettings(optimizer.Type ?? OptimizerKind.Sgd, optimizer.Momentum ?? 0, optimizer.Dampening ?? 0,
                    optimizer.Nesterov ?? false, optimizer.WeightDecay ?? 0, optimizer.L1 ?? 0,
                    optimizer.Beta1 ?? RunDefaults.Beta1, optimizer.Beta2 ?? RunDefaults.Beta2, optimizer.Epsilon ?? RunDefaults.AdamEpsilon),
                new ScheduleSettings(training.Schedule?.Decay ?? 0, training.Schedule?.Minimum ?? 0),
                training.Clip is null ? null : new ClipSettings(training.Clip.Type ?? RunDefaults.Clip, training.Clip.Bound ?? RunDefaults.ClipBound)),
            Threat = new ThreatModel(
                new FeatureThreat(threat.Features?.Count ?? 0, threat.Features?.Epsilon ?? 0),
                new LabelThreat(threat.Labels?.Count ?? 0, threat.Labels?.Nu ?? 0, threat.Labels?.Flip ?? LabelFlipKind.Any, threat.Labels?.TargetClass),
                threat.Pairing ?? RunDefaults.Pairing,
                threat.UnboundedCount ?? 0,
                threat.RemovalCount ?? 0,
                threat.Trusted ?? 0),
            Certify = new CertifySettings(run.Certify?.BackdoorEpsilon ?? 0, run.Certify?.MaxTestPoints),
            SourceFile = run.SourceFile,
            Positions = run.Positions,
        };
    }

    public static void Validate(ResolvedRun run, DatasetInfo info)
    {
        var fail = new Failure(run.SourceFile, run.Positions);
        if (info.TargetKind != run.TargetKind)
        {
            throw fail.At("$.dataset", $"the run expects a {Describe(run.TargetKind)} dataset, but the loaded dataset is a {Describe(info.TargetKind)} dataset");
        }
        if (info.FeatureCount < 1)
        {
            throw fail.At("$.dataset", "the loaded dataset has no feature columns");
        }
        if (run.TargetKind == TargetKind.Classification)
        {
            if (info.ClassCount < 2)
            {
                throw fail.At("$.dataset", $"the loaded dataset has {info.ClassCount} class: classification needs at least 2");
            }
            if (run.Loss == LossKind.BinaryCrossEntropy && info.ClassCount != 2)
            {
                throw fail.At("$.loss", $"\"binary-cross-entropy\" needs exactly 2 classes, the dataset has {info.ClassCount}: use \"cross-entropy\"");
            }
            if (run.Threat.Labels.TargetClass is int target && target >= info.ClassCount)
            {
                throw fail.At("$.threat.labels.targetClass", $"expected a class from 0 to {info.ClassCount - 1} (the dataset has {info.ClassCount} classes), got {target}");
            }
        }
        int batch = run.Training.BatchSize;
        if (batch > info.TrainRows)
        {
            throw fail.At("$.training.batchSize", $"a batch of {batch} does not fit in the {info.TrainRows} training rows: expected at most {info.TrainRows}");
        }
        if (run.Training.LastBatch == LastBatchPolicy.Error && info.TrainRows % batch != 0)
        {
            throw fail.At("$.training.lastBatch", $"\"error\" needs the {info.TrainRows} training rows to divide into batches of {batch}, but {info.TrainRows % batch} are left over: change batchSize or use \"drop\"");
        }
        if (info.TestRows < 1)
        {
            throw fail.At("$.split", "the split leaves no test rows to certify");
        }
    }

    /// <summary>
    /// The training rows a run uses: all <paramref name="trainRows"/> of the split's training part, or the range the
    /// run selects, which must lie inside them (<see cref="RunFileException"/> at $.split.trainRows).
    /// </summary>
    public static RowRange TrainRows(ResolvedRun run, int trainRows)
    {
        if (run.Split.TrainRows is not { } range)
        {
            return new RowRange(0, trainRows);
        }
        if (range.End > trainRows)
        {
            throw FailAt(run, "$.split.trainRows",
                $"the range {range} reaches past the {trainRows} rows the split leaves for training: expected an end of at most {trainRows}");
        }
        return range;
    }

    /// <summary>A <see cref="RunFileException"/> at a JSON path of the resolved run's file, with the position the file gave.</summary>
    public static RunFileException FailAt(ResolvedRun run, string path, string problem) => new Failure(run.SourceFile, run.Positions).At(path, problem);

    private static void CheckModel(RunSpecification run, Failure fail)
    {
        if (run.Model?.InitialParameters is not null && run.Model.InitSeed is not null)
        {
            throw fail.At("$.model.initSeed", "'initSeed' draws the initial parameters, but 'initialParameters' gives them: remove one of the two");
        }
        int dense = (run.Model?.Hidden ?? RunDefaults.Hidden).Count + 1;
        if (run.Model?.FrozenLayers is int frozen && frozen >= dense)
        {
            throw fail.At("$.model.frozenLayers", $"the model has {dense} Dense layers, so at most {dense - 1} can be frozen (at least one must train), got {frozen}");
        }
    }

    private static void CheckTraining(RunSpecification run, Failure fail)
    {
        TrainingSpecification training = run.Training ?? new TrainingSpecification();
        double learningRate = training.LearningRate ?? RunDefaults.LearningRate;
        if (training.Schedule?.Minimum is double minimum && minimum > learningRate)
        {
            throw fail.At("$.training.schedule.minimum", $"the learning-rate floor {minimum} is above the initial learning rate {learningRate}: expected at most {learningRate}");
        }
        OptimizerSpecification? optimizer = training.Optimizer;
        if (optimizer is null)
        {
            return;
        }
        OptimizerKind type = optimizer.Type ?? OptimizerKind.Sgd;
        string typeName = RunVocabulary.Optimizer.Name(type);
        if (type == OptimizerKind.Sgd)
        {
            foreach ((string name, double? value) in new[] { ("beta1", optimizer.Beta1), ("beta2", optimizer.Beta2), ("epsilon", optimizer.Epsilon) })
            {
                if (value is not null)
                {
                    throw fail.At($"$.training.optimizer.{name}", $"'{name}' is an Adam setting and does not apply to \"sgd\"");
                }
            }
            if (optimizer.Nesterov == true && ((optimizer.Momentum ?? 0) == 0 || (optimizer.Dampening ?? 0) != 0))
            {
                throw fail.At("$.training.optimizer.nesterov", "Nesterov momentum needs a momentum above 0 and dampening 0");
            }
            if (optimizer.Dampening is double dampening && dampening != 0 && (optimizer.Momentum ?? 0) == 0)
            {
                throw fail.At("$.training.optimizer.dampening", "dampening applies to momentum, which is 0: set a momentum or leave dampening out");
            }
        }
        else
        {
            foreach ((string name, bool given) in new[] { ("momentum", optimizer.Momentum is not null), ("dampening", optimizer.Dampening is not null), ("nesterov", optimizer.Nesterov is not null) })
            {
                if (given)
                {
                    throw fail.At($"$.training.optimizer.{name}", $"'{name}' is an SGD setting and does not apply to \"{typeName}\"");
                }
            }
        }
    }

    private static void CheckThreat(RunSpecification run, TargetKind task, Failure fail)
    {
        ThreatSpecification? threat = run.Threat;
        if (threat is null)
        {
            return;
        }
        int batch = run.Training?.BatchSize ?? RunDefaults.BatchSize;
        int trusted = threat.Trusted ?? 0;
        int features = threat.Features?.Count ?? 0;
        int labels = threat.Labels?.Count ?? 0;
        int unbounded = threat.UnboundedCount ?? 0;
        int removal = threat.RemovalCount ?? 0;
        if (trusted > batch)
        {
            throw fail.At("$.threat.trusted", $"a batch has {batch} points, so at most {batch} can be trusted, got {trusted}");
        }
        LabelThreatSpecification? label = threat.Labels;
        if (label is not null)
        {
            if (task == TargetKind.Regression && (label.Flip is not null || label.TargetClass is not null))
            {
                string field = label.Flip is not null ? "flip" : "targetClass";
                throw fail.At($"$.threat.labels.{field}", "label flips need class labels, but the run is a regression (loss \"mse\"): bound label changes with 'nu'");
            }
            if (task == TargetKind.Classification && label.Nu is not null)
            {
                throw fail.At("$.threat.labels.nu", "'nu' bounds changes of regression targets, but the run is a classification: poison labels with 'flip'");
            }
            if (label.Flip == LabelFlipKind.Target && label.TargetClass is null)
            {
                throw fail.At("$.threat.labels", "\"flip\": \"target\" needs 'targetClass', the class poisoned labels are set to");
            }
            if (label.TargetClass is not null && label.Flip != LabelFlipKind.Target)
            {
                throw fail.At("$.threat.labels.targetClass", "'targetClass' applies to \"flip\": \"target\" only");
            }
        }
        if (unbounded > 0 && removal > 0)
        {
            throw fail.At("$.threat.removal", "unbounded poisoning and removal cannot be combined in one run: choose one");
        }
        if ((unbounded > 0 || removal > 0) && (features > 0 || labels > 0))
        {
            string which = unbounded > 0 ? "unbounded" : "removal";
            string other = features > 0 ? "features" : "labels";
            throw fail.At($"$.threat.{which}", $"{which} poisoning already covers any change of a point, so it excludes bounded '{other}' poisoning: set $.threat.{other}.count to 0 or remove '{which}'");
        }
        if (unbounded > 0 && run.Training?.Clip is null)
        {
            throw fail.At("$.threat.unbounded", "unbounded poisoning needs gradient clipping to bound a poisoned point's gradient: add \"training\": {\"clip\": {\"type\": \"clamp\", \"bound\": ...}}");
        }
        int available = batch - trusted;
        bool paired = threat.Pairing == PairingKind.Paired;
        int bounded = paired ? Math.Max(features, labels) : features + labels;
        if (bounded > available)
        {
            string rule = paired ? $"max(features {features}, labels {labels})" : $"features {features} + labels {labels}";
            throw fail.At(features >= labels ? "$.threat.features.count" : "$.threat.labels.count",
                $"{rule} = {bounded} exceeds the {available} points of a batch that may be poisoned (batchSize {batch} − trusted {trusted})");
        }
        if (unbounded > available)
        {
            throw fail.At("$.threat.unbounded.count", $"{unbounded} exceeds the {available} points of a batch that may be poisoned (batchSize {batch} − trusted {trusted})");
        }
        if (removal >= batch || removal > available)
        {
            throw fail.At("$.threat.removal.count", $"removing {removal} of a batch of {batch} (with {trusted} trusted) would leave too little: expected less than {batch} and at most {available}");
        }
    }

    private static TargetKind TaskOf(RunSpecification run, Failure fail)
    {
        if (run.Dataset.Name is not null)
        {
            return RegistryEntry(run, fail).TargetKind;
        }
        DatasetFormat format = run.Dataset.Format ?? RunFileReader.InferFormat(run.Dataset.File!)
            ?? throw fail.At("$.dataset", $"cannot tell the format of '{run.Dataset.File}' from its name: add \"format\"");
        return run.Dataset.Task ?? RunDefaults.TaskFor(format);
    }

    private static DatasetRegistryEntry RegistryEntry(RunSpecification run, Failure fail)
    {
        try
        {
            return DatasetRegistry.Find(run.Dataset.Name!);
        }
        catch (InvalidConfigurationException error)
        {
            throw fail.At("$.dataset.name", error.Message);
        }
    }

    private static ResolvedDataset ResolveDataset(RunSpecification run, TargetKind task)
    {
        DatasetSpecification dataset = run.Dataset;
        if (dataset.Name is not null)
        {
            return new ResolvedDataset(DatasetRegistry.Find(dataset.Name).Name, DatasetRegistry.Find(dataset.Name).Name, null, task);
        }
        string file = dataset.File!;
        DatasetFormat format = dataset.Format ?? RunFileReader.InferFormat(file)!.Value;
        var source = new DatasetFileSource
        {
            Path = file,
            FullPath = Path.GetFullPath(Path.Combine(run.BaseFolder, file)),
            Format = format,
            Labels = dataset.Labels,
            LabelsFullPath = dataset.Labels is null ? null : Path.GetFullPath(Path.Combine(run.BaseFolder, dataset.Labels)),
            TargetName = dataset.TargetName,
            TargetIndex = dataset.TargetIndex ?? -1,
            Task = task,
            Header = dataset.Header ?? CsvHeader.Auto,
            Delimiter = dataset.Delimiter ?? ',',
            Categorical = dataset.Categorical ?? [],
            Missing = dataset.Missing ?? MissingValuePolicy.Reject,
            Ignore = dataset.Ignore ?? [],
            ClassCount = dataset.ClassCount,
            FeatureCount = dataset.FeatureCount,
            YearFields = dataset.YearFields ?? [],
        };
        string name = Path.GetFileName(file.TrimEnd('/', '\\'));
        foreach (string extension in new[] { ".gz", ".csv", ".json", ".libsvm", ".svm" })
        {
            if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase) && name.Length > extension.Length)
            {
                name = name[..^extension.Length];
            }
        }
        return new ResolvedDataset(name, null, source, task);
    }

    private static string Describe(TargetKind kind) => kind == TargetKind.Regression ? "regression" : "classification";

    /// <summary>Makes <see cref="RunFileException"/>s at a JSON path, with the position of the nearest value the file gave.</summary>
    private sealed class Failure(string file, IReadOnlyDictionary<string, (int Line, int Column)> positions)
    {
        public RunFileException At(string path, string problem)
        {
            for (string candidate = path; ; candidate = Parent(candidate))
            {
                if (positions.TryGetValue(candidate, out var position))
                {
                    return new RunFileException(file, path, position.Line, position.Column, problem);
                }
                if (candidate == "$")
                {
                    return new RunFileException(file, path, null, null, problem);
                }
            }
        }

        private static string Parent(string path)
        {
            int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            return cut <= 1 ? "$" : path[..cut];
        }
    }
}
