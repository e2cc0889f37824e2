using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace PoisonCert.Kernels;

/// <summary>
/// One-ulp outward steps on whole vectors, the SIMD counterpart of <see cref="Numerics.Rounding.NextUp{T}"/> and
/// <see cref="Numerics.Rounding.NextDown{T}"/>. Kernels compute each endpoint to nearest and then step it outward
/// with these; since round-to-nearest is off by at most half an ulp, the stepped value is on the safe side.
/// <para>
/// Bit trick: IEEE values of one sign are ordered like their bit patterns read as sign-magnitude integers, so
/// moving up is +1 on the integer for positive values and −1 for negative ones; ±0 moves to ±η (the smallest
/// subnormal); +∞ stays +∞ on the way up and −∞ stays −∞ on the way down; the step from the opposite infinity
/// lands on ∓MaxValue. NaN lanes stay NaN.
/// </para>
/// <para>Supported element types: float and double.</para>
/// </summary>
public static class VectorRounding
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> NextUp<T>(Vector512<T> x) where T : IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) return NextUpSingle(x.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return NextUpDouble(x.AsDouble()).As<double, T>();
        throw new NotSupportedException(typeof(T).Name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> NextDown<T>(Vector512<T> x) where T : IBinaryFloatingPointIeee754<T>
        => -NextUp(-x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> NextUp<T>(Vector256<T> x) where T : IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) return NextUpSingle(x.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return NextUpDouble(x.AsDouble()).As<double, T>();
        throw new NotSupportedException(typeof(T).Name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> NextDown<T>(Vector256<T> x) where T : IBinaryFloatingPointIeee754<T>
        => -NextUp(-x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> NextUp<T>(Vector128<T> x) where T : IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) return NextUpSingle(x.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return NextUpDouble(x.AsDouble()).As<double, T>();
        throw new NotSupportedException(typeof(T).Name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> NextDown<T>(Vector128<T> x) where T : IBinaryFloatingPointIeee754<T>
        => -NextUp(-x);

    // For x ≥ +0 (bits as int ≥ 0): bits + 1, except +∞ (unchanged). For x < 0 or −0 (sign bit set): bits − 1 moves
    // toward zero; −0 (0x80000000) would become the largest negative NaN pattern, so −0 maps to +η like +0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> NextUpSingle(Vector512<float> x)
    {
        var bits = x.AsInt32();
        var zeroMask = Vector512.Equals(x, Vector512<float>.Zero).AsInt32();
        var negative = Vector512.LessThan(bits, Vector512<int>.Zero);
        var stepped = bits + Vector512.ConditionalSelect(negative, Vector512<int>.AllBitsSet, Vector512<int>.One);
        stepped = Vector512.ConditionalSelect(zeroMask, Vector512<int>.One, stepped);
        var keep = Vector512.Equals(x, Vector512.Create(float.PositiveInfinity)).AsInt32() | Vector512.IsNaN(x).AsInt32();
        return Vector512.ConditionalSelect(keep, bits, stepped).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> NextUpDouble(Vector512<double> x)
    {
        var bits = x.AsInt64();
        var zeroMask = Vector512.Equals(x, Vector512<double>.Zero).AsInt64();
        var negative = Vector512.LessThan(bits, Vector512<long>.Zero);
        var stepped = bits + Vector512.ConditionalSelect(negative, Vector512<long>.AllBitsSet, Vector512<long>.One);
        stepped = Vector512.ConditionalSelect(zeroMask, Vector512<long>.One, stepped);
        var keep = Vector512.Equals(x, Vector512.Create(double.PositiveInfinity)).AsInt64() | Vector512.IsNaN(x).AsInt64();
        return Vector512.ConditionalSelect(keep, bits, stepped).AsDouble();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> NextUpSingle(Vector256<float> x)
    {
        var bits = x.AsInt32();
        var zeroMask = Vector256.Equals(x, Vector256<float>.Zero).AsInt32();
        var negative = Vector256.LessThan(bits, Vector256<int>.Zero);
        var stepped = bits + Vector256.ConditionalSelect(negative, Vector256<int>.AllBitsSet, Vector256<int>.One);
        stepped = Vector256.ConditionalSelect(zeroMask, Vector256<int>.One, stepped);
        var keep = Vector256.Equals(x, Vector256.Create(float.PositiveInfinity)).AsInt32() | Vector256.IsNaN(x).AsInt32();
        return Vector256.ConditionalSelect(keep, bits, stepped).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> NextUpDouble(Vector256<double> x)
    {
        var bits = x.AsInt64();
        var zeroMask = Vector256.Equals(x, Vector256<double>.Zero).AsInt64();
        var negative = Vector256.LessThan(bits, Vector256<long>.Zero);
        var stepped = bits + Vector256.ConditionalSelect(negative, Vector256<long>.AllBitsSet, Vector256<long>.One);
        stepped = Vector256.ConditionalSelect(zeroMask, Vector256<long>.One, stepped);
        var keep = Vector256.Equals(x, Vector256.Create(double.PositiveInfinity)).AsInt64() | Vector256.IsNaN(x).AsInt64();
        return Vector256.ConditionalSelect(keep, bits, stepped).AsDouble();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> NextUpSingle(Vector128<float> x)
    {
        var bits = x.AsInt32();
        var zeroMask = Vector128.Equals(x, Vector128<float>.Zero).AsInt32();
        var negative = Vector128.LessThan(bits, Vector128<int>.Zero);
        var stepped = bits + Vector128.ConditionalSelect(negative, Vector128<int>.AllBitsSet, Vector128<int>.One);
        stepped = Vector128.ConditionalSelect(zeroMask, Vector128<int>.One, stepped);
        var keep = Vector128.Equals(x, Vector128.Create(float.PositiveInfinity)).AsInt32() | Vector128.IsNaN(x).AsInt32();
        return Vector128.ConditionalSelect(keep, bits, stepped).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> NextUpDouble(Vector128<double> x)
    {
        var bits = x.AsInt64();
        var zeroMask = Vector128.Equals(x, Vector128<double>.Zero).AsInt64();
        var negative = Vector128.LessThan(bits, Vector128<long>.Zero);
        var stepped = bits + Vector128.ConditionalSelect(negative, Vector128<long>.AllBitsSet, Vector128<long>.One);
        stepped = Vector128.ConditionalSelect(zeroMask, Vector128<long>.One, stepped);
        var keep = Vector128.Equals(x, Vector128.Create(double.PositiveInfinity)).AsInt64() | Vector128.IsNaN(x).AsInt64();
        return Vector128.ConditionalSelect(keep, bits, stepped).AsDouble();
    }
}
