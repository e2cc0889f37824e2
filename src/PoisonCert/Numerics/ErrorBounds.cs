using System.Numerics;

namespace PoisonCert.Numerics;

/// <summary>
/// A priori rounding-error terms for sums and dot products evaluated in floating point in ANY order (SIMD lanes,
/// blocking, FMA or not), after Higham, Accuracy and Stability of Numerical Algorithms (2002), (3.4)–(3.5) and
/// Lemma 3.1, and Rump, "Fast and parallel interval arithmetic", BIT 39 (1999):
/// <code>
///   |fl(Σᵢ xᵢ) − Σᵢ xᵢ|        ≤ γ_(n−1) · Σᵢ |xᵢ|
///   |fl(xᵀy) − xᵀy|            ≤ γ_n · |x|ᵀ|y| + n · η
///   γ_n = n·u / (1 − n·u),     u = 2⁻²⁴ (float32), 2⁻⁵³ (float64),   η = smallest positive subnormal
/// </code>
/// The η term covers underflow: each product that lands in the subnormal range carries an absolute error of at
/// most η/2, whatever the evaluation order. The returned γ_n is itself rounded upward, so callers may multiply
/// it into a radius with upward-rounded operations.
/// </summary>
public static class ErrorBounds
{
    /// <summary>Unit roundoff u: 2⁻²⁴ for float, 2⁻⁵³ for double (not <c>float.Epsilon</c>, which is η).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static T UnitRoundoff<T>() where T : IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? T.CreateTruncating(1.0 / 16777216.0)          // 2^-24
            : typeof(T) == typeof(double) ? T.CreateTruncating(1.0 / 9007199254740992.0) // 2^-53
            : throw new NotSupportedException($"Error bounds support float and double, not {typeof(T).Name}.");

    /// <summary>η: the smallest positive subnormal (the absolute error bound of one underflowing operation is η/2).</summary>
    public static T SmallestSubnormal<T>() where T : IBinaryFloatingPointIeee754<T> => T.Epsilon;

    /// <summary>
    /// γ_n = n·u/(1 − n·u), rounded upward. Requires n·u &lt; 1/2 (n &lt; 2²³ for float), beyond which the a priori
    /// bound is not useful and an exception names the length.
    /// </summary>
    public static T Gamma<T>(long n) where T : IBinaryFloatingPointIeee754<T>
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "A length cannot be negative.");
        if (n == 0) return T.Zero;
        var u = UnitRoundoff<T>();
        var nu = Rounding.MulUp(T.CreateChecked(n), u); // n is exact in T while n·u < 1/2
        if (nu >= T.CreateTruncating(0.5))
            throw new ArgumentOutOfRangeException(nameof(n), n, $"γ_n needs n·u < 1/2; n = {n} is too long for {typeof(T).Name}.");
        return Rounding.DivUp(nu, Rounding.SubDown(T.One, nu));
    }

    /// <summary>
    /// Upper bound of |fl(xᵀy) − xᵀy| for a dot product of length n given the upward-rounded value of |x|ᵀ|y|:
    /// γ_n·absDot + n·η, every operation rounded upward.
    /// </summary>
    public static T DotProductError<T>(long n, T absoluteDotUpper) where T : IBinaryFloatingPointIeee754<T>
        => Rounding.AddUp(Rounding.MulUp(Gamma<T>(n), absoluteDotUpper), Rounding.MulUp(T.CreateChecked(n), T.Epsilon));

    /// <summary>
    /// Upper bound of the exact value s behind a non-negative quantity c computed in floating point from
    /// non-negative terms with at most m rounded operations on each term's path. Higham (3.4): c = Σ tᵢ(1 + θᵢ) + e
    /// with |θᵢ| ≤ γ_m and |e| ≤ m·η (underflow), so s = Σ tᵢ ≤ (c + m·η) / (1 − γ_m). Every operation rounds upward.
    /// </summary>
    public static T InflateNonNegative<T>(T computed, long m) where T : IBinaryFloatingPointIeee754<T>
    {
        if (computed < T.Zero) throw new ArgumentOutOfRangeException(nameof(computed), computed, "Only non-negative quantities can be inflated.");
        var withUnderflow = Rounding.AddUp(computed, Rounding.MulUp(T.CreateChecked(m), T.Epsilon));
        return Rounding.DivUp(withUnderflow, Rounding.SubDown(T.One, Gamma<T>(m)));
    }
}
