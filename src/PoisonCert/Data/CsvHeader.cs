namespace PoisonCert.Data;

/// <summary>How the first line of a CSV file is read.</summary>
public enum CsvHeader
{
    /// <summary>
    /// Decide from the first line: the sklearn convention if its first two cells are non-negative integers and
    /// the others are not numbers; no header if every cell is a number; otherwise column names.
    /// </summary>
    Auto,

    /// <summary>Every line is data.</summary>
    None,

    /// <summary>The first line holds the column names.</summary>
    Names,

    /// <summary>
    /// The scikit-learn convention: the first line is <c>rows,features,class name 0,class name 1,…</c>, each data
    /// line holds the features then the class label (an integer index into the class names). The declared row and
    /// feature counts are checked.
    /// </summary>
    SklearnCounts,
}
