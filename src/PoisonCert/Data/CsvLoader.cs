namespace PoisonCert.Data;

/// <summary>
/// Loads delimited text (CSV, or whitespace-separated with <see cref="CsvOptions.Delimiter"/> = ' '), plain or
/// gzip (detected by the magic bytes), into a <see cref="Dataset"/>. Handles a names header, no header, and the
/// scikit-learn header line <c>rows,features,class names…</c>; missing values and categorical columns follow the
/// options. Any unusable cell throws a <see cref="DataFormatException"/> naming the file, line and column.
/// </summary>
public static class CsvLoader
{
    public static Dataset Load(string path, CsvOptions? options = null)
    {
        options ??= new CsvOptions();
        DataFileContent content = DataFileContent.Read(path);
        CsvTable table = CsvTable.Parse(content, options);
        RequireRows(table);
        int[] ignored = ResolveIgnored(table, options);
        foreach (string categorical in options.CategoricalColumns ?? [])
        {
            ColumnByName(table, categorical, "categorical column");
        }
        int targetIndex = ResolveTarget(table, options);
        int[] featureColumns = Enumerable.Range(0, table.ColumnCount)
            .Where(column => column != targetIndex && !ignored.Contains(column)).ToArray();
        if (featureColumns.Length == 0)
        {
            throw new InvalidConfigurationException($"CSV file '{path}': no feature columns are left after the target and the ignored columns.");
        }
        int[] usedColumns = [.. featureColumns, targetIndex];
        bool[] keep = CsvColumnBuilder.CompleteRows(table, usedColumns, options);
        int keptRows = RequireKeptRows(table, keep);
        IReadOnlyList<string> featureNames = FeatureNames(table, featureColumns, options);
        (double[] features, List<string> encodedNames) = CsvColumnBuilder.Features(table, featureColumns, featureNames, keep, options);
        string name = options.DatasetName ?? System.IO.Path.GetFileName(path);
        string description = Describe(table, keptRows);
        string targetName = table.Header == CsvHeader.Names ? table.ColumnNames[targetIndex] : options.TargetName ?? "target";
        if (options.TargetKind == TargetKind.Regression)
        {
            double[] targets = CsvColumnBuilder.RegressionTargets(table, [targetIndex], keep);
            return Dataset.CreateRegression(name, keptRows, encodedNames.Count, features, encodedNames, targetName,
                targets, 1, description, [content.Source]);
        }
        (int[] labels, IReadOnlyList<string> classNames) = CsvColumnBuilder.Labels(table, targetIndex, keep, options);
        return Dataset.CreateClassification(name, keptRows, encodedNames.Count, features, encodedNames, targetName,
            labels, classNames, description, [content.Source]);
    }

    /// <summary>
    /// Loads features from one file and targets from another with the same number of rows (the diabetes files):
    /// every column of <paramref name="featuresPath"/> is a feature, every column of <paramref name="targetsPath"/>
    /// a target (regression: all of them; classification: exactly one). Both are read with the same options.
    /// </summary>
    public static Dataset LoadWithSeparateTargets(string featuresPath, string targetsPath, CsvOptions? options = null)
    {
        options ??= new CsvOptions();
        DataFileContent featureContent = DataFileContent.Read(featuresPath);
        DataFileContent targetContent = DataFileContent.Read(targetsPath);
        CsvTable featureTable = CsvTable.Parse(featureContent, options);
        CsvTable targetTable = CsvTable.Parse(targetContent, options);
        RequireRows(featureTable);
        RequireRows(targetTable);
        if (featureTable.Rows.Count != targetTable.Rows.Count)
        {
            throw DataFormatException.InFile(targetsPath,
                $"has {targetTable.Rows.Count} data rows but the features file '{featuresPath}' has {featureTable.Rows.Count}: expected one target row per feature row");
        }
        if (options.TargetKind == TargetKind.Classification && targetTable.ColumnCount != 1)
        {
            throw DataFormatException.AtCell(targetsPath, targetTable.Rows[0].Line, 2,
                $"expected one class label per line, found {targetTable.ColumnCount} cells");
        }
        int[] featureColumns = Enumerable.Range(0, featureTable.ColumnCount).ToArray();
        int[] targetColumns = Enumerable.Range(0, targetTable.ColumnCount).ToArray();
        bool[] keepFeatures = CsvColumnBuilder.CompleteRows(featureTable, featureColumns, options);
        bool[] keepTargets = CsvColumnBuilder.CompleteRows(targetTable, targetColumns, options);
        bool[] keep = keepFeatures.Zip(keepTargets, (first, second) => first && second).ToArray();
        int keptRows = RequireKeptRows(featureTable, keep);
        IReadOnlyList<string> featureNames = FeatureNames(featureTable, featureColumns, options);
        (double[] features, List<string> encodedNames) = CsvColumnBuilder.Features(featureTable, featureColumns, featureNames, keep, options);
        string name = options.DatasetName ?? System.IO.Path.GetFileName(featuresPath);
        string targetName = targetTable.Header == CsvHeader.Names ? string.Join(",", targetTable.ColumnNames) : options.TargetName ?? "target";
        string description = $"{Describe(featureTable, keptRows)}; targets from '{System.IO.Path.GetFileName(targetsPath)}'";
        SourceFile[] sources = [featureContent.Source, targetContent.Source];
        if (options.TargetKind == TargetKind.Regression)
        {
            double[] targets = CsvColumnBuilder.RegressionTargets(targetTable, targetColumns, keep);
            return Dataset.CreateRegression(name, keptRows, encodedNames.Count, features, encodedNames, targetName,
                targets, targetColumns.Length, description, sources);
        }
        (int[] labels, IReadOnlyList<string> classNames) = CsvColumnBuilder.Labels(targetTable, 0, keep, options);
        return Dataset.CreateClassification(name, keptRows, encodedNames.Count, features, encodedNames, targetName,
            labels, classNames, description, sources);
    }

