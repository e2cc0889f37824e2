using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using PoisonCert.Numerics;

namespace PoisonCert.Kernels;

/// <summary>
/// Directed-rounding addition and multiplication on whole vectors, lane for lane identical to
/// <see cref="Rounding.AddDown{T}"/>, <see cref="Rounding.AddUp{T}"/>, <see cref="Rounding.MulDown{T}"/> and
/// <see cref="Rounding.MulUp{T}"/> (the kernel tests compare them bit for bit):
/// <list type="bullet">
/// <item>sums: round to nearest; TwoSum's exact error says whether the exact sum is below (step down) or above
/// (step up); a non-finite sum is always stepped (+∞ → MaxValue on the way down);</item>
/// <item>products: a zero factor gives +0 (the interval convention 0·∞ = 0); otherwise round to nearest and step
/// outward unless the FMA residual a·b − p, exact when |p| ≥ 2^(emin+2p), shows the rounded value is already on
/// the safe side.</item>
/// </list>
/// Soundness: round to nearest is within half an ulp, so one step outward encloses the exact result (proved in
/// proofs/PoisonCert.Proofs, DirectedRoundingLemmas).
/// </summary>
public static class VectorDirectedRounding
{
    // ---- Vector512<T> ----

    /// <summary>Lane-wise <see cref="Rounding.MulDownByRelativeStep{T}"/>, identical bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MulDownByRelativeStep<T>(Vector512<T> a, Vector512<T> b) where T : IBinaryFloatingPointIeee754<T> => StepDownProduct(a * b);

    /// <summary>Lane-wise <see cref="Rounding.StepDownProduct{T}"/>, identical bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> StepDownProduct<T>(Vector512<T> product) where T : IBinaryFloatingPointIeee754<T>
    {
        var step = Vector512.Create(T.CreateTruncating(4) * ErrorBounds.UnitRoundoff<T>());
        var stepped = Fma(-Vector512.Abs(product), step, product) - Vector512.Create(T.Epsilon);
        // −∞ already steps to −∞; +∞ (an overflowed finite product) would give NaN and becomes MaxValue.
        var positiveInfinity = Vector512.Create(T.PositiveInfinity);
        return Vector512.ConditionalSelect(Vector512.Equals(product, positiveInfinity), Vector512.Create(Finite<T>.Max), stepped);
    }

    /// <summary>Lane-wise <see cref="Rounding.MulUpByRelativeStep{T}"/>, identical bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MulUpByRelativeStep<T>(Vector512<T> a, Vector512<T> b) where T : IBinaryFloatingPointIeee754<T> => StepUpProduct(a * b);

