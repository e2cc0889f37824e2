using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using PoisonCert.Numerics;
using static PoisonCert.Kernels.VectorDirectedRounding;

namespace PoisonCert.Kernels;

/// <summary>
/// Exact sign-case product: the hull of the four corner products, each rounded outward. Contains x·y for every
/// x ∈ [a], y ∈ [b] (DirectedRoundingLemmas.IntervalProduct_SignCaseWithOutwardRounding_ContainsEveryProduct) and is
/// the tightest enclosure up to the outward step.
/// </summary>
internal readonly struct IntervalMultiplyOperator<T> : IIntervalBinaryOperator<T> where T : IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(T aLower, T aUpper, T bLower, T bUpper, out T lower, out T upper)
    {
        lower = T.Min(T.Min(Rounding.MulDown(aLower, bLower), Rounding.MulDown(aLower, bUpper)),
                      T.Min(Rounding.MulDown(aUpper, bLower), Rounding.MulDown(aUpper, bUpper)));
        upper = T.Max(T.Max(Rounding.MulUp(aLower, bLower), Rounding.MulUp(aLower, bUpper)),
                      T.Max(Rounding.MulUp(aUpper, bLower), Rounding.MulUp(aUpper, bUpper)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector512<T> aLower, Vector512<T> aUpper, Vector512<T> bLower, Vector512<T> bUpper, out Vector512<T> lower, out Vector512<T> upper)
    {
        lower = Vector512.Min(Vector512.Min(MulDown(aLower, bLower), MulDown(aLower, bUpper)),
                       Vector512.Min(MulDown(aUpper, bLower), MulDown(aUpper, bUpper)));
        upper = Vector512.Max(Vector512.Max(MulUp(aLower, bLower), MulUp(aLower, bUpper)),
                       Vector512.Max(MulUp(aUpper, bLower), MulUp(aUpper, bUpper)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector256<T> aLower, Vector256<T> aUpper, Vector256<T> bLower, Vector256<T> bUpper, out Vector256<T> lower, out Vector256<T> upper)
    {
        lower = Vector256.Min(Vector256.Min(MulDown(aLower, bLower), MulDown(aLower, bUpper)),
                       Vector256.Min(MulDown(aUpper, bLower), MulDown(aUpper, bUpper)));
        upper = Vector256.Max(Vector256.Max(MulUp(aLower, bLower), MulUp(aLower, bUpper)),
                       Vector256.Max(MulUp(aUpper, bLower), MulUp(aUpper, bUpper)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector128<T> aLower, Vector128<T> aUpper, Vector128<T> bLower, Vector128<T> bUpper, out Vector128<T> lower, out Vector128<T> upper)
    {
        lower = Vector128.Min(Vector128.Min(MulDown(aLower, bLower), MulDown(aLower, bUpper)),
                       Vector128.Min(MulDown(aUpper, bLower), MulDown(aUpper, bUpper)));
        upper = Vector128.Max(Vector128.Max(MulUp(aLower, bLower), MulUp(aLower, bUpper)),
                       Vector128.Max(MulUp(aUpper, bLower), MulUp(aUpper, bUpper)));
    }
}

/// <summary>[a]·s for a point s: the endpoints swap when s &lt; 0; each product rounded outward.</summary>
internal readonly struct IntervalScaleOperator<T>(T scale) : IIntervalUnaryOperator<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly T _scale = scale;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(T aLower, T aUpper, out T lower, out T upper)
    {
        if (T.IsNegative(_scale)) { lower = Rounding.MulDown(aUpper, _scale); upper = Rounding.MulUp(aLower, _scale); }
        else { lower = Rounding.MulDown(aLower, _scale); upper = Rounding.MulUp(aUpper, _scale); }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector512<T> aLower, Vector512<T> aUpper, out Vector512<T> lower, out Vector512<T> upper)
    {
        var scale = Vector512.Create(_scale);
        if (T.IsNegative(_scale)) { lower = MulDown(aUpper, scale); upper = MulUp(aLower, scale); }
        else { lower = MulDown(aLower, scale); upper = MulUp(aUpper, scale); }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector256<T> aLower, Vector256<T> aUpper, out Vector256<T> lower, out Vector256<T> upper)
    {
        var scale = Vector256.Create(_scale);
        if (T.IsNegative(_scale)) { lower = MulDown(aUpper, scale); upper = MulUp(aLower, scale); }
        else { lower = MulDown(aLower, scale); upper = MulUp(aUpper, scale); }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector128<T> aLower, Vector128<T> aUpper, out Vector128<T> lower, out Vector128<T> upper)
    {
        var scale = Vector128.Create(_scale);
        if (T.IsNegative(_scale)) { lower = MulDown(aUpper, scale); upper = MulUp(aLower, scale); }
        else { lower = MulDown(aLower, scale); upper = MulUp(aUpper, scale); }
    }
}

/// <summary>[a]·[s] for one interval s applied to every element: the sign-case product with s broadcast.</summary>
internal readonly struct IntervalScaleByIntervalOperator<T>(T scaleLower, T scaleUpper) : IIntervalUnaryOperator<T>
    where T : IBinaryFloatingPointIeee754<T>
{
    private readonly T _scaleLower = scaleLower, _scaleUpper = scaleUpper;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(T aLower, T aUpper, out T lower, out T upper)
        => default(IntervalMultiplyOperator<T>).Apply(aLower, aUpper, _scaleLower, _scaleUpper, out lower, out upper);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector512<T> aLower, Vector512<T> aUpper, out Vector512<T> lower, out Vector512<T> upper)
        => default(IntervalMultiplyOperator<T>).Apply(aLower, aUpper, Vector512.Create(_scaleLower), Vector512.Create(_scaleUpper), out lower, out upper);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector256<T> aLower, Vector256<T> aUpper, out Vector256<T> lower, out Vector256<T> upper)
        => default(IntervalMultiplyOperator<T>).Apply(aLower, aUpper, Vector256.Create(_scaleLower), Vector256.Create(_scaleUpper), out lower, out upper);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector128<T> aLower, Vector128<T> aUpper, out Vector128<T> lower, out Vector128<T> upper)
        => default(IntervalMultiplyOperator<T>).Apply(aLower, aUpper, Vector128.Create(_scaleLower), Vector128.Create(_scaleUpper), out lower, out upper);
}
