using System.Numerics;

namespace PoisonCert.Numerics;

/// <summary>
/// Enclosures of exp and of conversions between precisions.
/// <para>
/// Assumption (stated in docs/soundness.md, the one trusted library property): the C library's double exp, which
/// Math.Exp calls, is within 2 ulps of e^x for every finite x. glibc documents at most 1 ulp on x86-64; the
/// margin used here is twice that. An ulp of a normal result is at most 2u·|e^x| (u = 2⁻⁵³), so
/// <c>e^x ∈ [Math.Exp(x)·(1 − 4u), Math.Exp(x)·(1 + 4u)]</c>, each product rounded outward. Subnormal results
/// (x &lt; −708) are additionally widened by the smallest subnormal.
/// </para>
/// </summary>
public static class Transcendentals
{
    /// <summary>Relative error allowed for Math.Exp: 4u = 2⁻⁵¹ (2 ulps).</summary>
    public const double ExpRelativeError = 1.0 / 2251799813685248.0; // 2^-51

    /// <summary>A lower bound of e^x.</summary>
    public static double ExpLower(double x)
    {
        if (double.IsNegativeInfinity(x)) return 0;
        var value = Math.Exp(x);
        if (double.IsPositiveInfinity(value)) return double.MaxValue;
        var lower = Rounding.MulDown(value, 1 - ExpRelativeError);
        return Math.Max(0, Rounding.SubDown(lower, double.Epsilon));
    }

    /// <summary>An upper bound of e^x.</summary>
    public static double ExpUpper(double x)
    {
        var value = Math.Exp(x);
        if (double.IsPositiveInfinity(value)) return value;
        return Rounding.AddUp(Rounding.MulUp(value, 1 + ExpRelativeError), double.Epsilon);
    }

    /// <summary>The largest T not above <paramref name="value"/> (a lower bound in the working precision).</summary>
    public static T ToLower<T>(double value) where T : IBinaryFloatingPointIeee754<T>
    {
        var converted = T.CreateTruncating(value); // round to nearest
        return double.CreateTruncating(converted) > value ? T.BitDecrement(converted) : converted;
    }

    /// <summary>The smallest T not below <paramref name="value"/>.</summary>
    public static T ToUpper<T>(double value) where T : IBinaryFloatingPointIeee754<T>
    {
        var converted = T.CreateTruncating(value);
        return double.CreateTruncating(converted) < value ? T.BitIncrement(converted) : converted;
    }
}
