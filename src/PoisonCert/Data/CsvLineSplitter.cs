using System.Text;

namespace PoisonCert.Data;

/// <summary>
/// Splits one line of delimited text into cells. Unquoted cells are trimmed of blanks. With a space delimiter,
/// any run of spaces and tabs separates cells. Otherwise a cell may be double-quoted, with "" standing for a
/// quote inside it; quoted cells cannot span lines.
/// </summary>
internal static class CsvLineSplitter
{
    public static string[] Split(string line, char delimiter, string filePath, int lineNumber)
    {
        if (delimiter == ' ')
        {
            return line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        }
        var cells = new List<string>();
        int position = 0;
        while (true)
        {
            int cellStart = position;
            while (position < line.Length && (line[position] == ' ' || line[position] == '\t'))
            {
                position++;
            }
            if (position < line.Length && line[position] == '"')
            {
                cells.Add(ReadQuoted(line, ref position, delimiter, filePath, lineNumber, cells.Count + 1));
            }
            else
            {
                int end = line.IndexOf(delimiter, cellStart);
                if (end < 0)
                {
                    end = line.Length;
                }
                cells.Add(line[cellStart..end].Trim());
                position = end;
            }
            if (position >= line.Length)
            {
                return [.. cells];
            }
            position++; // the delimiter
        }
    }

    private static string ReadQuoted(string line, ref int position, char delimiter, string filePath, int lineNumber, int column)
    {
        var cell = new StringBuilder();
        position++; // opening quote
        while (true)
        {
            if (position >= line.Length)
            {
                throw DataFormatException.AtCell(filePath, lineNumber, column,
                    "unterminated quoted cell: expected a closing '\"' before the end of the line");
            }
            char character = line[position];
            if (character == '"')
            {
                if (position + 1 < line.Length && line[position + 1] == '"')
                {
                    cell.Append('"');
                    position += 2;
                    continue;
                }
                position++;
                break;
            }
            cell.Append(character);
            position++;
        }
        while (position < line.Length && (line[position] == ' ' || line[position] == '\t'))
        {
            position++;
        }
        if (position < line.Length && line[position] != delimiter)
        {
            throw DataFormatException.AtCell(filePath, lineNumber, column,
                $"unexpected '{line[position]}' after a quoted cell: expected the delimiter '{delimiter}' or the end of the line");
        }
        return cell.ToString();
    }
}