    private static void RequireRows(CsvTable table)
    {
        if (table.Rows.Count == 0)
        {
            throw DataFormatException.InFile(table.Path, "has a header but no data rows: expected at least one row");
        }
    }

    private static int RequireKeptRows(CsvTable table, bool[] keep)
    {
        int keptRows = keep.Count(kept => kept);
        if (keptRows == 0)
        {
            throw DataFormatException.InFile(table.Path, $"all {keep.Length} data rows have missing values: expected at least one complete row");
        }
        return keptRows;
    }

    private static int[] ResolveIgnored(CsvTable table, CsvOptions options)
    {
        return options.IgnoredColumns.Select(name => ColumnByName(table, name, "ignored column")).ToArray();
    }

    private static int ResolveTarget(CsvTable table, CsvOptions options)
    {
        if (options.TargetColumnName is string name)
        {
            return ColumnByName(table, name, "target column");
        }
        int index = options.TargetColumnIndex < 0 ? table.ColumnCount + options.TargetColumnIndex : options.TargetColumnIndex;
        if (index < 0 || index >= table.ColumnCount)
        {
            throw new InvalidConfigurationException(
                $"CSV file '{table.Path}': target column index {options.TargetColumnIndex} is outside the file's {table.ColumnCount} columns.");
        }
        return index;
    }

    private static int ColumnByName(CsvTable table, string name, string role)
    {
        int index = table.Header == CsvHeader.Names ? Array.IndexOf(table.ColumnNames, name) : -1;
        if (index < 0)
        {
            string known = table.Header == CsvHeader.Names ? string.Join(", ", table.ColumnNames) : "none: the file has no names header";
            throw new InvalidConfigurationException($"CSV file '{table.Path}': the {role} '{name}' does not exist (columns: {known}).");
        }
        return index;
    }

    private static IReadOnlyList<string> FeatureNames(CsvTable table, int[] featureColumns, CsvOptions options)
    {
        if (table.Header == CsvHeader.Names || options.FeatureNames is null)
        {
            return featureColumns.Select(column => table.ColumnNames[column]).ToArray();
        }
        if (options.FeatureNames.Count != featureColumns.Length)
        {
            throw new InvalidConfigurationException(
                $"CSV file '{table.Path}': {options.FeatureNames.Count} feature names were given for {featureColumns.Length} feature columns.");
        }
        return options.FeatureNames;
    }

    private static string Describe(CsvTable table, int keptRows)
    {
        string header = table.Header switch
        {
            CsvHeader.SklearnCounts => "sklearn header",
            CsvHeader.Names => "names header",
            _ => "no header",
        };
        string dropped = keptRows == table.Rows.Count ? "" : $", {table.Rows.Count - keptRows} incomplete rows dropped";
        return $"delimited text '{System.IO.Path.GetFileName(table.Path)}' ({header}, {table.Rows.Count} data rows{dropped})";
    }
}
