namespace PoisonCert.Data;

/// <summary>
/// How a dataset was split, with everything needed to redo it: the method, seed and test fraction, the resulting
/// sizes, and the SHA-256 of the source files. A certificate records this.
/// </summary>
public sealed record SplitDescription(
    string Method,
    ulong Seed,
    double TestFraction,
    bool Stratified,
    int TrainRows,
    int TestRows,
    IReadOnlyList<SourceFile> SourceFiles)
{
    /// <summary>
    /// When the run trains on part of the training rows: the range [start, end) of the training part it kept
    /// (<see cref="TrainRows"/> is then its length) and <see cref="SplitTrainRows"/> the rows of the whole
    /// training part. Null when every training row is used.
    /// </summary>
    public RowRange? TrainRowRange { get; init; }

    /// <summary>The rows of the split's whole training part when <see cref="TrainRowRange"/> is set, else null.</summary>
    public int? SplitTrainRows { get; init; }
}

/// <summary>The two parts of a split, the rows of the source dataset each holds (ascending), and the description.</summary>
public sealed record DatasetSplit(
    Dataset Train,
    Dataset Test,
    IReadOnlyList<int> TrainRowIndices,
    IReadOnlyList<int> TestRowIndices,
    SplitDescription Description)
{
    /// <summary>
    /// The split with its training part cut to the rows [start, end) of <see cref="Train"/> (the test part
    /// unchanged); the description records the range and the size of the whole training part.
    /// </summary>
    public DatasetSplit WithTrainRows(RowRange range)
    {
        if (range.Start < 0 || range.End > Train.Rows || range.Count < 1)
        {
            throw new InvalidConfigurationException($"The training rows {range} do not lie inside the {Train.Rows} rows of the training part of '{Train.Name}'.");
        }
        Dataset whole = Train;
        IReadOnlyList<int> sourceRows = TrainRowIndices;
        int[] kept = [.. Enumerable.Range(range.Start, range.Count)];
        return this with
        {
            Train = whole.SelectRows(kept, $"{whole.Name}[{range.Start}:{range.End}]"),
            TrainRowIndices = [.. kept.Select(row => sourceRows[row])],
            Description = Description with { TrainRows = range.Count, TrainRowRange = range, SplitTrainRows = whole.Rows },
        };
    }
}
