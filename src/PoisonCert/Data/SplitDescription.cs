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
    IReadOnlyList<SourceFile> SourceFiles);

/// <summary>The two parts of a split, the rows of the source dataset each holds (ascending), and the description.</summary>
public sealed record DatasetSplit(
    Dataset Train,
    Dataset Test,
    IReadOnlyList<int> TrainRowIndices,
    IReadOnlyList<int> TestRowIndices,
    SplitDescription Description);
