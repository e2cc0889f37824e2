namespace PoisonCert.Data;

/// <summary>One data line of a CSV file: its 1-based line number and its cells.</summary>
internal sealed record CsvRow(int Line, string[] Cells);

/// <summary>
/// A CSV file split into cells, with its header resolved: column names (given or generated), the sklearn
/// header's declared counts and class names if it has one, and the data rows, all of the same width. Blank lines
/// are skipped. Ragged rows and an sklearn header that disagrees with the data are errors.
/// </summary>
internal sealed class CsvTable
{
    private CsvTable(string path, CsvHeader header, string[] columnNames, IReadOnlyList<string>? sklearnClassNames,
        List<CsvRow> rows)
    {
        Path = path;
        Header = header;
        ColumnNames = columnNames;
        SklearnClassNames = sklearnClassNames;
        Rows = rows;
    }

    public string Path { get; }

    /// <summary>The header kind actually found (never <see cref="CsvHeader.Auto"/>).</summary>
    public CsvHeader Header { get; }

    public string[] ColumnNames { get; }

    public IReadOnlyList<string>? SklearnClassNames { get; }

    public List<CsvRow> Rows { get; }

    public int ColumnCount => ColumnNames.Length;

    public static CsvTable Parse(DataFileContent content, CsvOptions options)
    {
        string path = content.Path;
        string text = TextContent.Decode(content);
        var lines = new List<CsvRow>();
        foreach ((int number, string line) in TextContent.Lines(text))
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                lines.Add(new CsvRow(number, CsvLineSplitter.Split(line, options.Delimiter, path, number)));
            }
        }
        if (lines.Count == 0)
        {
            throw DataFormatException.InFile(path, "the file is empty: expected at least one line of data");
        }
        CsvHeader header = options.Header == CsvHeader.Auto ? Detect(lines[0].Cells) : options.Header;
        return header switch
        {
            CsvHeader.None => WithoutHeader(path, lines),
            CsvHeader.Names => WithNames(path, lines),
            CsvHeader.SklearnCounts => WithSklearnCounts(path, lines),
            _ => throw new InvalidConfigurationException($"Unknown CSV header kind {options.Header}."),
        };
    }

    private static CsvHeader Detect(string[] firstLine)
    {
        if (firstLine.All(cell => NumberText.LooksNumeric(cell)))
        {
            return CsvHeader.None;
        }
        bool sklearn = firstLine.Length >= 3
            && int.TryParse(firstLine[0], out int rows) && rows >= 0
            && int.TryParse(firstLine[1], out int features) && features >= 0
            && firstLine.Skip(2).All(cell => cell.Length > 0 && !NumberText.LooksNumeric(cell));
        return sklearn ? CsvHeader.SklearnCounts : CsvHeader.Names;
    }

    private static CsvTable WithoutHeader(string path, List<CsvRow> lines)
    {
        int width = lines[0].Cells.Length;
        CheckWidths(path, lines, 0, width, "the first line");
        string[] names = new string[width];
        for (int column = 0; column < width; column++)
        {
            names[column] = $"column{column + 1}";
        }
        return new CsvTable(path, CsvHeader.None, names, null, lines);
    }

    private static CsvTable WithNames(string path, List<CsvRow> lines)
    {
        string[] names = lines[0].Cells;
        for (int column = 0; column < names.Length; column++)
        {
            if (names[column].Length == 0)
            {
                throw DataFormatException.AtCell(path, lines[0].Line, column + 1, "empty column name in the header line");
            }
            int previous = Array.IndexOf(names, names[column]);
            if (previous < column)
            {
                throw DataFormatException.AtCell(path, lines[0].Line, column + 1,
                    $"duplicate column name '{names[column]}' (also column {previous + 1})");
            }
        }
        CheckWidths(path, lines, 1, names.Length, "the header line");
        return new CsvTable(path, CsvHeader.Names, names, null, lines.GetRange(1, lines.Count - 1));
    }

    private static CsvTable WithSklearnCounts(string path, List<CsvRow> lines)
    {
        string[] header = lines[0].Cells;
        int headerLine = lines[0].Line;
        if (header.Length < 3 || !int.TryParse(header[0], out int declaredRows) || declaredRows < 0
            || !int.TryParse(header[1], out int declaredFeatures) || declaredFeatures < 1)
        {
            throw DataFormatException.AtLine(path, headerLine,
                "expected the sklearn header 'rows,features,class name,class name,…' with non-negative integer counts");
        }
        string[] classNames = header[2..];
        CheckWidths(path, lines, 1, declaredFeatures + 1, $"the header's {declaredFeatures} features plus the label");
        int actualRows = lines.Count - 1;
        if (actualRows != declaredRows)
        {
            throw DataFormatException.AtCell(path, headerLine, 1,
                $"the header declares {declaredRows} rows but the file has {actualRows} data rows");
        }
        string[] names = new string[declaredFeatures + 1];
        for (int column = 0; column < declaredFeatures; column++)
        {
            names[column] = $"feature{column + 1}";
        }
        names[declaredFeatures] = "label";
        return new CsvTable(path, CsvHeader.SklearnCounts, names, classNames, lines.GetRange(1, lines.Count - 1));
    }

    private static void CheckWidths(string path, List<CsvRow> lines, int firstDataLine, int width, string widthSource)
    {
        for (int index = firstDataLine; index < lines.Count; index++)
        {
            CsvRow row = lines[index];
            if (row.Cells.Length != width)
            {
                int column = Math.Min(row.Cells.Length, width) + 1;
                throw DataFormatException.AtCell(path, row.Line, column,
                    $"ragged row: expected {width} cells (as in {widthSource}), found {row.Cells.Length}");
            }
        }
    }
}
