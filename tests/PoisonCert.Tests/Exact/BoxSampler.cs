using System.Numerics;

namespace PoisonCert.Tests.Exact;

/// <summary>
/// Random interval boxes for soundness tests, with a deliberately wide mix of magnitudes (ordinary values,
/// values near 1, tiny and subnormal values, large values, exact zeros and degenerate intervals) and members
/// sampled at the corners, the endpoints and the interior.
/// </summary>
public sealed class BoxSampler<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly Random _random;

    public BoxSampler(int seed) => _random = new Random(seed);

    public Random Random => _random;

    public T Value()
    {
        double magnitude = _random.Next(10) switch
        {
            0 => 0.0,
            1 => Math.ScaleB(_random.NextDouble(), -140) * (typeof(T) == typeof(float) ? 1 : Math.ScaleB(1, -900)), // subnormal-ish
            2 => Math.ScaleB(_random.NextDouble(), 60),
            3 => 1.0 + _random.NextDouble() * 1e-6,
            _ => _random.NextDouble() * 10,
        };
        var value = T.CreateTruncating(_random.Next(2) == 0 ? magnitude : -magnitude);
        return T.IsFinite(value) ? value : T.Zero;
    }

    public (T Lower, T Upper) Interval()
    {
        var a = Value();
        if (_random.Next(6) == 0) return (a, a); // degenerate
        var b = _random.Next(3) == 0 ? a + T.CreateTruncating(_random.NextDouble()) : Value();
        if (!T.IsFinite(b)) b = a;
        return a <= b ? (a, b) : (b, a);
    }

    public (T[] Lower, T[] Upper) Box(int length)
    {
        var lower = new T[length];
        var upper = new T[length];
        for (var i = 0; i < length; i++) (lower[i], upper[i]) = Interval();
        return (lower, upper);
    }

    /// <summary>Members to test: both endpoints and one random interior point (computed exactly, then rounded inward).</summary>
    public IEnumerable<Rational> Members(T lower, T upper)
    {
        var low = Rational.From(lower);
        var high = Rational.From(upper);
        yield return low;
        yield return high;
        var t = new Rational(_random.Next(1, 1000), 1000);
        yield return low + (high - low) * t;
    }

    /// <summary>A random sub-interval of [lower, upper] (for inclusion isotonicity).</summary>
    public (T Lower, T Upper) SubInterval(T lower, T upper)
    {
        var a = lower + (upper - lower) * T.CreateTruncating(_random.NextDouble());
        var b = lower + (upper - lower) * T.CreateTruncating(_random.NextDouble());
        a = T.Clamp(a, lower, upper);
        b = T.Clamp(b, lower, upper);
        if (!T.IsFinite(a) || !T.IsFinite(b)) return (lower, upper);
        return a <= b ? (a, b) : (b, a);
    }
}

public static class ExactAssert
{
    /// <summary>Asserts lower ≤ exact ≤ upper with no slack.</summary>
    public static void Contains<T>(T lower, T upper, Rational exact, string context) where T : IBinaryFloatingPointIeee754<T>
    {
        if (!(T.IsNegativeInfinity(lower) || (T.IsFinite(lower) && Rational.From(lower) <= exact)))
            Assert.Fail($"{context}: lower bound {lower:R} is above the exact value {exact}");
        if (!(T.IsPositiveInfinity(upper) || (T.IsFinite(upper) && exact <= Rational.From(upper))))
            Assert.Fail($"{context}: upper bound {upper:R} is below the exact value {exact}");
    }
}