    /// <summary>Lane-wise <see cref="Rounding.StepUpProduct{T}"/>, identical bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> StepUpProduct<T>(Vector512<T> product) where T : IBinaryFloatingPointIeee754<T>
    {
        var step = Vector512.Create(T.CreateTruncating(4) * ErrorBounds.UnitRoundoff<T>());
        var stepped = Fma(Vector512.Abs(product), step, product) + Vector512.Create(T.Epsilon);
        var negativeInfinity = Vector512.Create(T.NegativeInfinity);
        return Vector512.ConditionalSelect(Vector512.Equals(product, negativeInfinity), Vector512.Create(-Finite<T>.Max), stepped);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> IsPositiveZero<T>(Vector512<T> x) where T : IBinaryFloatingPointIeee754<T>
        => Vector512.Equals(x, Vector512<T>.Zero) & ~Vector512.IsNegative(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> IsNegativeZero<T>(Vector512<T> x) where T : IBinaryFloatingPointIeee754<T>
        => Vector512.Equals(x, Vector512<T>.Zero) & Vector512.IsNegative(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c) where T : IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        throw new NotSupportedException(typeof(T).Name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> AddDown<T>(Vector512<T> a, Vector512<T> b) where T : IBinaryFloatingPointIeee754<T>
    {
        var sum = a + b;
        var step = ~Vector512.IsFinite(sum) | Vector512.LessThan(TwoSumError(a, b, sum), Vector512<T>.Zero);
        return Vector512.ConditionalSelect(step, VectorRounding.NextDown(sum), sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> AddUp<T>(Vector512<T> a, Vector512<T> b) where T : IBinaryFloatingPointIeee754<T>
    {
        var sum = a + b;
        var step = ~Vector512.IsFinite(sum) | Vector512.GreaterThan(TwoSumError(a, b, sum), Vector512<T>.Zero);
        return Vector512.ConditionalSelect(step, VectorRounding.NextUp(sum), sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MulDown<T>(Vector512<T> a, Vector512<T> b) where T : IBinaryFloatingPointIeee754<T>
    {
        var product = a * b;
        var residual = Fma(a, b, -product);
        var step = ~Vector512.IsFinite(product)
            | Vector512.LessThan(Vector512.Abs(product), Vector512.Create(Rounding.ResidualSafeMagnitude<T>()))
            | Vector512.LessThan(residual, Vector512<T>.Zero);
        // A product that underflowed to +0 is exactly positive: +0 is already a lower bound.
        step &= ~IsPositiveZero(product);
        var result = Vector512.ConditionalSelect(step, VectorRounding.NextDown(product), product);
        var zero = Vector512.Equals(a, Vector512<T>.Zero) | Vector512.Equals(b, Vector512<T>.Zero);
        return Vector512.ConditionalSelect(zero, Vector512<T>.Zero, result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MulUp<T>(Vector512<T> a, Vector512<T> b) where T : IBinaryFloatingPointIeee754<T>
    {
        var product = a * b;
        var residual = Fma(a, b, -product);
        var step = ~Vector512.IsFinite(product)
            | Vector512.LessThan(Vector512.Abs(product), Vector512.Create(Rounding.ResidualSafeMagnitude<T>()))
            | Vector512.GreaterThan(residual, Vector512<T>.Zero);
        // A product that underflowed to −0 is exactly negative: −0 is already an upper bound.
        step &= ~IsNegativeZero(product);
        var result = Vector512.ConditionalSelect(step, VectorRounding.NextUp(product), product);
        var zero = Vector512.Equals(a, Vector512<T>.Zero) | Vector512.Equals(b, Vector512<T>.Zero);
        return Vector512.ConditionalSelect(zero, Vector512<T>.Zero, result);
    }

    /// <summary>Lane-wise <see cref="Rounding.DivDown{T}"/>(a, b) for a finite b &gt; 0, identical bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> DivDownByPositive<T>(Vector512<T> a, T b) where T : IBinaryFloatingPointIeee754<T>
    {
        var divisor = Vector512.Create(b);
        var quotient = a / divisor;
        var safe = Vector512.Create(Rounding.ResidualSafeMagnitude<T>());
        // a − quotient·b is exact away from underflow; with b > 0, a/b < quotient exactly when it is negative.
        var step = Vector512.LessThan(Fma(-quotient, divisor, a), Vector512<T>.Zero)
            | Vector512.LessThan(Vector512.Abs(quotient), safe) | Vector512.LessThan(Vector512.Abs(a), safe);
        var result = Vector512.ConditionalSelect(step, VectorRounding.NextDown(quotient), quotient);
        // Zero and non-finite quotients are returned as they are, except +∞ (an overflow), which becomes MaxValue.
        var special = Vector512.Equals(a, Vector512<T>.Zero) | ~Vector512.IsFinite(quotient);
        var specialValue = Vector512.ConditionalSelect(Vector512.Equals(quotient, Vector512.Create(T.PositiveInfinity)),
            Vector512.Create(Finite<T>.Max), quotient);
        return Vector512.ConditionalSelect(special, specialValue, result);
    }

    /// <summary>Lane-wise <see cref="Rounding.DivUp{T}"/>(a, b) for a finite b &gt; 0, identical bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> DivUpByPositive<T>(Vector512<T> a, T b) where T : IBinaryFloatingPointIeee754<T>
    {
        var divisor = Vector512.Create(b);
        var quotient = a / divisor;
        var safe = Vector512.Create(Rounding.ResidualSafeMagnitude<T>());
        var step = Vector512.GreaterThan(Fma(-quotient, divisor, a), Vector512<T>.Zero)
            | Vector512.LessThan(Vector512.Abs(quotient), safe) | Vector512.LessThan(Vector512.Abs(a), safe);
        var result = Vector512.ConditionalSelect(step, VectorRounding.NextUp(quotient), quotient);
        var special = Vector512.Equals(a, Vector512<T>.Zero) | ~Vector512.IsFinite(quotient);
        var specialValue = Vector512.ConditionalSelect(Vector512.Equals(quotient, Vector512.Create(T.NegativeInfinity)),
            Vector512.Create(-Finite<T>.Max), quotient);
        return Vector512.ConditionalSelect(special, specialValue, result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> TwoSumError<T>(Vector512<T> a, Vector512<T> b, Vector512<T> sum) where T : IBinaryFloatingPointIeee754<T>
    {
        var bVirtual = sum - a;
        var aVirtual = sum - bVirtual;
        return (a - aVirtual) + (b - bVirtual);
    }

    // ---- Vector256<T> ----

    /// <summary>Lane-wise <see cref="Rounding.MulDownByRelativeStep{T}"/>, identical bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MulDownByRelativeStep<T>(Vector256<T> a, Vector256<T> b) where T : IBinaryFloatingPointIeee754<T> => StepDownProduct(a * b);

    /// <summary>Lane-wise <see cref="Rounding.StepDownProduct{T}"/>, identical bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> StepDownProduct<T>(Vector256<T> product) where T : IBinaryFloatingPointIeee754<T>
    {
        var step = Vector256.Create(T.CreateTruncating(4) * ErrorBounds.UnitRoundoff<T>());
        var stepped = Fma(-Vector256.Abs(product), step, product) - Vector256.Create(T.Epsilon);
        // −∞ already steps to −∞; +∞ (an overflowed finite product) would give NaN and becomes MaxValue.
        var positiveInfinity = Vector256.Create(T.PositiveInfinity);
        return Vector256.ConditionalSelect(Vector256.Equals(product, positiveInfinity), Vector256.Create(Finite<T>.Max), stepped);
    }

    /// <summary>Lane-wise <see cref="Rounding.MulUpByRelativeStep{T}"/>, identical bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MulUpByRelativeStep<T>(Vector256<T> a, Vector256<T> b) where T : IBinaryFloatingPointIeee754<T> => StepUpProduct(a * b);

    /// <summary>Lane-wise <see cref="Rounding.StepUpProduct{T}"/>, identical bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> StepUpProduct<T>(Vector256<T> product) where T : IBinaryFloatingPointIeee754<T>
    {
        var step = Vector256.Create(T.CreateTruncating(4) * ErrorBounds.UnitRoundoff<T>());
        var stepped = Fma(Vector256.Abs(product), step, product) + Vector256.Create(T.Epsilon);
        var negativeInfinity = Vector256.Create(T.NegativeInfinity);
        return Vector256.ConditionalSelect(Vector256.Equals(product, negativeInfinity), Vector256.Create(-Finite<T>.Max), stepped);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> IsPositiveZero<T>(Vector256<T> x) where T : IBinaryFloatingPointIeee754<T>
        => Vector256.Equals(x, Vector256<T>.Zero) & ~Vector256.IsNegative(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> IsNegativeZero<T>(Vector256<T> x) where T : IBinaryFloatingPointIeee754<T>
        => Vector256.Equals(x, Vector256<T>.Zero) & Vector256.IsNegative(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        throw new NotSupportedException(typeof(T).Name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> AddDown<T>(Vector256<T> a, Vector256<T> b) where T : IBinaryFloatingPointIeee754<T>
    {
        var sum = a + b;
        var step = ~Vector256.IsFinite(sum) | Vector256.LessThan(TwoSumError(a, b, sum), Vector256<T>.Zero);
        return Vector256.ConditionalSelect(step, VectorRounding.NextDown(sum), sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> AddUp<T>(Vector256<T> a, Vector256<T> b) where T : IBinaryFloatingPointIeee754<T>
    {
        var sum = a + b;
        var step = ~Vector256.IsFinite(sum) | Vector256.GreaterThan(TwoSumError(a, b, sum), Vector256<T>.Zero);
        return Vector256.ConditionalSelect(step, VectorRounding.NextUp(sum), sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MulDown<T>(Vector256<T> a, Vector256<T> b) where T : IBinaryFloatingPointIeee754<T>
    {
        var product = a * b;
        var residual = Fma(a, b, -product);
        var step = ~Vector256.IsFinite(product)
            | Vector256.LessThan(Vector256.Abs(product), Vector256.Create(Rounding.ResidualSafeMagnitude<T>()))
            | Vector256.LessThan(residual, Vector256<T>.Zero);
        // A product that underflowed to +0 is exactly positive: +0 is already a lower bound.
        step &= ~IsPositiveZero(product);
        var result = Vector256.ConditionalSelect(step, VectorRounding.NextDown(product), product);
        var zero = Vector256.Equals(a, Vector256<T>.Zero) | Vector256.Equals(b, Vector256<T>.Zero);
        return Vector256.ConditionalSelect(zero, Vector256<T>.Zero, result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MulUp<T>(Vector256<T> a, Vector256<T> b) where T : IBinaryFloatingPointIeee754<T>
    {
        var product = a * b;
        var residual = Fma(a, b, -product);
        var step = ~Vector256.IsFinite(product)
            | Vector256.LessThan(Vector256.Abs(product), Vector256.Create(Rounding.ResidualSafeMagnitude<T>()))
            | Vector256.GreaterThan(residual, Vector256<T>.Zero);
        // A product that underflowed to −0 is exactly negative: −0 is already an upper bound.
        step &= ~IsNegativeZero(product);
        var result = Vector256.ConditionalSelect(step, VectorRounding.NextUp(product), product);
        var zero = Vector256.Equals(a, Vector256<T>.Zero) | Vector256.Equals(b, Vector256<T>.Zero);
        return Vector256.ConditionalSelect(zero, Vector256<T>.Zero, result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> TwoSumError<T>(Vector256<T> a, Vector256<T> b, Vector256<T> sum) where T : IBinaryFloatingPointIeee754<T>
    {
        var bVirtual = sum - a;
        var aVirtual = sum - bVirtual;
        return (a - aVirtual) + (b - bVirtual);
    }

    // ---- Vector128<T> ----

    /// <summary>Lane-wise <see cref="Rounding.MulDownByRelativeStep{T}"/>, identical bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MulDownByRelativeStep<T>(Vector128<T> a, Vector128<T> b) where T : IBinaryFloatingPointIeee754<T> => StepDownProduct(a * b);

    /// <summary>Lane-wise <see cref="Rounding.StepDownProduct{T}"/>, identical bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> StepDownProduct<T>(Vector128<T> product) where T : IBinaryFloatingPointIeee754<T>
    {
        var step = Vector128.Create(T.CreateTruncating(4) * ErrorBounds.UnitRoundoff<T>());
        var stepped = Fma(-Vector128.Abs(product), step, product) - Vector128.Create(T.Epsilon);
        // −∞ already steps to −∞; +∞ (an overflowed finite product) would give NaN and becomes MaxValue.
        var positiveInfinity = Vector128.Create(T.PositiveInfinity);
        return Vector128.ConditionalSelect(Vector128.Equals(product, positiveInfinity), Vector128.Create(Finite<T>.Max), stepped);
    }

    /// <summary>Lane-wise <see cref="Rounding.MulUpByRelativeStep{T}"/>, identical bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MulUpByRelativeStep<T>(Vector128<T> a, Vector128<T> b) where T : IBinaryFloatingPointIeee754<T> => StepUpProduct(a * b);

    /// <summary>Lane-wise <see cref="Rounding.StepUpProduct{T}"/>, identical bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> StepUpProduct<T>(Vector128<T> product) where T : IBinaryFloatingPointIeee754<T>
    {
        var step = Vector128.Create(T.CreateTruncating(4) * ErrorBounds.UnitRoundoff<T>());
        var stepped = Fma(Vector128.Abs(product), step, product) + Vector128.Create(T.Epsilon);
        var negativeInfinity = Vector128.Create(T.NegativeInfinity);
        return Vector128.ConditionalSelect(Vector128.Equals(product, negativeInfinity), Vector128.Create(-Finite<T>.Max), stepped);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> IsPositiveZero<T>(Vector128<T> x) where T : IBinaryFloatingPointIeee754<T>
        => Vector128.Equals(x, Vector128<T>.Zero) & ~Vector128.IsNegative(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> IsNegativeZero<T>(Vector128<T> x) where T : IBinaryFloatingPointIeee754<T>
        => Vector128.Equals(x, Vector128<T>.Zero) & Vector128.IsNegative(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Fma<T>(Vector128<T> a, Vector128<T> b, Vector128<T> c) where T : IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) return Vector128.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector128.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        throw new NotSupportedException(typeof(T).Name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> AddDown<T>(Vector128<T> a, Vector128<T> b) where T : IBinaryFloatingPointIeee754<T>
    {
        var sum = a + b;
        var step = ~Vector128.IsFinite(sum) | Vector128.LessThan(TwoSumError(a, b, sum), Vector128<T>.Zero);
        return Vector128.ConditionalSelect(step, VectorRounding.NextDown(sum), sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> AddUp<T>(Vector128<T> a, Vector128<T> b) where T : IBinaryFloatingPointIeee754<T>
    {
        var sum = a + b;
        var step = ~Vector128.IsFinite(sum) | Vector128.GreaterThan(TwoSumError(a, b, sum), Vector128<T>.Zero);
        return Vector128.ConditionalSelect(step, VectorRounding.NextUp(sum), sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MulDown<T>(Vector128<T> a, Vector128<T> b) where T : IBinaryFloatingPointIeee754<T>
    {
        var product = a * b;
        var residual = Fma(a, b, -product);
        var step = ~Vector128.IsFinite(product)
            | Vector128.LessThan(Vector128.Abs(product), Vector128.Create(Rounding.ResidualSafeMagnitude<T>()))
            | Vector128.LessThan(residual, Vector128<T>.Zero);
        // A product that underflowed to +0 is exactly positive: +0 is already a lower bound.
        step &= ~IsPositiveZero(product);
        var result = Vector128.ConditionalSelect(step, VectorRounding.NextDown(product), product);
        var zero = Vector128.Equals(a, Vector128<T>.Zero) | Vector128.Equals(b, Vector128<T>.Zero);
        return Vector128.ConditionalSelect(zero, Vector128<T>.Zero, result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MulUp<T>(Vector128<T> a, Vector128<T> b) where T : IBinaryFloatingPointIeee754<T>
    {
        var product = a * b;
        var residual = Fma(a, b, -product);
        var step = ~Vector128.IsFinite(product)
            | Vector128.LessThan(Vector128.Abs(product), Vector128.Create(Rounding.ResidualSafeMagnitude<T>()))
            | Vector128.GreaterThan(residual, Vector128<T>.Zero);
        // A product that underflowed to −0 is exactly negative: −0 is already an upper bound.
        step &= ~IsNegativeZero(product);
        var result = Vector128.ConditionalSelect(step, VectorRounding.NextUp(product), product);
        var zero = Vector128.Equals(a, Vector128<T>.Zero) | Vector128.Equals(b, Vector128<T>.Zero);
        return Vector128.ConditionalSelect(zero, Vector128<T>.Zero, result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> TwoSumError<T>(Vector128<T> a, Vector128<T> b, Vector128<T> sum) where T : IBinaryFloatingPointIeee754<T>
    {
        var bVirtual = sum - a;
        var aVirtual = sum - bVirtual;
        return (a - aVirtual) + (b - bVirtual);
    }
}

/// <summary>The largest finite value of T, BitDecrement(+∞), read once (a constant to the optimising JIT).</summary>
internal static class Finite<T> where T : IBinaryFloatingPointIeee754<T>
{
    public static readonly T Max = T.BitDecrement(T.PositiveInfinity);
}
