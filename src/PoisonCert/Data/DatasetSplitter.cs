namespace PoisonCert.Data;

/// <summary>
/// Deterministic train/test splits. Algorithm (<see cref="MethodName"/>): a <see cref="SplitMix64"/> generator
/// seeded with the seed shuffles the row indices 0 … n − 1 by Fisher–Yates; the first round(n · f) shuffled rows
/// (rounding half away from zero) form the test set and the rest the training set. Stratified
/// (<see cref="StratifiedMethodName"/>): the same generator, continued from class to class in label order,
/// shuffles each class's row indices (ascending before the shuffle) and moves round(n_c · f) of each class to the
/// test set. Each part keeps its rows in ascending order of the source row. Same seed, fraction, method and
/// dataset: same split, on every machine.
/// </summary>
public static class DatasetSplitter
{
    public const string MethodName = "splitmix64-fisher-yates";
    public const string StratifiedMethodName = "splitmix64-fisher-yates-stratified";

    public static DatasetSplit Split(Dataset dataset, double testFraction, ulong seed, bool stratified = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new InvalidConfigurationException($"Test fraction {testFraction} must be strictly between 0 and 1.");
        }
        if (stratified && dataset.TargetKind != TargetKind.Classification)
        {
            throw new InvalidConfigurationException($"Dataset '{dataset.Name}' is a regression dataset: a stratified split needs class labels.");
        }
        var generator = new SplitMix64(seed);
        var testRows = new List<int>();
        if (stratified)
        {
            ReadOnlySpan<int> labels = dataset.Labels;
            for (int label = 0; label < dataset.ClassCount; label++)
            {
                var rows = new List<int>();
                for (int row = 0; row < labels.Length; row++)
                {
                    if (labels[row] == label)
                    {
                        rows.Add(row);
                    }
                }
                testRows.AddRange(TakeTest(generator, [.. rows], testFraction));
            }
        }
        else
        {
            testRows.AddRange(TakeTest(generator, [.. Enumerable.Range(0, dataset.Rows)], testFraction));
        }
        var isTest = new bool[dataset.Rows];
        testRows.ForEach(row => isTest[row] = true);
        int[] test = [.. Enumerable.Range(0, dataset.Rows).Where(row => isTest[row])];
        int[] train = [.. Enumerable.Range(0, dataset.Rows).Where(row => !isTest[row])];
        if (test.Length == 0 || train.Length == 0)
        {
            throw new InvalidConfigurationException(
                $"Splitting the {dataset.Rows} rows of '{dataset.Name}' with test fraction {testFraction} leaves {train.Length} training and {test.Length} test rows: both must be non-empty.");
        }
        var description = new SplitDescription(stratified ? StratifiedMethodName : MethodName, seed, testFraction, stratified,
            train.Length, test.Length, dataset.SourceFiles);
        return new DatasetSplit(dataset.SelectRows(train, $"{dataset.Name}/train"), dataset.SelectRows(test, $"{dataset.Name}/test"),
            train, test, description);
    }

    private static int[] TakeTest(SplitMix64 generator, int[] rows, double testFraction)
    {
        generator.Shuffle(rows);
        int count = (int)Math.Round(rows.Length * testFraction, MidpointRounding.AwayFromZero);
        return rows[..count];
    }
}
