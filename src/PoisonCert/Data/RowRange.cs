namespace PoisonCert.Data;

/// <summary>The half-open range of rows [<see cref="Start"/>, <see cref="End"/>), 0-based.</summary>
public readonly record struct RowRange(int Start, int End)
{
    public int Count => End - Start;

    public override string ToString() => $"[{Start}, {End})";
}
