namespace PoisonCert.Data;

/// <summary>
/// Turns the cells of a <see cref="CsvTable"/> into numbers: which rows are complete, feature columns (numeric or
/// one-hot), class labels and regression targets. Every cell that cannot be used is reported with its line and
/// column.
/// </summary>
internal static class CsvColumnBuilder
{
    /// <summary>Which rows to keep: all of them, or (dropping) those without a missing value in the used columns.</summary>
    public static bool[] CompleteRows(CsvTable table, IReadOnlyList<int> usedColumns, CsvOptions options)
    {
        var keep = new bool[table.Rows.Count];
        for (int index = 0; index < keep.Length; index++)
        {
            CsvRow row = table.Rows[index];
            keep[index] = true;
            foreach (int column in usedColumns)
            {
                if (!IsMissing(row.Cells[column], options))
                {
                    continue;
                }
                if (options.Missing == MissingValuePolicy.Reject)
                {
                    throw DataFormatException.AtCell(table.Path, row.Line, column + 1,
                        $"missing value '{row.Cells[column]}': expected a value (or load with MissingValuePolicy.DropRow)",
                        table.ColumnNames[column]);
                }
                keep[index] = false;
                break;
            }
        }
        return keep;
    }

    public static (double[] Values, List<string> Names) Features(CsvTable table, IReadOnlyList<int> columns,
        IReadOnlyList<string> columnNames, bool[] keep, CsvOptions options)
    {
        int keptRows = keep.Count(kept => kept);
        var encoders = new List<Func<CsvRow, double[], int, int>>();
        var names = new List<string>();
        for (int index = 0; index < columns.Count; index++)
        {
            int column = columns[index];
            string name = columnNames[index];
            string? firstNonNumeric = FirstNonNumericCell(table, column, keep, out int nonNumericRow);
            if (firstNonNumeric is null)
            {
                names.Add(name);
                encoders.Add((row, output, offset) => { output[offset] = ParseCell(table, row, column, name); return 1; });
                continue;
            }
            bool encodable = options.Categorical == CategoricalPolicy.OneHot
                && (options.CategoricalColumns is null || options.CategoricalColumns.Contains(name));
            if (!encodable)
            {
                throw DataFormatException.AtCell(table.Path, table.Rows[nonNumericRow].Line, column + 1,
                    $"expected a number, found '{NumberText.Shorten(firstNonNumeric)}'{CategoricalHint(options)}",
                    name);
            }
            string[] categories = table.Rows.Where((_, rowIndex) => keep[rowIndex]).Select(row => row.Cells[column])
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            names.AddRange(categories.Select(category => $"{name}={category}"));
            encoders.Add((row, output, offset) =>
            {
                output[offset + Array.BinarySearch(categories, row.Cells[column], StringComparer.Ordinal)] = 1.0;
                return categories.Length;
            });
        }
        var values = new double[(long)keptRows * names.Count];
        int outputRow = 0;
        for (int rowIndex = 0; rowIndex < table.Rows.Count; rowIndex++)
        {
            if (!keep[rowIndex])
            {
                continue;
            }
            int offset = outputRow * names.Count;
            foreach (var encoder in encoders)
            {
                offset += encoder(table.Rows[rowIndex], values, offset);
            }
            outputRow++;
        }
        return (values, names);
    }

    public static double[] RegressionTargets(CsvTable table, IReadOnlyList<int> columns, bool[] keep)
    {
        var values = new List<double>();
        for (int rowIndex = 0; rowIndex < table.Rows.Count; rowIndex++)
        {
            if (keep[rowIndex])
            {
                foreach (int column in columns)
                {
                    values.Add(ParseCell(table, table.Rows[rowIndex], column, table.ColumnNames[column]));
                }
            }
        }
        return [.. values];
    }

    /// <summary>
    /// Class labels. Integer labels are used as they are when the class set is known (sklearn header or a given
    /// class count) or when every label is an integer; any other labels are names, sorted ordinally.
    /// </summary>
    public static (int[] Labels, IReadOnlyList<string> ClassNames) Labels(CsvTable table, int column, bool[] keep, CsvOptions options)
    {
        var cells = table.Rows.Select((row, index) => (row, index)).Where(pair => keep[pair.index]).Select(pair => pair.row).ToList();
        int? knownClassCount = table.SklearnClassNames?.Count ?? options.ClassCount;
        bool allIntegers = cells.All(row => int.TryParse(row.Cells[column], out _));
        if (knownClassCount is null && !allIntegers)
        {
            string[] names = cells.Select(row => row.Cells[column]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            return ([.. cells.Select(row => Array.BinarySearch(names, row.Cells[column], StringComparer.Ordinal))], names);
        }
        var labels = new int[cells.Count];
        for (int index = 0; index < labels.Length; index++)
        {
            CsvRow row = cells[index];
            string cell = row.Cells[column];
            if (!int.TryParse(cell, out int label))
            {
                throw DataFormatException.AtCell(table.Path, row.Line, column + 1,
                    $"expected an integer class label, found '{NumberText.Shorten(cell)}'", table.ColumnNames[column]);
            }
            if (label < 0 || (knownClassCount is int count && label >= count))
            {
                string range = knownClassCount is int known ? $"[0, {known})" : "[0, ∞)";
                throw DataFormatException.AtCell(table.Path, row.Line, column + 1,
                    $"class label {label} out of range: expected an integer in {range}", table.ColumnNames[column]);
            }
            labels[index] = label;
        }
        int classCount = knownClassCount ?? (labels.Length == 0 ? 0 : labels.Max() + 1);
        IReadOnlyList<string> classNames = table.SklearnClassNames
            ?? Enumerable.Range(0, classCount).Select(label => label.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (labels, classNames);
    }

    private static string CategoricalHint(CsvOptions options) => options.Categorical == CategoricalPolicy.Reject
        ? " (a categorical column; load with CategoricalPolicy.OneHot to encode it)"
        : " (the column is not one of the categorical columns)";

    private static bool IsMissing(string cell, CsvOptions options)
    {
        string trimmed = cell.Trim();
        foreach (string marker in options.MissingMarkers)
        {
            if (string.Equals(trimmed, marker, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private static string? FirstNonNumericCell(CsvTable table, int column, bool[] keep, out int rowIndex)
    {
        for (rowIndex = 0; rowIndex < table.Rows.Count; rowIndex++)
        {
            string cell = table.Rows[rowIndex].Cells[column];
            if (keep[rowIndex] && !NumberText.LooksNumeric(cell))
            {
                return cell;
            }
        }
        rowIndex = -1;
        return null;
    }

    private static double ParseCell(CsvTable table, CsvRow row, int column, string name)
    {
        string? problem = NumberText.TryParseFinite(row.Cells[column], out double value);
        if (problem is not null)
        {
            throw DataFormatException.AtCell(table.Path, row.Line, column + 1, problem, name);
        }
        return value;
    }
}
