using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using PoisonCert.Numerics;
using static PoisonCert.Kernels.VectorDirectedRounding;

namespace PoisonCert.Kernels;

/// <summary>
/// Endpoints to centre and radius: c = l/2 + u/2 (rounded to nearest; any c will do), r = max(c − l, u − c)
/// rounded upward, so [c − r, c + r] ⊇ [l, u] exactly.
/// </summary>
internal readonly struct CenterRadiusOperator<T> : IIntervalUnaryOperator<T> where T : IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(T lower, T upper, out T center, out T radius)
    {
        var half = T.CreateTruncating(0.5);
        center = lower * half + upper * half;
        radius = T.Max(Rounding.AddUp(center, -lower), Rounding.AddUp(upper, -center));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector512<T> lower, Vector512<T> upper, out Vector512<T> center, out Vector512<T> radius)
    {
        var half = Vector512.Create(T.CreateTruncating(0.5));
        center = lower * half + upper * half;
        radius = Vector512.Max(AddUp(center, -lower), AddUp(upper, -center));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector256<T> lower, Vector256<T> upper, out Vector256<T> center, out Vector256<T> radius)
    {
        var half = Vector256.Create(T.CreateTruncating(0.5));
        center = lower * half + upper * half;
        radius = Vector256.Max(AddUp(center, -lower), AddUp(upper, -center));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector128<T> lower, Vector128<T> upper, out Vector128<T> center, out Vector128<T> radius)
    {
        var half = Vector128.Create(T.CreateTruncating(0.5));
        center = lower * half + upper * half;
        radius = Vector128.Max(AddUp(center, -lower), AddUp(upper, -center));
    }
}

/// <summary>
/// The right-hand factors of the fused radius product, from B's centre and radius, both rounded upward (upper bounds
/// of the exact values): first = B_r + γ·|B_c| + ψ·(|B_c| + B_r), second = (|B_c| + B_r)·(1 + ψ), where γ covers the
/// centre product's rounding and ψ (γ_k or 0) the rounding of a float evaluation of the product of members.
/// </summary>
internal readonly struct RadiusFactorsOperator<T>(T gamma, T evaluationGamma) : IIntervalBinaryOperator<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly T _gamma = gamma, _evaluationGamma = evaluationGamma;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(T center, T radius, T unusedLower, T unusedUpper, out T first, out T second)
    {
        var magnitude = T.Abs(center);
        var bound = Rounding.AddUp(magnitude, radius);
        var evaluation = Rounding.MulUp(_evaluationGamma, bound);
        first = Rounding.AddUp(Rounding.AddUp(radius, Rounding.MulUp(_gamma, magnitude)), evaluation);
        second = Rounding.AddUp(bound, evaluation);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector512<T> center, Vector512<T> radius, Vector512<T> unusedLower, Vector512<T> unusedUpper, out Vector512<T> first, out Vector512<T> second)
    {
        var magnitude = Vector512.Abs(center);
        var bound = AddUp(magnitude, radius);
        var evaluation = MulUp(Vector512.Create(_evaluationGamma), bound);
        first = AddUp(AddUp(radius, MulUp(Vector512.Create(_gamma), magnitude)), evaluation);
        second = AddUp(bound, evaluation);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector256<T> center, Vector256<T> radius, Vector256<T> unusedLower, Vector256<T> unusedUpper, out Vector256<T> first, out Vector256<T> second)
    {
        var magnitude = Vector256.Abs(center);
        var bound = AddUp(magnitude, radius);
        var evaluation = MulUp(Vector256.Create(_evaluationGamma), bound);
        first = AddUp(AddUp(radius, MulUp(Vector256.Create(_gamma), magnitude)), evaluation);
        second = AddUp(bound, evaluation);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector128<T> center, Vector128<T> radius, Vector128<T> unusedLower, Vector128<T> unusedUpper, out Vector128<T> first, out Vector128<T> second)
    {
        var magnitude = Vector128.Abs(center);
        var bound = AddUp(magnitude, radius);
        var evaluation = MulUp(Vector128.Create(_evaluationGamma), bound);
        first = AddUp(AddUp(radius, MulUp(Vector128.Create(_gamma), magnitude)), evaluation);
        second = AddUp(bound, evaluation);
    }
}

/// <summary>
/// Final step of the midpoint-radius product, from the centre product C_c and the computed radius product P:
/// R = (P + offset)·inverse rounded upward with offset = 2k·η + k·η and inverse ≥ 1/(1 − γ_2k) (so R bounds the
/// exact radius product and the centre's underflow term, ErrorBounds.InflateNonNegative), then
/// [C_c − R, C_c + R] rounded outward.
/// </summary>
internal readonly struct MidpointRadiusEpilogueOperator<T>(T offset, T inverse) : IIntervalBinaryOperator<T>
    where T : IBinaryFloatingPointIeee754<T>
{
    private readonly T _offset = offset, _inverse = inverse;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(T center, T unusedCenter, T radiusProduct, T unusedRadius, out T lower, out T upper)
    {
        var radius = Rounding.MulUp(Rounding.AddUp(radiusProduct, _offset), _inverse);
        lower = Rounding.AddDown(center, -radius);
        upper = Rounding.AddUp(center, radius);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector512<T> center, Vector512<T> unusedCenter, Vector512<T> radiusProduct, Vector512<T> unusedRadius, out Vector512<T> lower, out Vector512<T> upper)
    {
        var radius = MulUp(AddUp(radiusProduct, Vector512.Create(_offset)), Vector512.Create(_inverse));
        lower = AddDown(center, -radius);
        upper = AddUp(center, radius);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector256<T> center, Vector256<T> unusedCenter, Vector256<T> radiusProduct, Vector256<T> unusedRadius, out Vector256<T> lower, out Vector256<T> upper)
    {
        var radius = MulUp(AddUp(radiusProduct, Vector256.Create(_offset)), Vector256.Create(_inverse));
        lower = AddDown(center, -radius);
        upper = AddUp(center, radius);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector128<T> center, Vector128<T> unusedCenter, Vector128<T> radiusProduct, Vector128<T> unusedRadius, out Vector128<T> lower, out Vector128<T> upper)
    {
        var radius = MulUp(AddUp(radiusProduct, Vector128.Create(_offset)), Vector128.Create(_inverse));
        lower = AddDown(center, -radius);
        upper = AddUp(center, radius);
    }
}
