namespace PoisonCert.Data;

/// <summary>
/// A data file that cannot be read as the format it claims to be: ragged rows, non-numeric or non-finite cells,
/// wrong magic numbers, truncated or corrupt gzip data, labels out of range, an empty file, or a checksum that
/// differs from the pinned one. The message always names the file and where in it the problem is (line and
/// column for text formats, byte offset for binary ones) and what was expected there. A loader that throws this
/// returns nothing: there is never a partially loaded dataset.
/// </summary>
public sealed class DataFormatException : PoisonCertException
{
    private DataFormatException(string filePath, int? line, int? column, long? byteOffset, string message)
        : base(message)
    {
        FilePath = filePath;
        Line = line;
        Column = column;
        ByteOffset = byteOffset;
    }

    /// <summary>The file, as the caller named it.</summary>
    public string FilePath { get; }

    /// <summary>1-based line number for text formats, or null.</summary>
    public int? Line { get; }

    /// <summary>1-based column for text formats (a field number for CSV, a character position otherwise), or null.</summary>
    public int? Column { get; }

    /// <summary>0-based byte offset for binary formats, or null.</summary>
    public long? ByteOffset { get; }

    /// <summary>A problem at a line and column of a text file; <paramref name="columnLabel"/> adds e.g. a column name.</summary>
    public static DataFormatException AtCell(string filePath, int line, int column, string problem, string? columnLabel = null)
    {
        string label = columnLabel is null ? "" : $" ({columnLabel})";
        return new DataFormatException(filePath, line, column, null,
            $"Data file '{filePath}', line {line}, column {column}{label}: {problem}");
    }

    /// <summary>A problem on a whole line of a text file.</summary>
    public static DataFormatException AtLine(string filePath, int line, string problem) =>
        new(filePath, line, null, null, $"Data file '{filePath}', line {line}: {problem}");

    /// <summary>A problem at a byte offset of a binary file (or of a gzip file's decompressed content).</summary>
    public static DataFormatException AtByte(string filePath, long byteOffset, string problem) =>
        new(filePath, null, null, byteOffset, $"Data file '{filePath}', byte offset {byteOffset}: {problem}");

    /// <summary>A problem with the file as a whole (missing, empty, inconsistent with another file).</summary>
    public static DataFormatException InFile(string filePath, string problem) =>
        new(filePath, null, null, null, $"Data file '{filePath}': {problem}");
}
