using System.Numerics;
using System.Runtime.Intrinsics;

namespace PoisonCert.Kernels;

/// <summary>
/// An interval operation on two intervals, written once per width; <see cref="IntervalKernelDriver"/> owns the loop.
/// Every width must give the same bits as the scalar form.
/// </summary>
internal interface IIntervalBinaryOperator<T> where T : IBinaryFloatingPointIeee754<T>
{
    void Apply(T aLower, T aUpper, T bLower, T bUpper, out T lower, out T upper);
    void Apply(Vector512<T> aLower, Vector512<T> aUpper, Vector512<T> bLower, Vector512<T> bUpper, out Vector512<T> lower, out Vector512<T> upper);
    void Apply(Vector256<T> aLower, Vector256<T> aUpper, Vector256<T> bLower, Vector256<T> bUpper, out Vector256<T> lower, out Vector256<T> upper);
    void Apply(Vector128<T> aLower, Vector128<T> aUpper, Vector128<T> bLower, Vector128<T> bUpper, out Vector128<T> lower, out Vector128<T> upper);
}

/// <summary>An interval operation on one interval (its parameters, if any, are fields of the struct).</summary>
internal interface IIntervalUnaryOperator<T> where T : IBinaryFloatingPointIeee754<T>
{
    void Apply(T aLower, T aUpper, out T lower, out T upper);
    void Apply(Vector512<T> aLower, Vector512<T> aUpper, out Vector512<T> lower, out Vector512<T> upper);
    void Apply(Vector256<T> aLower, Vector256<T> aUpper, out Vector256<T> lower, out Vector256<T> upper);
    void Apply(Vector128<T> aLower, Vector128<T> aUpper, out Vector128<T> lower, out Vector128<T> upper);
}
