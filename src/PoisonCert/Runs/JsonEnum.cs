namespace PoisonCert.Runs;

/// <summary>The JSON names of an enumeration's values, in both directions.</summary>
public sealed class JsonEnum<T> where T : struct, Enum
{
    private readonly (string Name, T Value)[] _pairs;

    public JsonEnum(params (string Name, T Value)[] pairs)
    {
        _pairs = pairs;
    }

    /// <summary>The accepted names, quoted and comma-separated, for messages.</summary>
    public string Choices => string.Join(", ", _pairs.Select(pair => $"\"{pair.Name}\""));

    public IReadOnlyList<string> Names => [.. _pairs.Select(pair => pair.Name)];

    public string Name(T value)
    {
        foreach ((string name, T candidate) in _pairs)
        {
            if (EqualityComparer<T>.Default.Equals(candidate, value))
            {
                return name;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(value), value, $"No JSON name for {typeof(T).Name}.{value}.");
    }

    public bool TryParse(string name, out T value)
    {
        foreach ((string candidateName, T candidate) in _pairs)
        {
            if (candidateName == name)
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }
}
