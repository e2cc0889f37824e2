using System.Numerics;
using System.Runtime.CompilerServices;

namespace PoisonCert.Numerics;

/// <summary>
/// Directed rounding on top of the hardware's round-to-nearest. .NET cannot switch the rounding mode, so each
/// operation is computed to nearest and then moved one unit in the last place outward unless an error-free
/// transformation proves the result exact.
/// <para>
/// Soundness statement (checked by the property tests in tests/PoisonCert.Tests/Numerics against exact rational
/// arithmetic): for finite operands, <c>OpDown(a, b) ≤ a ∘ b ≤ OpUp(a, b)</c> where ∘ is the exact real
/// operation. Round-to-nearest is off by at most half an ulp, so one step outward always suffices; at overflow the
/// step from ±∞ lands on ±MaxValue, which is still on the correct side.
/// </para>
/// <para>
/// The exactness tests (TwoSum for addition; the FMA residual for products, quotients and square roots) are used
/// only where they cannot underflow: the FMA residual of a product is representable only when the exact product
/// is far from the subnormal range, so below <see cref="ResidualSafeMagnitude{T}"/> the result is stepped
/// unconditionally.
/// </para>
/// </summary>
public static class Rounding
{
    /// <summary>The next representable value above <paramref name="x"/> (−0 and +0 step to the smallest subnormal).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T NextUp<T>(T x) where T : IBinaryFloatingPointIeee754<T> => T.BitIncrement(x);

    /// <summary>The next representable value below <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T NextDown<T>(T x) where T : IBinaryFloatingPointIeee754<T> => T.BitDecrement(x);

    /// <summary>
    /// Magnitude above which FMA residuals of products, quotients and square roots are exact:
    /// 2^(emin + 2p) (2⁻⁷⁸ for float, 2⁻⁹¹⁶ for double), comfortably above the subnormal range.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ResidualSafeMagnitude<T>() where T : IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? T.CreateTruncating(1.0 / 302231454903657293676544.0) // 2^-78
            : typeof(T) == typeof(double) ? T.CreateTruncating(DoubleResidualSafeMagnitude)
            : throw new NotSupportedException($"Directed rounding supports float and double, not {typeof(T).Name}.");

    // 2^-916, read once (a static readonly value is a constant to the optimising JIT).
    private static readonly double DoubleResidualSafeMagnitude = Math.ScaleB(1.0, -916);

    /// <summary>Lower bound of a + b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T AddDown<T>(T a, T b) where T : IBinaryFloatingPointIeee754<T>
    {
        var sum = a + b;
        if (!T.IsFinite(sum)) return T.BitDecrement(sum);
        return SumError(a, b, sum) < T.Zero ? T.BitDecrement(sum) : sum;
    }

    /// <summary>Upper bound of a + b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T AddUp<T>(T a, T b) where T : IBinaryFloatingPointIeee754<T>
    {
        var sum = a + b;
        if (!T.IsFinite(sum)) return T.BitIncrement(sum);
        return SumError(a, b, sum) > T.Zero ? T.BitIncrement(sum) : sum;
    }

    /// <summary>Lower bound of a − b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SubDown<T>(T a, T b) where T : IBinaryFloatingPointIeee754<T> => AddDown(a, -b);

    /// <summary>Upper bound of a − b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SubUp<T>(T a, T b) where T : IBinaryFloatingPointIeee754<T> => AddUp(a, -b);

    /// <summary>Lower bound of a · b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MulDown<T>(T a, T b) where T : IBinaryFloatingPointIeee754<T>
    {
        if (T.IsZero(a) || T.IsZero(b)) return T.Zero; // interval convention: 0 · ∞ = 0
        var product = a * b;
        if (!T.IsFinite(product)) return T.BitDecrement(product); // +∞ → MaxValue (the exact value is ≥ it); −∞ stays
        // Tiny products: step unconditionally, except that a product that underflowed to +0 is exactly positive,
        // so +0 is already a lower bound (this keeps MulDown monotone in the exact product).
        if (T.Abs(product) < ResidualSafeMagnitude<T>()) return IsPositiveZero(product) ? product : T.BitDecrement(product);
        var residual = T.FusedMultiplyAdd(a, b, -product); // exact: a·b − product
        return residual < T.Zero ? T.BitDecrement(product) : product;
    }

    /// <summary>Upper bound of a · b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MulUp<T>(T a, T b) where T : IBinaryFloatingPointIeee754<T>
    {
        if (T.IsZero(a) || T.IsZero(b)) return T.Zero;
        var product = a * b;
        if (!T.IsFinite(product)) return T.BitIncrement(product);
        // A product that underflowed to −0 is exactly negative, so −0 is already an upper bound.
        if (T.Abs(product) < ResidualSafeMagnitude<T>()) return IsNegativeZero(product) ? product : T.BitIncrement(product);
        var residual = T.FusedMultiplyAdd(a, b, -product);
        return residual > T.Zero ? T.BitIncrement(product) : product;
    }

    /// <summary>
    /// A looser, cheaper lower bound of a · b for streaming kernels: p = fl(a·b), then fl(p − 4u·|p|) (one FMA,
    /// the product 4u·|p| exact inside it) minus η. Sound for every finite product: in the normal range
    /// a·b ≥ p(1 − u) for p &gt; 0 (≥ p(1 + u) for p &lt; 0) while fl(p − 4u|p|) ≤ p(1 − 3u) (≤ p(1 + 3u − 4u²));
    /// in the subnormal range the η step covers the absolute error η/2 (RelativeStepLemmas). At most about two
    /// ulps (plus η) below the nearest value. Non-finite products step as in <see cref="MulDown{T}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MulDownByRelativeStep<T>(T a, T b) where T : IBinaryFloatingPointIeee754<T> => StepDownProduct(a * b);

