using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using PoisonCert.Numerics;
using static PoisonCert.Kernels.VectorDirectedRounding;

namespace PoisonCert.Kernels;

/// <summary>hull([a], [b]) = [min(aₗ, bₗ), max(aᵤ, bᵤ)]; exact. Contains both inputs.</summary>
internal readonly struct IntervalHullOperator<T> : IIntervalBinaryOperator<T> where T : IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(T aLower, T aUpper, T bLower, T bUpper, out T lower, out T upper)
    {
        lower = T.Min(aLower, bLower);
        upper = T.Max(aUpper, bUpper);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector512<T> aLower, Vector512<T> aUpper, Vector512<T> bLower, Vector512<T> bUpper, out Vector512<T> lower, out Vector512<T> upper)
    {
        lower = Vector512.Min(aLower, bLower);
        upper = Vector512.Max(aUpper, bUpper);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector256<T> aLower, Vector256<T> aUpper, Vector256<T> bLower, Vector256<T> bUpper, out Vector256<T> lower, out Vector256<T> upper)
    {
        lower = Vector256.Min(aLower, bLower);
        upper = Vector256.Max(aUpper, bUpper);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector128<T> aLower, Vector128<T> aUpper, Vector128<T> bLower, Vector128<T> bUpper, out Vector128<T> lower, out Vector128<T> upper)
    {
        lower = Vector128.Min(aLower, bLower);
        upper = Vector128.Max(aUpper, bUpper);
    }
}

/// <summary>
/// Endpoint-wise differences [SubDown(aₗ, bₗ), SubUp(aᵤ, bᵤ)]: the lower output is ≤ aₗ − bₗ and the upper ≥ aᵤ − bᵤ
/// exactly (not an interval operation: used for the aggregation's poisoned-minus-clean terms, where a ⊇ b makes
/// the lower difference ≤ 0 ≤ the upper one).
/// </summary>
internal readonly struct EndpointDifferenceOperator<T> : IIntervalBinaryOperator<T> where T : IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(T aLower, T aUpper, T bLower, T bUpper, out T lower, out T upper)
    {
        lower = Rounding.AddDown(aLower, -bLower);
        upper = Rounding.AddUp(aUpper, -bUpper);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector512<T> aLower, Vector512<T> aUpper, Vector512<T> bLower, Vector512<T> bUpper, out Vector512<T> lower, out Vector512<T> upper)
    {
        lower = AddDown(aLower, -bLower);
        upper = AddUp(aUpper, -bUpper);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector256<T> aLower, Vector256<T> aUpper, Vector256<T> bLower, Vector256<T> bUpper, out Vector256<T> lower, out Vector256<T> upper)
    {
        lower = AddDown(aLower, -bLower);
        upper = AddUp(aUpper, -bUpper);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector128<T> aLower, Vector128<T> aUpper, Vector128<T> bLower, Vector128<T> bUpper, out Vector128<T> lower, out Vector128<T> upper)
    {
        lower = AddDown(aLower, -bLower);
        upper = AddUp(aUpper, -bUpper);
    }
}

/// <summary>
/// Running sum of magnitudes: both outputs are AddUp(aᵤ, max(|bₗ|, |bᵤ|)) (a's lower endpoint is ignored), an upper
/// bound of Σ|x| over members x of the accumulated intervals (the a priori summation error term's Σ|gᵢ|).
/// </summary>
internal readonly struct MagnitudeAccumulateOperator<T> : IIntervalBinaryOperator<T> where T : IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(T aLower, T aUpper, T bLower, T bUpper, out T lower, out T upper)
    {
        var total = Rounding.AddUp(aUpper, T.Max(T.Abs(bLower), T.Abs(bUpper)));
        lower = total;
        upper = total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector512<T> aLower, Vector512<T> aUpper, Vector512<T> bLower, Vector512<T> bUpper, out Vector512<T> lower, out Vector512<T> upper)
    {
        var total = AddUp(aUpper, Vector512.Max(Vector512.Abs(bLower), Vector512.Abs(bUpper)));
        lower = total;
        upper = total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector256<T> aLower, Vector256<T> aUpper, Vector256<T> bLower, Vector256<T> bUpper, out Vector256<T> lower, out Vector256<T> upper)
    {
        var total = AddUp(aUpper, Vector256.Max(Vector256.Abs(bLower), Vector256.Abs(bUpper)));
        lower = total;
        upper = total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector128<T> aLower, Vector128<T> aUpper, Vector128<T> bLower, Vector128<T> bUpper, out Vector128<T> lower, out Vector128<T> upper)
    {
        var total = AddUp(aUpper, Vector128.Max(Vector128.Abs(bLower), Vector128.Abs(bUpper)));
        lower = total;
        upper = total;
    }
}
