using PoisonCert.Data;

namespace PoisonCert.Runs;

/// <summary>Loads a run's dataset: through the registry, or with the loader of the file's format and the run's options.</summary>
internal static class RunDatasetLoader
{
    public static Dataset Load(ResolvedDataset dataset, DatasetRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (dataset.File is not { } file)
        {
            return registry.Load(dataset.RegistryName!);
        }
        return file.Format switch
        {
            DatasetFormat.Csv => file.LabelsFullPath is null
                ? CsvLoader.Load(file.FullPath, Csv(file, dataset.Name))
                : CsvLoader.LoadWithSeparateTargets(file.FullPath, file.LabelsFullPath, Csv(file, dataset.Name)),
            DatasetFormat.LibSvm => LibSvmLoader.Load(file.FullPath, new LibSvmOptions
            {
                FeatureCount = file.FeatureCount, TargetKind = file.Task, DatasetName = dataset.Name,
            }),
            DatasetFormat.Idx => IdxLoader.Load(file.FullPath, file.LabelsFullPath!, file.ClassCount ?? 10, dataset.Name),
            DatasetFormat.MnistJson => Directory.Exists(file.FullPath)
                ? MnistJsonLoader.LoadFolder(file.FullPath, dataset.Name)
                : throw new InvalidConfigurationException($"Dataset folder '{file.FullPath}' does not exist: mnist-json reads a folder of 0.json … 9.json."),
            _ => JsonRecordsLoader.Load(file.FullPath, new JsonRecordsOptions
            {
                TargetField = file.TargetName!, TargetKind = file.Task, Missing = file.Missing,
                Categorical = file.Categorical.Count > 0 ? CategoricalPolicy.OneHot : CategoricalPolicy.Reject,
                CategoricalFields = file.Categorical.Count > 0 ? file.Categorical : null,
                IgnoredFields = file.Ignore, YearFields = file.YearFields, DatasetName = dataset.Name,
            }),
        };
    }

    private static CsvOptions Csv(DatasetFileSource file, string name) => new()
    {
        Delimiter = file.Delimiter,
        Header = file.Header,
        TargetColumnName = file.TargetName,
        TargetColumnIndex = file.TargetIndex,
        TargetKind = file.Task,
        Categorical = file.Categorical.Count > 0 ? CategoricalPolicy.OneHot : CategoricalPolicy.Reject,
        CategoricalColumns = file.Categorical.Count > 0 ? file.Categorical : null,
        Missing = file.Missing,
        IgnoredColumns = file.Ignore,
        ClassCount = file.ClassCount,
        DatasetName = name,
    };
}
