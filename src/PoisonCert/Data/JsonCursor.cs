using System.Text.Json;

namespace PoisonCert.Data;

/// <summary>
/// A forward-only reader over a JSON data file that reports every problem as a <see cref="DataFormatException"/>
/// with the file, line and character column of the offending token (malformed JSON included).
/// </summary>
internal ref struct JsonCursor
{
    private readonly DataFileContent _content;
    private Utf8JsonReader _reader;

    public JsonCursor(DataFileContent content)
    {
        _content = content;
        ReadOnlySpan<byte> bytes = content.Bytes;
        int start = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        _reader = new Utf8JsonReader(bytes[start..], new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        BomLength = start;
    }

    private int BomLength { get; }

    public readonly JsonTokenType TokenType => _reader.TokenType;

    /// <summary>Moves to the next token; the end of the file where a token is expected is an error.</summary>
    public void Next(string expected)
    {
        bool moved;
        try
        {
            moved = _reader.Read();
        }
        catch (JsonException exception)
        {
            int line = (int)(exception.LineNumber ?? 0) + 1;
            int column = (int)(exception.BytePositionInLine ?? 0) + 1;
            throw DataFormatException.AtCell(_content.Path, line, column, $"malformed JSON ({FirstSentence(exception.Message)}); expected {expected}");
        }
        if (!moved)
        {
            (int line, int column) = TextPosition.Locate(_content.Bytes, _content.Bytes.Length);
            throw DataFormatException.AtCell(_content.Path, line, column, $"the JSON ends early: expected {expected}");
        }
    }

    /// <summary>Moves to the next token and checks its type.</summary>
    public void Expect(JsonTokenType type, string expected)
    {
        Next(expected);
        if (_reader.TokenType != type)
        {
            throw Error($"expected {expected}, found {Describe()}");
        }
    }

    /// <summary>After the top-level value: only blanks may follow.</summary>
    public void ExpectEnd()
    {
        bool more;
        try
        {
            more = _reader.Read();
        }
        catch (JsonException exception)
        {
            int line = (int)(exception.LineNumber ?? 0) + 1;
            int column = (int)(exception.BytePositionInLine ?? 0) + 1;
            throw DataFormatException.AtCell(_content.Path, line, column, $"unexpected content after the JSON value ({FirstSentence(exception.Message)})");
        }
        if (more)
        {
            throw Error($"unexpected {Describe()} after the end of the JSON value");
        }
    }

    public readonly string GetString() => _reader.GetString() ?? "";

    /// <summary>The current number token as a finite double.</summary>
    public readonly double GetFiniteNumber(string what)
    {
        if (!_reader.TryGetDouble(out double value) || !double.IsFinite(value))
        {
            throw Error($"{what}: expected a finite number, found {Describe()}");
        }
        return value;
    }

    /// <summary>Skips the current value (an object or array with all it contains).</summary>
    public void Skip() => _reader.Skip();

    /// <summary>Byte offset of the current token in the file, for an error reported later with <see cref="ErrorAt"/>.</summary>
    public readonly long TokenOffset => BomLength + _reader.TokenStartIndex;

    /// <summary>The current token's raw text (numbers keep their notation).</summary>
    public readonly string RawText => _reader.TokenType == JsonTokenType.String
        ? GetString()
        : System.Text.Encoding.UTF8.GetString(_reader.ValueSpan);

    public readonly DataFormatException Error(string problem) => ErrorAt(TokenOffset, problem);

    public readonly DataFormatException ErrorAt(long offset, string problem) => TextPosition.ErrorAt(_content, offset, problem);

    public readonly string Describe() => _reader.TokenType switch
    {
        JsonTokenType.String => $"the string \"{NumberText.Shorten(_reader.GetString() ?? "")}\"",
        JsonTokenType.Number => $"the number {System.Text.Encoding.UTF8.GetString(_reader.ValueSpan)}",
        JsonTokenType.Null => "null",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.EndObject => "'}'",
        JsonTokenType.EndArray => "']'",
        JsonTokenType.PropertyName => $"the property \"{NumberText.Shorten(_reader.GetString() ?? "")}\"",
        _ => _reader.TokenType.ToString(),
    };

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }
}
