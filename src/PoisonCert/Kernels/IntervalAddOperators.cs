using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using PoisonCert.Numerics;
using static PoisonCert.Kernels.VectorDirectedRounding;

namespace PoisonCert.Kernels;

/// <summary>[a] + [b] = [AddDown(aₗ, bₗ), AddUp(aᵤ, bᵤ)]: contains x + y for all members (DirectedRoundingLemmas).</summary>
internal readonly struct IntervalAddOperator<T> : IIntervalBinaryOperator<T> where T : IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(T aLower, T aUpper, T bLower, T bUpper, out T lower, out T upper)
    {
        lower = Rounding.AddDown(aLower, bLower);
        upper = Rounding.AddUp(aUpper, bUpper);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector512<T> aLower, Vector512<T> aUpper, Vector512<T> bLower, Vector512<T> bUpper, out Vector512<T> lower, out Vector512<T> upper)
    {
        lower = AddDown(aLower, bLower);
        upper = AddUp(aUpper, bUpper);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector256<T> aLower, Vector256<T> aUpper, Vector256<T> bLower, Vector256<T> bUpper, out Vector256<T> lower, out Vector256<T> upper)
    {
        lower = AddDown(aLower, bLower);
        upper = AddUp(aUpper, bUpper);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector128<T> aLower, Vector128<T> aUpper, Vector128<T> bLower, Vector128<T> bUpper, out Vector128<T> lower, out Vector128<T> upper)
    {
        lower = AddDown(aLower, bLower);
        upper = AddUp(aUpper, bUpper);
    }
}

/// <summary>[a] − [b] = [AddDown(aₗ, −bᵤ), AddUp(aᵤ, −bₗ)] (negation is exact).</summary>
internal readonly struct IntervalSubtractOperator<T> : IIntervalBinaryOperator<T> where T : IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(T aLower, T aUpper, T bLower, T bUpper, out T lower, out T upper)
    {
        lower = Rounding.AddDown(aLower, -bUpper);
        upper = Rounding.AddUp(aUpper, -bLower);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector512<T> aLower, Vector512<T> aUpper, Vector512<T> bLower, Vector512<T> bUpper, out Vector512<T> lower, out Vector512<T> upper)
    {
        lower = AddDown(aLower, -bUpper);
        upper = AddUp(aUpper, -bLower);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector256<T> aLower, Vector256<T> aUpper, Vector256<T> bLower, Vector256<T> bUpper, out Vector256<T> lower, out Vector256<T> upper)
    {
        lower = AddDown(aLower, -bUpper);
        upper = AddUp(aUpper, -bLower);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector128<T> aLower, Vector128<T> aUpper, Vector128<T> bLower, Vector128<T> bUpper, out Vector128<T> lower, out Vector128<T> upper)
    {
        lower = AddDown(aLower, -bUpper);
        upper = AddUp(aUpper, -bLower);
    }
}

/// <summary>−[a] = [−aᵤ, −aₗ], exact.</summary>
internal readonly struct IntervalNegateOperator<T> : IIntervalUnaryOperator<T> where T : IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(T aLower, T aUpper, out T lower, out T upper)
    {
        lower = -aUpper;
        upper = -aLower;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector512<T> aLower, Vector512<T> aUpper, out Vector512<T> lower, out Vector512<T> upper)
    {
        lower = -aUpper;
        upper = -aLower;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector256<T> aLower, Vector256<T> aUpper, out Vector256<T> lower, out Vector256<T> upper)
    {
        lower = -aUpper;
        upper = -aLower;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector128<T> aLower, Vector128<T> aUpper, out Vector128<T> lower, out Vector128<T> upper)
    {
        lower = -aUpper;
        upper = -aLower;
    }
}
