namespace PoisonCert.Data;

/// <summary>Turns a byte offset in UTF-8 text into a 1-based line and a 1-based character column.</summary>
internal static class TextPosition
{
    public static (int Line, int Column) Locate(ReadOnlySpan<byte> utf8, long offset)
    {
        int end = (int)Math.Clamp(offset, 0, utf8.Length);
        int line = 1;
        int column = 1;
        for (int index = 0; index < end; index++)
        {
            byte value = utf8[index];
            if (value == (byte)'\n')
            {
                line++;
                column = 1;
            }
            else if ((value & 0xC0) != 0x80)
            {
                column++;
            }
        }
        return (line, column);
    }

    /// <summary>A <see cref="DataFormatException"/> at the line and column of a byte offset in a text file.</summary>
    public static DataFormatException ErrorAt(DataFileContent content, long offset, string problem)
    {
        (int line, int column) = Locate(content.Bytes, offset);
        return DataFormatException.AtCell(content.Path, line, column, problem);
    }
}
