using System.Text;
using System.Text.Json;

namespace PoisonCert.Runs;

internal enum JsonKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>One property of a parsed JSON object, with the position of its name.</summary>
internal sealed record JsonProperty(string Name, int Line, int Column, JsonNode Value);

/// <summary>
/// A parsed JSON value that remembers where it was (1-based line and character column) and its JSON path, so that
/// a strict reader can reject it with a message that points at it. Numbers keep their literal text, so that the
/// reader converts them exactly once, to the type it expects.
/// </summary>
internal sealed class JsonNode
{
    public JsonNode(JsonKind kind, string path, int line, int column, string? text = null)
    {
        Kind = kind;
        Path = path;
        Line = line;
        Column = column;
        Text = text;
    }

    public JsonKind Kind { get; }

    public string Path { get; }

    public int Line { get; }

    public int Column { get; }

    /// <summary>The value of a string, or the literal text of a number.</summary>
    public string? Text { get; }

    private List<JsonProperty>? _properties;
    private List<JsonNode>? _items;

    // Created on first use: a certificate's number arrays are many small nodes.
    public List<JsonProperty> Properties => _properties ??= [];

    public List<JsonNode> Items => _items ??= [];

    public string KindName => Kind switch
    {
        JsonKind.Object => "an object",
        JsonKind.Array => "an array",
        JsonKind.String => "a string",
        JsonKind.Number => "a number",
        JsonKind.True or JsonKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>A short description of the value for messages: the value of a scalar, the kind of a container.</summary>
    public string Describe() => Kind switch
    {
        JsonKind.String => $"\"{Text}\"",
        JsonKind.Number => Text!,
        JsonKind.True => "true",
        JsonKind.False => "false",
        JsonKind.Null => "null",
        _ => KindName,
    };

    public static string ChildPath(string parent, string name) =>
        name.Length > 0 && name.All(character => char.IsAsciiLetterOrDigit(character) || character == '_') && !char.IsAsciiDigit(name[0])
            ? $"{parent}.{name}"
            : $"{parent}[{JsonSerializer.Serialize(name)}]";

    public static string ItemPath(string parent, int index) => $"{parent}[{index}]";

    /// <summary>The value as canonical JSON (numbers as written), to compare a subtree with what a writer makes.</summary>
    public string ToCanonicalJson() => CanonicalJson.Write(WriteTo);

    private void WriteTo(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case JsonKind.Object:
                writer.WriteStartObject();
                foreach (JsonProperty property in Properties)
                {
                    writer.WritePropertyName(property.Name);
                    property.Value.WriteTo(writer);
                }
                writer.WriteEndObject();
                break;
            case JsonKind.Array:
                writer.WriteStartArray();
                foreach (JsonNode item in Items)
                {
                    item.WriteTo(writer);
                }
                writer.WriteEndArray();
                break;
            case JsonKind.String:
                writer.WriteStringValue(Text);
                break;
            case JsonKind.Number:
                writer.WriteRawValue(Text!, skipInputValidation: true);
                break;
            case JsonKind.True:
            case JsonKind.False:
                writer.WriteBooleanValue(Kind == JsonKind.True);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }
}

/// <summary>Builds a <see cref="JsonNode"/> tree with <see cref="Utf8JsonReader"/>: strict JSON, no comments, no trailing commas, no duplicate names.</summary>
internal static class JsonTree
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 64,
    };

    public static JsonNode Parse(ReadOnlySpan<byte> utf8, JsonErrors errors)
    {
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        int offset = utf8.StartsWith(bom) ? bom.Length : 0;
        ReadOnlySpan<byte> content = utf8[offset..];
        var lines = new LineMap(content);
        var reader = new Utf8JsonReader(content, isFinalBlock: true, new JsonReaderState(ReaderOptions));
        var open = new Stack<JsonNode>();
        JsonNode? root = null;
        (string Name, int Line, int Column)? pendingName = null;
        string path = "$";
        try
        {
            while (reader.Read())
            {
                (int line, int column) = lines.Locate(reader.TokenStartIndex);
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    string name = reader.GetString()!;
                    JsonNode parent = open.Peek();
                    if (parent.Properties.Any(property => property.Name == name))
                    {
                        throw errors.At(JsonNode.ChildPath(parent.Path, name), line, column,
                            $"the field '{name}' appears twice in the same object: expected each field at most once");
                    }
                    pendingName = (name, line, column);
                    continue;
                }
                if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    open.Pop();
                    continue;
                }
                if (open.Count == 0)
                {
                    path = "$";
                }
                else if (open.Peek().Kind == JsonKind.Object)
                {
                    path = JsonNode.ChildPath(open.Peek().Path, pendingName!.Value.Name);
                }
                else
                {
                    path = JsonNode.ItemPath(open.Peek().Path, open.Peek().Items.Count);
                }
                JsonNode node = reader.TokenType switch
                {
                    JsonTokenType.StartObject => new JsonNode(JsonKind.Object, path, line, column),
                    JsonTokenType.StartArray => new JsonNode(JsonKind.Array, path, line, column),
                    JsonTokenType.String => new JsonNode(JsonKind.String, path, line, column, reader.GetString()),
                    JsonTokenType.Number => new JsonNode(JsonKind.Number, path, line, column, Encoding.UTF8.GetString(reader.ValueSpan)),
                    JsonTokenType.True => new JsonNode(JsonKind.True, path, line, column),
                    JsonTokenType.False => new JsonNode(JsonKind.False, path, line, column),
                    _ => new JsonNode(JsonKind.Null, path, line, column),
                };
                if (open.Count == 0)
                {
                    root = node;
                }
                else if (open.Peek().Kind == JsonKind.Object)
                {
                    open.Peek().Properties.Add(new JsonProperty(pendingName!.Value.Name, pendingName.Value.Line, pendingName.Value.Column, node));
                    pendingName = null;
                }
                else
                {
                    open.Peek().Items.Add(node);
                }
                if (node.Kind is JsonKind.Object or JsonKind.Array)
                {
                    open.Push(node);
                }
            }
        }
        catch (JsonException error)
        {
            int line = (int)(error.LineNumber ?? 0) + 1;
            int column = lines.ColumnOf(line, error.BytePositionInLine ?? 0);
            string where = open.Count > 0 ? open.Peek().Path : path;
            throw errors.At(where, line, column, $"malformed JSON: {Explain(error)}");
        }
        catch (InvalidOperationException error)
        {
            // GetString on text that is not valid UTF-8 or has invalid escapes.
            (int line, int column) = lines.Locate(reader.TokenStartIndex);
            throw errors.At(path, line, column, $"malformed JSON text: {error.Message}");
        }
        return root ?? throw errors.At("$", 1, 1, "the file is empty: expected a JSON object");
    }

    // The reader's message ends with its own 0-based position ("LineNumber: 3 | BytePositionInLine: 7."); the
    // 1-based position is already in ours.
    private static string Explain(JsonException error)
    {
        string message = error.Message;
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }

    /// <summary>
    /// Line starts of UTF-8 text, for 1-based lines and character columns of byte offsets. The reader asks for
    /// offsets in increasing order, so the character count of the last offset on a line is kept and continued from:
    /// a long line (a params.json holds a tensor's values on one line) costs its length once, not once per token.
    /// </summary>
    private ref struct LineMap
    {
        private readonly ReadOnlySpan<byte> _text;
        private readonly List<int> _starts;
        private int _lastLine;
        private int _lastPosition;
        private int _lastCharacters;

        public LineMap(ReadOnlySpan<byte> text)
        {
            _text = text;
            _starts = [0];
            for (int index = 0; index < text.Length; index++)
            {
                if (text[index] == (byte)'\n')
                {
                    _starts.Add(index + 1);
                }
            }
            _lastLine = 0;
            _lastPosition = 0;
            _lastCharacters = 0;
        }

        public (int Line, int Column) Locate(long offset)
        {
            int position = (int)Math.Clamp(offset, 0, _text.Length);
            int found = _starts.BinarySearch(position);
            int line = found >= 0 ? found : ~found - 1;
            int characters = line == _lastLine && position >= _lastPosition
                ? _lastCharacters + Characters(_lastPosition, position)
                : Characters(_starts[line], position);
            (_lastLine, _lastPosition, _lastCharacters) = (line, position, characters);
            return (line + 1, characters + 1);
        }

        public readonly int ColumnOf(int line, long byteInLine)
        {
            int start = _starts[Math.Clamp(line - 1, 0, _starts.Count - 1)];
            int end = (int)Math.Clamp(start + byteInLine, start, _text.Length);
            return Characters(start, end) + 1;
        }

        private readonly int Characters(int start, int end)
        {
            int count = 0;
            for (int index = start; index < end; index++)
            {
                if ((_text[index] & 0xC0) != 0x80)
                {
                    count++;
                }
            }
            return count;
        }
    }
}
