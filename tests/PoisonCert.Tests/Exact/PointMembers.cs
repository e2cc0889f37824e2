using System.Numerics;
using System.Reflection;

namespace PoisonCert.Tests.Exact;

/// <summary>
/// Members of boxes as the training program would see them: values of T (not rationals) at the lower end, the
/// upper end or inside, and inputs moved within a radius without leaving it after rounding.
/// </summary>
public static class PointMembers
{
    /// <summary>The lower end, the upper end or a value of T strictly between (when there is one), each about a third of the time.</summary>
    public static T Of<T>(Random random, T lower, T upper) where T : IBinaryFloatingPointIeee754<T>
    {
        switch (random.Next(3))
        {
            case 0: return lower;
            case 1: return upper;
        }
        var inside = lower + (upper - lower) * T.CreateTruncating(random.NextDouble());
        return T.IsFinite(inside) ? T.Clamp(inside, lower, upper) : lower;
    }

    public static T[] Of<T>(Random random, ReadOnlySpan<T> lower, ReadOnlySpan<T> upper) where T : IBinaryFloatingPointIeee754<T>
    {
        var member = new T[lower.Length];
        for (var i = 0; i < member.Length; i++) member[i] = Of(random, lower[i], upper[i]);
        return member;
    }

    /// <summary>x + δ rounded to T, pulled back inside [x − |δ|, x + |δ|] (checked exactly) if rounding pushed it out.</summary>
    public static T Moved<T>(T x, double delta) where T : IBinaryFloatingPointIeee754<T>
    {
        var moved = T.CreateTruncating(double.CreateTruncating(x) + delta);
        var limit = Rational.FromDouble(Math.Abs(delta));
        while (!T.IsFinite(moved) || (Rational.From(moved) - Rational.From(x)).Abs() > limit)
            moved = delta > 0 ? T.BitDecrement(moved) : T.BitIncrement(moved);
        return moved;
    }
}

/// <summary>Reads private state of engine objects that has no accessor (per-layer buffers, optimizer state).</summary>
public static class Internals
{
    public static TField Field<TField>(object owner, string name)
    {
        var field = owner.GetType().GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)
                    ?? throw new InvalidOperationException($"{owner.GetType().Name} has no field {name} (renamed? update the test).");
        return (TField)field.GetValue(owner)!;
    }
}
