using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using PoisonCert.Numerics;
using static PoisonCert.Kernels.VectorDirectedRounding;

namespace PoisonCert.Kernels;

/// <summary>relu([a]) = [max(aₗ, 0), max(aᵤ, 0)]; exact (ReluLemmas.ReluBox_AnyMember_ContainsRelu).</summary>
internal readonly struct ReluOperator<T> : IIntervalUnaryOperator<T> where T : IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(T aLower, T aUpper, out T lower, out T upper)
    {
        lower = T.Max(aLower, T.Zero);
        upper = T.Max(aUpper, T.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector512<T> aLower, Vector512<T> aUpper, out Vector512<T> lower, out Vector512<T> upper)
    {
        lower = Vector512.Max(aLower, Vector512<T>.Zero);
        upper = Vector512.Max(aUpper, Vector512<T>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector256<T> aLower, Vector256<T> aUpper, out Vector256<T> lower, out Vector256<T> upper)
    {
        lower = Vector256.Max(aLower, Vector256<T>.Zero);
        upper = Vector256.Max(aUpper, Vector256<T>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector128<T> aLower, Vector128<T> aUpper, out Vector128<T> lower, out Vector128<T> upper)
    {
        lower = Vector128.Max(aLower, Vector128<T>.Zero);
        upper = Vector128.Max(aUpper, Vector128<T>.Zero);
    }
}

/// <summary>
/// The box of ReLU derivatives over a pre-activation box: [1{aₗ &gt; 0}, 1{aᵤ &gt; 0}] as 0/1 values; the
/// derivative used at x ≤ 0 is 0 (ReluLemmas.ReluDerivativeBox_AnyMember_ContainsDerivative).
/// </summary>
internal readonly struct ReluDerivativeOperator<T> : IIntervalUnaryOperator<T> where T : IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(T aLower, T aUpper, out T lower, out T upper)
    {
        lower = aLower > T.Zero ? T.One : T.Zero;
        upper = aUpper > T.Zero ? T.One : T.Zero;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector512<T> aLower, Vector512<T> aUpper, out Vector512<T> lower, out Vector512<T> upper)
    {
        lower = Vector512.ConditionalSelect(Vector512.GreaterThan(aLower, Vector512<T>.Zero), Vector512<T>.One, Vector512<T>.Zero);
        upper = Vector512.ConditionalSelect(Vector512.GreaterThan(aUpper, Vector512<T>.Zero), Vector512<T>.One, Vector512<T>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector256<T> aLower, Vector256<T> aUpper, out Vector256<T> lower, out Vector256<T> upper)
    {
        lower = Vector256.ConditionalSelect(Vector256.GreaterThan(aLower, Vector256<T>.Zero), Vector256<T>.One, Vector256<T>.Zero);
        upper = Vector256.ConditionalSelect(Vector256.GreaterThan(aUpper, Vector256<T>.Zero), Vector256<T>.One, Vector256<T>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector128<T> aLower, Vector128<T> aUpper, out Vector128<T> lower, out Vector128<T> upper)
    {
        lower = Vector128.ConditionalSelect(Vector128.GreaterThan(aLower, Vector128<T>.Zero), Vector128<T>.One, Vector128<T>.Zero);
        upper = Vector128.ConditionalSelect(Vector128.GreaterThan(aUpper, Vector128<T>.Zero), Vector128<T>.One, Vector128<T>.Zero);
    }
}

/// <summary>clamp([a], lo, hi) = [min(max(aₗ, lo), hi), min(max(aᵤ, lo), hi)]; clamping is monotone, so exact.</summary>
internal readonly struct ClampOperator<T>(T low, T high) : IIntervalUnaryOperator<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly T _low = low, _high = high;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(T aLower, T aUpper, out T lower, out T upper)
    {
        lower = T.Min(T.Max(aLower, _low), _high);
        upper = T.Min(T.Max(aUpper, _low), _high);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector512<T> aLower, Vector512<T> aUpper, out Vector512<T> lower, out Vector512<T> upper)
    {
        lower = Vector512.Min(Vector512.Max(aLower, Vector512.Create(_low)), Vector512.Create(_high));
        upper = Vector512.Min(Vector512.Max(aUpper, Vector512.Create(_low)), Vector512.Create(_high));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector256<T> aLower, Vector256<T> aUpper, out Vector256<T> lower, out Vector256<T> upper)
    {
        lower = Vector256.Min(Vector256.Max(aLower, Vector256.Create(_low)), Vector256.Create(_high));
        upper = Vector256.Min(Vector256.Max(aUpper, Vector256.Create(_low)), Vector256.Create(_high));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector128<T> aLower, Vector128<T> aUpper, out Vector128<T> lower, out Vector128<T> upper)
    {
        lower = Vector128.Min(Vector128.Max(aLower, Vector128.Create(_low)), Vector128.Create(_high));
        upper = Vector128.Min(Vector128.Max(aUpper, Vector128.Create(_low)), Vector128.Create(_high));
    }
}
