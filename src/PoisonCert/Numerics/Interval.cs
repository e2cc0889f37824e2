using System.Globalization;
using System.Numerics;

namespace PoisonCert.Numerics;

/// <summary>
/// A closed interval [Lower, Upper] of float or double values. The constructor rejects NaN and Lower &gt; Upper, so
/// every instance denotes a non-empty set of reals; endpoints may be infinite (an unbounded side).
/// <para>
/// Arithmetic is outward-rounded (<see cref="Rounding"/>): for every x ∈ a and y ∈ b, the exact x ∘ y lies in
/// a ∘ b. There is deliberately no &lt; or &gt; on intervals: ask <see cref="IsCertainlyBelow"/> or
/// <see cref="IsPossiblyBelow"/>, which say which question they answer.
/// </para>
/// </summary>
public readonly struct Interval<T> : IEquatable<Interval<T>>
    where T : IBinaryFloatingPointIeee754<T>
{
    public T Lower { get; }
    public T Upper { get; }

    public Interval(T lower, T upper)
    {
        if (T.IsNaN(lower) || T.IsNaN(upper))
            throw new ArgumentException($"An interval endpoint is NaN: [{lower}, {upper}].");
        if (lower > upper)
            throw new ArgumentException($"An interval's lower endpoint {lower.ToString(null, CultureInfo.InvariantCulture)} is above its upper endpoint {upper.ToString(null, CultureInfo.InvariantCulture)}.");
        Lower = lower;
        Upper = upper;
    }

    /// <summary>The degenerate interval [x, x].</summary>
    public static Interval<T> Point(T x) => new(x, x);

    /// <summary>[center − radius, center + radius], rounded outward (radius ≥ 0).</summary>
    public static Interval<T> FromCenterRadius(T center, T radius)
    {
        if (radius < T.Zero || T.IsNaN(radius)) throw new ArgumentOutOfRangeException(nameof(radius), radius, "A radius must be non-negative.");
        return new(Rounding.SubDown(center, radius), Rounding.AddUp(center, radius));
    }

    public bool IsPoint => Lower == Upper;

    public bool IsFinite => T.IsFinite(Lower) && T.IsFinite(Upper);

    /// <summary>An upper bound of the width Upper − Lower.</summary>
    public T WidthUpperBound => Rounding.SubUp(Upper, Lower);

    /// <summary>A center c and radius r with [c − r, c + r] ⊇ this interval (r rounded upward).</summary>
    public (T Center, T Radius) ToCenterRadius()
    {
        var center = Lower / (T.One + T.One) + Upper / (T.One + T.One); // halving is exact above the subnormals
        if (!T.IsFinite(center)) center = T.Zero;
        var radius = T.Max(Rounding.SubUp(center, Lower), Rounding.SubUp(Upper, center));
        return (center, radius);
    }

    public bool Contains(T x) => Lower <= x && x <= Upper;

    public bool IsSubsetOf(Interval<T> other) => other.Lower <= Lower && Upper <= other.Upper;

    /// <summary>True when every member of this interval is strictly below every member of <paramref name="other"/>.</summary>
    public bool IsCertainlyBelow(Interval<T> other) => Upper < other.Lower;

    /// <summary>True when some member of this interval is strictly below some member of <paramref name="other"/>.</summary>
    public bool IsPossiblyBelow(Interval<T> other) => Lower < other.Upper;

    /// <summary>True when every member is strictly positive.</summary>
    public bool IsCertainlyPositive => Lower > T.Zero;

    /// <summary>True when some member is strictly positive.</summary>
    public bool IsPossiblyPositive => Upper > T.Zero;

    /// <summary>The smallest interval containing both.</summary>
    public Interval<T> Hull(Interval<T> other) => new(T.Min(Lower, other.Lower), T.Max(Upper, other.Upper));

    /// <summary>The intersection, or null when the two are disjoint.</summary>
    public Interval<T>? Intersect(Interval<T> other)
    {
        var lower = T.Max(Lower, other.Lower);
        var upper = T.Min(Upper, other.Upper);
        return lower <= upper ? new Interval<T>(lower, upper) : null;
    }

    public static Interval<T> operator +(Interval<T> a, Interval<T> b)
        => new(Rounding.AddDown(a.Lower, b.Lower), Rounding.AddUp(a.Upper, b.Upper));

    public static Interval<T> operator -(Interval<T> a, Interval<T> b)
        => new(Rounding.SubDown(a.Lower, b.Upper), Rounding.SubUp(a.Upper, b.Lower));

    public static Interval<T> operator -(Interval<T> a) => new(-a.Upper, -a.Lower);

    /// <summary>Exact sign-case product: the hull of the four endpoint products, each rounded outward.</summary>
    public static Interval<T> operator *(Interval<T> a, Interval<T> b)
    {
        var lower = T.Min(T.Min(Rounding.MulDown(a.Lower, b.Lower), Rounding.MulDown(a.Lower, b.Upper)),
                          T.Min(Rounding.MulDown(a.Upper, b.Lower), Rounding.MulDown(a.Upper, b.Upper)));
        var upper = T.Max(T.Max(Rounding.MulUp(a.Lower, b.Lower), Rounding.MulUp(a.Lower, b.Upper)),
                          T.Max(Rounding.MulUp(a.Upper, b.Lower), Rounding.MulUp(a.Upper, b.Upper)));
        return new(lower, upper);
    }

    /// <summary>Product with a point: [min(a.L·s, a.U·s), max(...)], rounded outward.</summary>
    public static Interval<T> operator *(Interval<T> a, T scalar) => a * Point(scalar);

    /// <summary>max(x, 0) over the interval.</summary>
    public Interval<T> Relu() => new(T.Max(Lower, T.Zero), T.Max(Upper, T.Zero));

    /// <summary>min(max(x, low), high) over the interval (monotone, so endpoints map to endpoints).</summary>
    public Interval<T> Clamp(T low, T high) => new(T.Clamp(Lower, low, high), T.Clamp(Upper, low, high));

    public bool Equals(Interval<T> other) => Lower.Equals(other.Lower) && Upper.Equals(other.Upper);

    public override bool Equals(object? obj) => obj is Interval<T> other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Lower, Upper);

    public static bool operator ==(Interval<T> a, Interval<T> b) => a.Equals(b);

    public static bool operator !=(Interval<T> a, Interval<T> b) => !a.Equals(b);

    public override string ToString()
        => $"[{Lower.ToString("R", CultureInfo.InvariantCulture)}, {Upper.ToString("R", CultureInfo.InvariantCulture)}]";
}
