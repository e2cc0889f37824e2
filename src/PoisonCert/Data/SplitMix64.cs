namespace PoisonCert.Data;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014), the generator behind every seeded shuffle in PoisonCert.Data, chosen
/// because it is fully specified by a few lines and so can be re-implemented to reproduce a split exactly:
/// <code>
/// state += 0x9E3779B97F4A7C15
/// z = state
/// z = (z ^ (z &gt;&gt; 30)) * 0xBF58476D1CE4E5B9
/// z = (z ^ (z &gt;&gt; 27)) * 0x94D049BB133111EB
/// return z ^ (z &gt;&gt; 31)          (all arithmetic modulo 2^64)
/// </code>
/// <see cref="NextBelow"/> draws an unbiased integer in [0, n) by rejection: it discards draws below
/// (2^64 − n) mod n and returns the draw mod n.
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        unchecked
        {
            _state += 0x9E3779B97F4A7C15UL;
            return Mix(_state);
        }
    }

    /// <summary>The SplitMix64 output function (the finaliser applied to each state).</summary>
    public static ulong Mix(ulong value)
    {
        unchecked
        {
            value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
            value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
            return value ^ (value >> 31);
        }
    }

    public int NextBelow(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        ulong limit = (ulong)bound;
        ulong threshold = unchecked(0UL - limit) % limit;
        while (true)
        {
            ulong draw = Next();
            if (draw >= threshold)
            {
                return (int)(draw % limit);
            }
        }
    }

    /// <summary>
    /// Fisher–Yates: for i from n − 1 down to 1, swap element i with element NextBelow(i + 1).
    /// </summary>
    public void Shuffle(Span<int> values)
    {
        for (int index = values.Length - 1; index > 0; index--)
        {
            int other = NextBelow(index + 1);
            (values[index], values[other]) = (values[other], values[index]);
        }
    }
}
