using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PoisonCert.Kernels;

/// <summary>
/// The one loop behind every element-wise interval kernel (in the manner of TensorPrimitives' operator drivers).
/// Full vectors are processed in order; the remainder is covered by one overlapping vector at the end, whose
/// inputs are read BEFORE any store, so outputs may alias inputs element for element (in place) and the tail
/// still sees the original values. Lengths shorter than a vector run the scalar form.
/// </summary>
internal static class IntervalKernelDriver
{
    public static void Binary<T, TOperator>(TOperator op, ReadOnlySpan<T> aLower, ReadOnlySpan<T> aUpper,
        ReadOnlySpan<T> bLower, ReadOnlySpan<T> bUpper, Span<T> lower, Span<T> upper, KernelPath path)
        where T : IBinaryFloatingPointIeee754<T>
        where TOperator : struct, IIntervalBinaryOperator<T>
    {
        var n = aLower.Length;
        Check.SameLength(n, aUpper.Length, nameof(aUpper));
        Check.SameLength(n, bLower.Length, nameof(bLower));
        Check.SameLength(n, bUpper.Length, nameof(bUpper));
        Check.SameLength(n, lower.Length, nameof(lower));
        Check.SameLength(n, upper.Length, nameof(upper));
        ref var al = ref MemoryMarshal.GetReference(aLower);
        ref var au = ref MemoryMarshal.GetReference(aUpper);
        ref var bl = ref MemoryMarshal.GetReference(bLower);
        ref var bu = ref MemoryMarshal.GetReference(bUpper);
        ref var rl = ref MemoryMarshal.GetReference(lower);
        ref var ru = ref MemoryMarshal.GetReference(upper);
        var i = 0;
        switch (KernelPaths.Resolve(path))
        {
            case KernelPath.Vector512 when n >= Vector512<T>.Count:
            {
                var width = Vector512<T>.Count;
                var last = (nuint)(n - width);
                op.Apply(Vector512.LoadUnsafe(ref al, last), Vector512.LoadUnsafe(ref au, last),
                    Vector512.LoadUnsafe(ref bl, last), Vector512.LoadUnsafe(ref bu, last), out var tailLower, out var tailUpper);
                for (; i <= n - width; i += width)
                {
                    op.Apply(Vector512.LoadUnsafe(ref al, (nuint)i), Vector512.LoadUnsafe(ref au, (nuint)i),
                        Vector512.LoadUnsafe(ref bl, (nuint)i), Vector512.LoadUnsafe(ref bu, (nuint)i), out var resultLower, out var resultUpper);
                    resultLower.StoreUnsafe(ref rl, (nuint)i);
                    resultUpper.StoreUnsafe(ref ru, (nuint)i);
                }
                if (i < n)
                {
                    tailLower.StoreUnsafe(ref rl, last);
                    tailUpper.StoreUnsafe(ref ru, last);
                }
                return;
            }
            case KernelPath.Vector256 when n >= Vector256<T>.Count:
            {
                var width = Vector256<T>.Count;
                var last = (nuint)(n - width);
                op.Apply(Vector256.LoadUnsafe(ref al, last), Vector256.LoadUnsafe(ref au, last),
                    Vector256.LoadUnsafe(ref bl, last), Vector256.LoadUnsafe(ref bu, last), out var tailLower, out var tailUpper);
                for (; i <= n - width; i += width)
                {
                    op.Apply(Vector256.LoadUnsafe(ref al, (nuint)i), Vector256.LoadUnsafe(ref au, (nuint)i),
                        Vector256.LoadUnsafe(ref bl, (nuint)i), Vector256.LoadUnsafe(ref bu, (nuint)i), out var resultLower, out var resultUpper);
                    resultLower.StoreUnsafe(ref rl, (nuint)i);
                    resultUpper.StoreUnsafe(ref ru, (nuint)i);
                }
                if (i < n)
                {
                    tailLower.StoreUnsafe(ref rl, last);
                    tailUpper.StoreUnsafe(ref ru, last);
                }
                return;
            }
            case KernelPath.Vector128 when n >= Vector128<T>.Count:
            {
                var width = Vector128<T>.Count;
                var last = (nuint)(n - width);
                op.Apply(Vector128.LoadUnsafe(ref al, last), Vector128.LoadUnsafe(ref au, last),
                    Vector128.LoadUnsafe(ref bl, last), Vector128.LoadUnsafe(ref bu, last), out var tailLower, out var tailUpper);
                for (; i <= n - width; i += width)
                {
                    op.Apply(Vector128.LoadUnsafe(ref al, (nuint)i), Vector128.LoadUnsafe(ref au, (nuint)i),
                        Vector128.LoadUnsafe(ref bl, (nuint)i), Vector128.LoadUnsafe(ref bu, (nuint)i), out var resultLower, out var resultUpper);
                    resultLower.StoreUnsafe(ref rl, (nuint)i);
                    resultUpper.StoreUnsafe(ref ru, (nuint)i);
                }
                if (i < n)
                {
                    tailLower.StoreUnsafe(ref rl, last);
                    tailUpper.StoreUnsafe(ref ru, last);
                }
                return;
            }
        }
        for (; i < n; i++)
        {
            op.Apply(Unsafe.Add(ref al, i), Unsafe.Add(ref au, i), Unsafe.Add(ref bl, i), Unsafe.Add(ref bu, i), out var resultLower, out var resultUpper);
            Unsafe.Add(ref rl, i) = resultLower;
            Unsafe.Add(ref ru, i) = resultUpper;
        }
    }

