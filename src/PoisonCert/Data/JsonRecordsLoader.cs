using System.Globalization;
using System.Text.Json;

namespace PoisonCert.Data;

/// <summary>
/// Loads a JSON array of flat records (<c>[{"field": value, …}, …]</c>, values numbers, strings or null) into a
/// <see cref="Dataset"/>, as for the Auto MPG <c>cars.json</c>. The first record fixes the fields and their order;
/// every other record may only use those fields (an absent field counts as missing). Numeric fields are features
/// as they are, year fields become the year of their ISO date, string fields are one-hot encoded or rejected,
/// ignored fields are skipped. Errors name the file, line and column of the offending value.
/// </summary>
public static class JsonRecordsLoader
{
    private readonly record struct Cell(JsonTokenType Type, double Number, string Text, long Offset);

    private sealed record RecordRow(long Offset, Dictionary<string, Cell> Cells);

    public static Dataset Load(string path, JsonRecordsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        DataFileContent content = DataFileContent.Read(path);
        (List<string> fields, List<RecordRow> records) = ReadRecords(content);
        if (!fields.Contains(options.TargetField))
        {
            throw new InvalidConfigurationException($"JSON file '{path}': the target field '{options.TargetField}' does not exist (fields: {string.Join(", ", fields)}).");
        }
        foreach (string field in options.IgnoredFields.Concat(options.YearFields).Concat(options.CategoricalFields ?? []).Where(field => !fields.Contains(field)))
        {
            throw new InvalidConfigurationException($"JSON file '{path}': the field '{field}' named in the options does not exist (fields: {string.Join(", ", fields)}).");
        }
        string[] featureFields = [.. fields.Where(field => field != options.TargetField && !options.IgnoredFields.Contains(field))];
        List<RecordRow> kept = CompleteRecords(content, records, [.. featureFields, options.TargetField], options);
        var columns = new JsonFeatureColumns(content, kept, options);
        foreach (string field in featureFields)
        {
            columns.Add(field);
        }
        double[] features = columns.Build(out List<string> featureNames);
        string name = options.DatasetName ?? Path.GetFileName(path);
        string dropped = kept.Count == records.Count ? "" : $", {records.Count - kept.Count} incomplete records dropped";
        string description = $"JSON records '{Path.GetFileName(path)}' ({records.Count} records{dropped})";
        if (options.TargetKind == TargetKind.Regression)
        {
            double[] targets = [.. kept.Select(record => RegressionTarget(content, record, options.TargetField))];
            return Dataset.CreateRegression(name, kept.Count, featureNames.Count, features, featureNames,
                options.TargetField, targets, 1, description, [content.Source]);
        }
        string[] classNames = [.. kept.Select(record => record.Cells[options.TargetField].Text).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        int[] labels = [.. kept.Select(record => Array.BinarySearch(classNames, record.Cells[options.TargetField].Text, StringComparer.Ordinal))];
        return Dataset.CreateClassification(name, kept.Count, featureNames.Count, features, featureNames,
            options.TargetField, labels, classNames, description, [content.Source]);
    }

    private static (List<string> Fields, List<RecordRow> Records) ReadRecords(DataFileContent content)
    {
        var cursor = new JsonCursor(content);
        cursor.Expect(JsonTokenType.StartArray, "'[' starting an array of records");
        var fields = new List<string>();
        var records = new List<RecordRow>();
        while (true)
        {
            cursor.Next("a record '{' or ']'");
            if (cursor.TokenType == JsonTokenType.EndArray)
            {
                break;
            }
            if (cursor.TokenType != JsonTokenType.StartObject)
            {
                throw cursor.Error($"record {records.Count}: expected an object, found {cursor.Describe()}");
            }
            var record = new RecordRow(cursor.TokenOffset, new Dictionary<string, Cell>(StringComparer.Ordinal));
            while (true)
            {
                cursor.Next("a field name or '}'");
                if (cursor.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }
                string field = cursor.GetString();
                if (records.Count == 0 && !fields.Contains(field))
                {
                    fields.Add(field);
                }
                else if (!fields.Contains(field))
                {
                    throw cursor.Error($"record {records.Count}: unknown field \"{NumberText.Shorten(field)}\": expected one of the first record's fields ({string.Join(", ", fields)})");
                }
                if (record.Cells.ContainsKey(field))
                {
                    throw cursor.Error($"record {records.Count}: field \"{field}\" appears twice");
                }
                cursor.Next($"a value for \"{field}\"");
                if (cursor.TokenType is not (JsonTokenType.Number or JsonTokenType.String or JsonTokenType.Null))
                {
                    throw cursor.Error($"record {records.Count}, field \"{field}\": expected a number, a string or null, found {cursor.Describe()}");
                }
                double number = cursor.TokenType == JsonTokenType.Number ? cursor.GetFiniteNumber($"record {records.Count}, field \"{field}\"") : 0;
                record.Cells[field] = new Cell(cursor.TokenType, number, cursor.TokenType == JsonTokenType.Null ? "" : cursor.RawText, cursor.TokenOffset);
            }
            records.Add(record);
        }
        cursor.ExpectEnd();
        if (records.Count == 0 || fields.Count == 0)
        {
            throw DataFormatException.InFile(content.Path, "no records (or only empty ones): expected an array of at least one record with fields");
        }
        return (fields, records);
    }

    private static List<RecordRow> CompleteRecords(DataFileContent content, List<RecordRow> records, IReadOnlyList<string> usedFields, JsonRecordsOptions options)
    {
        var kept = new List<RecordRow>(records.Count);
        for (int index = 0; index < records.Count; index++)
        {
            RecordRow record = records[index];
            string? missing = usedFields.FirstOrDefault(field => !record.Cells.TryGetValue(field, out Cell cell) || cell.Type == JsonTokenType.Null);
            if (missing is null)
            {
                kept.Add(record);
                continue;
            }
            if (options.Missing == MissingValuePolicy.Reject)
            {
                long offset = record.Cells.TryGetValue(missing, out Cell cell) ? cell.Offset : record.Offset;
                throw TextPosition.ErrorAt(content, offset,
                    $"record {index}: field \"{missing}\" is null or absent: expected a value (or load with MissingValuePolicy.DropRow)");
            }
        }
        if (kept.Count == 0)
        {
            throw DataFormatException.InFile(content.Path, $"all {records.Count} records have missing values: expected at least one complete record");
        }
        return kept;
    }

    private static double RegressionTarget(DataFileContent content, RecordRow record, string field)
    {
        Cell cell = record.Cells[field];
        if (cell.Type != JsonTokenType.Number)
        {
            throw TextPosition.ErrorAt(content, cell.Offset, $"target \"{field}\": expected a number, found the string \"{NumberText.Shorten(cell.Text)}\"");
        }
        return cell.Number;
    }

    /// <summary>Builds the feature columns of kept records: numeric, year-of-date, or one-hot.</summary>
    private sealed class JsonFeatureColumns(DataFileContent content, List<RecordRow> records, JsonRecordsOptions options)
    {
        private readonly List<(string Name, double[] Values)> _columns = [];

        public void Add(string field)
        {
            if (options.YearFields.Contains(field))
            {
                _columns.Add((field, [.. records.Select(record => Year(record.Cells[field], field))]));
                return;
            }
            Cell? firstString = records.Select(record => record.Cells[field]).Cast<Cell?>().FirstOrDefault(cell => cell!.Value.Type == JsonTokenType.String);
            if (firstString is null)
            {
                _columns.Add((field, [.. records.Select(record => record.Cells[field].Number)]));
                return;
            }
            bool encodable = options.Categorical == CategoricalPolicy.OneHot
                && (options.CategoricalFields is null || options.CategoricalFields.Contains(field));
            if (!encodable)
            {
                string hint = options.Categorical == CategoricalPolicy.Reject
                    ? "a categorical field; load with CategoricalPolicy.OneHot or ignore the field"
                    : "the field is not one of the categorical fields";
                throw TextPosition.ErrorAt(content, firstString.Value.Offset,
                    $"field \"{field}\": expected a number, found the string \"{NumberText.Shorten(firstString.Value.Text)}\" ({hint})");
            }
            string[] categories = [.. records.Select(record => record.Cells[field].Text).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            foreach (string category in categories)
            {
                _columns.Add(($"{field}={category}", [.. records.Select(record => record.Cells[field].Text == category ? 1.0 : 0.0)]));
            }
        }

        public double[] Build(out List<string> names)
        {
            names = [.. _columns.Select(column => column.Name)];
            if (names.Count == 0)
            {
                throw new InvalidConfigurationException($"JSON file '{content.Path}': no feature fields are left after the target and the ignored fields.");
            }
            var values = new double[(long)records.Count * names.Count];
            for (int column = 0; column < names.Count; column++)
            {
                for (int row = 0; row < records.Count; row++)
                {
                    values[(long)row * names.Count + column] = _columns[column].Values[row];
                }
            }
            return values;
        }

        private double Year(Cell cell, string field)
        {
            if (cell.Type == JsonTokenType.Number)
            {
                return cell.Number;
            }
            if (cell.Text.Length >= 10 && DateTime.TryParseExact(cell.Text.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime date))
            {
                return date.Year;
            }
            throw TextPosition.ErrorAt(content, cell.Offset,
                $"field \"{field}\": expected an ISO date 'yyyy-MM-dd' or a year, found \"{NumberText.Shorten(cell.Text)}\"");
        }
    }
}