    /// <summary>
    /// The step of <see cref="MulDownByRelativeStep{T}"/> applied to a rounded product p = fl(a·b): a lower bound of
    /// a·b. The step is non-decreasing in p (p − 4u|p| is increasing, rounding to nearest and subtracting η keep the
    /// order, and −∞ ↦ −∞ and +∞ ↦ MaxValue stay at the ends), so the lower bound of the smaller of two products is
    /// the smaller of their lower bounds: min(StepDown(p), StepDown(q)) = StepDown(min(p, q)) (the result is never −0 —
    /// a sum of two values rounded to nearest is −0 only when both are — so not even a zero's sign differs) — one step instead of two where a kernel takes the minimum of corners.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T StepDownProduct<T>(T product) where T : IBinaryFloatingPointIeee754<T>
    {
        if (!T.IsFinite(product)) return T.BitDecrement(product);
        var four = T.CreateTruncating(4);
        return T.FusedMultiplyAdd(-T.Abs(product), four * ErrorBounds.UnitRoundoff<T>(), product) - T.Epsilon;
    }

    /// <summary>Upper bound of a · b by the relative step: fl(p + 4u·|p|) + η (see <see cref="MulDownByRelativeStep{T}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MulUpByRelativeStep<T>(T a, T b) where T : IBinaryFloatingPointIeee754<T> => StepUpProduct(a * b);

    /// <summary>
    /// The step of <see cref="MulUpByRelativeStep{T}"/> applied to a rounded product: non-decreasing in the product
    /// (see <see cref="StepDownProduct{T}"/>), so max(StepUp(p), StepUp(q)) = StepUp(max(p, q)).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T StepUpProduct<T>(T product) where T : IBinaryFloatingPointIeee754<T>
    {
        if (!T.IsFinite(product)) return T.BitIncrement(product);
        var four = T.CreateTruncating(4);
        return T.FusedMultiplyAdd(T.Abs(product), four * ErrorBounds.UnitRoundoff<T>(), product) + T.Epsilon;
    }

    /// <summary>Lower bound of a / b (b ≠ 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T DivDown<T>(T a, T b) where T : IBinaryFloatingPointIeee754<T>
    {
        var quotient = a / b;
        if (T.IsZero(a) || !T.IsFinite(quotient) || !T.IsFinite(b)) return quotient == T.PositiveInfinity ? T.BitDecrement(T.PositiveInfinity) : quotient;
        if (T.Abs(quotient) < ResidualSafeMagnitude<T>() || T.Abs(a) < ResidualSafeMagnitude<T>()) return T.BitDecrement(quotient);
        // a − quotient·b is exact; a/b − quotient has the sign of that residual times the sign of b.
        var residual = T.FusedMultiplyAdd(-quotient, b, a);
        return residual != T.Zero && residual < T.Zero != b < T.Zero ? T.BitDecrement(quotient) : quotient; // error sign < 0
    }

    /// <summary>Upper bound of a / b (b ≠ 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T DivUp<T>(T a, T b) where T : IBinaryFloatingPointIeee754<T>
    {
        var quotient = a / b;
        if (T.IsZero(a) || !T.IsFinite(quotient) || !T.IsFinite(b)) return quotient == T.NegativeInfinity ? T.BitIncrement(T.NegativeInfinity) : quotient;
        if (T.Abs(quotient) < ResidualSafeMagnitude<T>() || T.Abs(a) < ResidualSafeMagnitude<T>()) return T.BitIncrement(quotient);
        var residual = T.FusedMultiplyAdd(-quotient, b, a);
        return residual != T.Zero && residual < T.Zero == b < T.Zero ? T.BitIncrement(quotient) : quotient; // error sign > 0
    }

    /// <summary>Lower bound of √a (a ≥ 0).</summary>
    public static T SqrtDown<T>(T a) where T : IBinaryFloatingPointIeee754<T>
    {
        var root = T.Sqrt(a);
        if (T.IsZero(a) || !T.IsFinite(root)) return root;
        if (a < ResidualSafeMagnitude<T>()) return T.Max(T.Zero, T.BitDecrement(root));
        var residual = T.FusedMultiplyAdd(-root, root, a); // a − root², exact
        return residual < T.Zero ? T.BitDecrement(root) : root;
    }

    /// <summary>Upper bound of √a (a ≥ 0).</summary>
    public static T SqrtUp<T>(T a) where T : IBinaryFloatingPointIeee754<T>
    {
        var root = T.Sqrt(a);
        if (T.IsZero(a) || !T.IsFinite(root)) return root;
        if (a < ResidualSafeMagnitude<T>()) return T.BitIncrement(root);
        var residual = T.FusedMultiplyAdd(-root, root, a);
        return residual > T.Zero ? T.BitIncrement(root) : root;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsPositiveZero<T>(T x) where T : IBinaryFloatingPointIeee754<T> => T.IsZero(x) && T.IsPositive(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsNegativeZero<T>(T x) where T : IBinaryFloatingPointIeee754<T> => T.IsZero(x) && T.IsNegative(x);

    /// <summary>
    /// The rounding error (a + b) − fl(a + b) of a finite sum (so finite operands), from Knuth's TwoSum, which is
    /// exact in binary floating point for finite operands and results, subnormals included; its sign (compared with
    /// zero: never NaN here) says on which side of the exact sum the rounded one lies.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T SumError<T>(T a, T b, T sum) where T : IBinaryFloatingPointIeee754<T>
    {
        var bVirtual = sum - a;
        var aVirtual = sum - bVirtual;
        return (a - aVirtual) + (b - bVirtual);
    }
}
