using System.Buffers;
using System.Text.Unicode;

namespace PoisonCert.Data;

/// <summary>Strict UTF-8 decoding of a data file and splitting into numbered lines.</summary>
internal static class TextContent
{
    /// <summary>Decodes UTF-8 (a leading byte-order mark is skipped); invalid UTF-8 is a <see cref="DataFormatException"/>.</summary>
    public static string Decode(DataFileContent content)
    {
        ReadOnlySpan<byte> bytes = content.Bytes;
        int start = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        bytes = bytes[start..];
        var characters = new char[bytes.Length];
        OperationStatus status = Utf8.ToUtf16(bytes, characters, out int bytesRead, out int charactersWritten,
            replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            long offset = start + bytesRead;
            (int line, int column) = TextPosition.Locate(content.Bytes, offset);
            throw DataFormatException.AtCell(content.Path, line, column,
                $"invalid UTF-8 at byte offset {offset}{content.OffsetContext}; expected UTF-8 text");
        }
        return new string(characters, 0, charactersWritten);
    }

    /// <summary>The lines of a text with their 1-based numbers; a trailing '\r' is removed from each line.</summary>
    public static IEnumerable<(int Number, string Text)> Lines(string text)
    {
        int number = 0;
        int start = 0;
        while (start < text.Length)
        {
            int end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }
            number++;
            int length = end - start;
            if (length > 0 && text[end - 1] == '\r')
            {
                length--;
            }
            yield return (number, text.Substring(start, length));
            start = end + 1;
        }
    }
}
