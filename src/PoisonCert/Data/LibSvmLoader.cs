using System.Globalization;

namespace PoisonCert.Data;

/// <summary>
/// Loads LIBSVM sparse text: one row per line, <c>label index:value index:value …</c>, indices 1-based and strictly
/// increasing, absent indices meaning 0; text after '#' is a comment. Plain or gzip. Errors name the file, line
/// and character column.
/// </summary>
public static class LibSvmLoader
{
    private sealed record SparseRow(int Line, double Label, List<(int Index, double Value, int Column)> Entries);

    /// <summary>The largest dense matrix (rows × features) loaded: 2^27 doubles, 1 GiB.</summary>
    public const long MaximumDenseValues = 1L << 27;

    public static Dataset Load(string path, LibSvmOptions? options = null)
    {
        options ??= new LibSvmOptions();
        DataFileContent content = DataFileContent.Read(path);
        string text = TextContent.Decode(content);
        var rows = new List<SparseRow>();
        foreach ((int number, string line) in TextContent.Lines(text))
        {
            int comment = line.IndexOf('#');
            string data = comment >= 0 ? line[..comment] : line;
            if (!string.IsNullOrWhiteSpace(data))
            {
                rows.Add(ParseLine(path, number, data, options));
            }
        }
        if (rows.Count == 0)
        {
            throw DataFormatException.InFile(path, "the file is empty: expected at least one line 'label index:value …'");
        }
        int featureCount = options.FeatureCount ?? rows.Max(row => row.Entries.Count == 0 ? 0 : row.Entries[^1].Index);
        if (featureCount < 1)
        {
            throw DataFormatException.InFile(path, "no feature index appears in the file: expected at least one 'index:value'");
        }
        CheckDenseSize(path, rows, featureCount);
        var features = new double[(long)rows.Count * featureCount];
        for (int row = 0; row < rows.Count; row++)
        {
            foreach ((int index, double value, _) in rows[row].Entries)
            {
                features[(long)row * featureCount + index - 1] = value;
            }
        }
        IReadOnlyList<string> names = options.FeatureNames
            ?? Enumerable.Range(1, featureCount).Select(index => $"feature{index}").ToArray();
        if (names.Count != featureCount)
        {
            throw new InvalidConfigurationException($"LIBSVM file '{path}': {names.Count} feature names were given for {featureCount} features.");
        }
        string name = options.DatasetName ?? Path.GetFileName(path);
        string description = $"LIBSVM sparse text '{Path.GetFileName(path)}' ({rows.Count} rows, {featureCount} features)";
        if (options.TargetKind == TargetKind.Regression)
        {
            return Dataset.CreateRegression(name, rows.Count, featureCount, features, names, options.TargetName,
                [.. rows.Select(row => row.Label)], 1, description, [content.Source]);
        }
        double[] classes = [.. rows.Select(row => row.Label).Distinct().Order()];
        int[] labels = [.. rows.Select(row => Array.BinarySearch(classes, row.Label))];
        string[] classNames = [.. classes.Select(value => value.ToString("R", CultureInfo.InvariantCulture))];
        return Dataset.CreateClassification(name, rows.Count, featureCount, features, names, options.TargetName,
            labels, classNames, description, [content.Source]);
    }

    private static void CheckDenseSize(string path, List<SparseRow> rows, int featureCount)
    {
        if ((long)rows.Count * featureCount <= MaximumDenseValues)
        {
            return;
        }
        SparseRow? widest = rows.FirstOrDefault(row => row.Entries.Count > 0 && row.Entries[^1].Index == featureCount);
        if (widest is null)
        {
            throw new InvalidConfigurationException(
                $"LIBSVM file '{path}': FeatureCount {featureCount} makes a dense matrix of {rows.Count} × {featureCount} values, more than the {MaximumDenseValues} PoisonCert loads.");
        }
        throw DataFormatException.AtCell(path, widest.Line, widest.Entries[^1].Column,
            $"feature index {featureCount} would make a dense matrix of {rows.Count} × {featureCount} values, more than the {MaximumDenseValues} PoisonCert loads: expected a smaller index (or give LibSvmOptions.FeatureCount)");
    }

    private static SparseRow ParseLine(string path, int lineNumber, string line, LibSvmOptions options)
    {
        var tokens = Tokens(line);
        (int labelColumn, string labelText) = tokens[0];
        string? labelProblem = NumberText.TryParseFinite(labelText, out double label);
        if (labelProblem is not null)
        {
            throw DataFormatException.AtCell(path, lineNumber, labelColumn, $"label: {labelProblem}");
        }
        var entries = new List<(int, double, int)>(tokens.Count - 1);
        int previousIndex = 0;
        foreach ((int column, string token) in tokens.Skip(1))
        {
            int colon = token.IndexOf(':');
            if (colon <= 0)
            {
                throw DataFormatException.AtCell(path, lineNumber, column,
                    $"expected 'index:value', found '{NumberText.Shorten(token)}'");
            }
            if (!int.TryParse(token.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index < 1)
            {
                throw DataFormatException.AtCell(path, lineNumber, column,
                    $"expected a positive integer feature index (indices are 1-based), found '{NumberText.Shorten(token.AsSpan(0, colon))}'");
            }
            if (index <= previousIndex)
            {
                throw DataFormatException.AtCell(path, lineNumber, column,
                    $"feature index {index} after {previousIndex}: expected strictly increasing indices");
            }
            if (options.FeatureCount is int count && index > count)
            {
                throw DataFormatException.AtCell(path, lineNumber, column,
                    $"feature index {index} out of range: expected at most {count} features");
            }
            string? valueProblem = NumberText.TryParseFinite(token.AsSpan(colon + 1), out double value);
            if (valueProblem is not null)
            {
                throw DataFormatException.AtCell(path, lineNumber, column + colon + 1, $"value of feature {index}: {valueProblem}");
            }
            entries.Add((index, value, column));
            previousIndex = index;
        }
        return new SparseRow(lineNumber, label, entries);
    }

    /// <summary>Blank-separated tokens with their 1-based character columns.</summary>
    private static List<(int Column, string Text)> Tokens(string line)
    {
        var tokens = new List<(int, string)>();
        int position = 0;
        while (position < line.Length)
        {
            while (position < line.Length && char.IsWhiteSpace(line[position]))
            {
                position++;
            }
            int start = position;
            while (position < line.Length && !char.IsWhiteSpace(line[position]))
            {
                position++;
            }
            if (position > start)
            {
                tokens.Add((start + 1, line[start..position]));
            }
        }
        return tokens;
    }
}