    public static void Unary<T, TOperator>(TOperator op, ReadOnlySpan<T> aLower, ReadOnlySpan<T> aUpper,
        Span<T> lower, Span<T> upper, KernelPath path)
        where T : IBinaryFloatingPointIeee754<T>
        where TOperator : struct, IIntervalUnaryOperator<T>
    {
        var n = aLower.Length;
        Check.SameLength(n, aUpper.Length, nameof(aUpper));
        Check.SameLength(n, lower.Length, nameof(lower));
        Check.SameLength(n, upper.Length, nameof(upper));
        ref var al = ref MemoryMarshal.GetReference(aLower);
        ref var au = ref MemoryMarshal.GetReference(aUpper);
        ref var rl = ref MemoryMarshal.GetReference(lower);
        ref var ru = ref MemoryMarshal.GetReference(upper);
        var i = 0;
        switch (KernelPaths.Resolve(path))
        {
            case KernelPath.Vector512 when n >= Vector512<T>.Count:
            {
                var width = Vector512<T>.Count;
                var last = (nuint)(n - width);
                op.Apply(Vector512.LoadUnsafe(ref al, last), Vector512.LoadUnsafe(ref au, last), out var tailLower, out var tailUpper);
                for (; i <= n - width; i += width)
                {
                    op.Apply(Vector512.LoadUnsafe(ref al, (nuint)i), Vector512.LoadUnsafe(ref au, (nuint)i), out var resultLower, out var resultUpper);
                    resultLower.StoreUnsafe(ref rl, (nuint)i);
                    resultUpper.StoreUnsafe(ref ru, (nuint)i);
                }
                if (i < n)
                {
                    tailLower.StoreUnsafe(ref rl, last);
                    tailUpper.StoreUnsafe(ref ru, last);
                }
                return;
            }
            case KernelPath.Vector256 when n >= Vector256<T>.Count:
            {
                var width = Vector256<T>.Count;
                var last = (nuint)(n - width);
                op.Apply(Vector256.LoadUnsafe(ref al, last), Vector256.LoadUnsafe(ref au, last), out var tailLower, out var tailUpper);
                for (; i <= n - width; i += width)
                {
                    op.Apply(Vector256.LoadUnsafe(ref al, (nuint)i), Vector256.LoadUnsafe(ref au, (nuint)i), out var resultLower, out var resultUpper);
                    resultLower.StoreUnsafe(ref rl, (nuint)i);
                    resultUpper.StoreUnsafe(ref ru, (nuint)i);
                }
                if (i < n)
                {
                    tailLower.StoreUnsafe(ref rl, last);
                    tailUpper.StoreUnsafe(ref ru, last);
                }
                return;
            }
            case KernelPath.Vector128 when n >= Vector128<T>.Count:
            {
                var width = Vector128<T>.Count;
                var last = (nuint)(n - width);
                op.Apply(Vector128.LoadUnsafe(ref al, last), Vector128.LoadUnsafe(ref au, last), out var tailLower, out var tailUpper);
                for (; i <= n - width; i += width)
                {
                    op.Apply(Vector128.LoadUnsafe(ref al, (nuint)i), Vector128.LoadUnsafe(ref au, (nuint)i), out var resultLower, out var resultUpper);
                    resultLower.StoreUnsafe(ref rl, (nuint)i);
                    resultUpper.StoreUnsafe(ref ru, (nuint)i);
                }
                if (i < n)
                {
                    tailLower.StoreUnsafe(ref rl, last);
                    tailUpper.StoreUnsafe(ref ru, last);
                }
                return;
            }
        }
        for (; i < n; i++)
        {
            op.Apply(Unsafe.Add(ref al, i), Unsafe.Add(ref au, i), out var resultLower, out var resultUpper);
            Unsafe.Add(ref rl, i) = resultLower;
            Unsafe.Add(ref ru, i) = resultUpper;
        }
    }
}

internal static class Check
{
    public static void SameLength(int expected, int actual, string name)
    {
        if (actual != expected)
            throw new ArgumentException($"Span '{name}' has length {actual}; every operand of this kernel must have length {expected}.", name);
    }
}
