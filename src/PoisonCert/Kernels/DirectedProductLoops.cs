using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using PoisonCert.Numerics;
using static PoisonCert.Kernels.VectorDirectedRounding;

namespace PoisonCert.Kernels;

/// <summary>
/// The two loops behind the exact-form interval products, each fully directed (no a priori term):
/// <list type="bullet">
/// <item><see cref="AccumulateScaledRow{T}"/>: acc += [s] ⊗ row, element-wise — the sign-case product of the
/// broadcast interval s with each row element, then an outward-rounded addition (rows of outer products, of
/// Wᵀ·δ, and of exact matrix products);</item>
/// <item><see cref="Dot{T}"/>: Σᵢ [aᵢ] ⊗ [bᵢ] — SIMD lanes accumulate partial sums with outward rounding and are
/// reduced lane by lane with outward rounding (rows of W·x).</item>
/// </list>
/// Every operation rounds outward, so the results enclose the exact ones for every member choice in any order;
/// the scalar and vector paths of <see cref="AccumulateScaledRow{T}"/> give identical bits (same operations per
/// element), while <see cref="Dot{T}"/>'s bits depend on the width (a different summation order), each sound.
/// </summary>
internal static class DirectedProductLoops
{
    public static void AccumulateScaledRow<T>(T scaleLower, T scaleUpper, ReadOnlySpan<T> rowLower, ReadOnlySpan<T> rowUpper,
        Span<T> accumulatorLower, Span<T> accumulatorUpper, KernelPath path) where T : IBinaryFloatingPointIeee754<T>
    {
        var n = rowLower.Length;
        ref var rl = ref MemoryMarshal.GetReference(rowLower);
        ref var ru = ref MemoryMarshal.GetReference(rowUpper);
        ref var al = ref MemoryMarshal.GetReference(accumulatorLower);
        ref var au = ref MemoryMarshal.GetReference(accumulatorUpper);
        var i = 0;
        switch (KernelPaths.Resolve(path))
        {
            case KernelPath.Vector512 when n >= Vector512<T>.Count:
            {
                var sl = Vector512.Create(scaleLower);
                var su = Vector512.Create(scaleUpper);
                for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                {
                    var xl = Vector512.LoadUnsafe(ref rl, (nuint)i);
                    var xu = Vector512.LoadUnsafe(ref ru, (nuint)i);
                    var lower = Vector512.Min(Vector512.Min(MulDown(sl, xl), MulDown(sl, xu)), Vector512.Min(MulDown(su, xl), MulDown(su, xu)));
                    var upper = Vector512.Max(Vector512.Max(MulUp(sl, xl), MulUp(sl, xu)), Vector512.Max(MulUp(su, xl), MulUp(su, xu)));
                    AddDown(Vector512.LoadUnsafe(ref al, (nuint)i), lower).StoreUnsafe(ref al, (nuint)i);
                    AddUp(Vector512.LoadUnsafe(ref au, (nuint)i), upper).StoreUnsafe(ref au, (nuint)i);
                }
                break;
            }
            case KernelPath.Vector256 when n >= Vector256<T>.Count:
            {
                var sl = Vector256.Create(scaleLower);
                var su = Vector256.Create(scaleUpper);
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    var xl = Vector256.LoadUnsafe(ref rl, (nuint)i);
                    var xu = Vector256.LoadUnsafe(ref ru, (nuint)i);
                    var lower = Vector256.Min(Vector256.Min(MulDown(sl, xl), MulDown(sl, xu)), Vector256.Min(MulDown(su, xl), MulDown(su, xu)));
                    var upper = Vector256.Max(Vector256.Max(MulUp(sl, xl), MulUp(sl, xu)), Vector256.Max(MulUp(su, xl), MulUp(su, xu)));
                    AddDown(Vector256.LoadUnsafe(ref al, (nuint)i), lower).StoreUnsafe(ref al, (nuint)i);
                    AddUp(Vector256.LoadUnsafe(ref au, (nuint)i), upper).StoreUnsafe(ref au, (nuint)i);
                }
                break;
            }
            case KernelPath.Vector128 when n >= Vector128<T>.Count:
            {
                var sl = Vector128.Create(scaleLower);
                var su = Vector128.Create(scaleUpper);
                for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count)
                {
                    var xl = Vector128.LoadUnsafe(ref rl, (nuint)i);
                    var xu = Vector128.LoadUnsafe(ref ru, (nuint)i);
                    var lower = Vector128.Min(Vector128.Min(MulDown(sl, xl), MulDown(sl, xu)), Vector128.Min(MulDown(su, xl), MulDown(su, xu)));
                    var upper = Vector128.Max(Vector128.Max(MulUp(sl, xl), MulUp(sl, xu)), Vector128.Max(MulUp(su, xl), MulUp(su, xu)));
                    AddDown(Vector128.LoadUnsafe(ref al, (nuint)i), lower).StoreUnsafe(ref al, (nuint)i);
                    AddUp(Vector128.LoadUnsafe(ref au, (nuint)i), upper).StoreUnsafe(ref au, (nuint)i);
                }
                break;
            }
        }
        var multiply = default(IntervalMultiplyOperator<T>);
        for (; i < n; i++)
        {
            multiply.Apply(scaleLower, scaleUpper, Unsafe.Add(ref rl, i), Unsafe.Add(ref ru, i), out var lower, out var upper);
            Unsafe.Add(ref al, i) = Rounding.AddDown(Unsafe.Add(ref al, i), lower);
            Unsafe.Add(ref au, i) = Rounding.AddUp(Unsafe.Add(ref au, i), upper);
        }
    }

    public static (T Lower, T Upper) Dot<T>(ReadOnlySpan<T> aLower, ReadOnlySpan<T> aUpper, ReadOnlySpan<T> bLower, ReadOnlySpan<T> bUpper,
        KernelPath path) where T : IBinaryFloatingPointIeee754<T>
    {
        var n = aLower.Length;
        ref var xl = ref MemoryMarshal.GetReference(aLower);
        ref var xu = ref MemoryMarshal.GetReference(aUpper);
        ref var yl = ref MemoryMarshal.GetReference(bLower);
        ref var yu = ref MemoryMarshal.GetReference(bUpper);
        var i = 0;
        T totalLower = T.Zero, totalUpper = T.Zero;
        switch (KernelPaths.Resolve(path))
        {
            case KernelPath.Vector512 when n >= Vector512<T>.Count:
            {
                var sumLower = Vector512<T>.Zero;
                var sumUpper = Vector512<T>.Zero;
                for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                {
                    var al = Vector512.LoadUnsafe(ref xl, (nuint)i);
                    var au = Vector512.LoadUnsafe(ref xu, (nuint)i);
                    var bl = Vector512.LoadUnsafe(ref yl, (nuint)i);
                    var bu = Vector512.LoadUnsafe(ref yu, (nuint)i);
                    var lower = Vector512.Min(Vector512.Min(MulDown(al, bl), MulDown(al, bu)), Vector512.Min(MulDown(au, bl), MulDown(au, bu)));
                    var upper = Vector512.Max(Vector512.Max(MulUp(al, bl), MulUp(al, bu)), Vector512.Max(MulUp(au, bl), MulUp(au, bu)));
                    sumLower = AddDown(sumLower, lower);
                    sumUpper = AddUp(sumUpper, upper);
                }
                for (var lane = 0; lane < Vector512<T>.Count; lane++)
                {
                    totalLower = Rounding.AddDown(totalLower, sumLower.GetElement(lane));
                    totalUpper = Rounding.AddUp(totalUpper, sumUpper.GetElement(lane));
                }
                break;
            }
            case KernelPath.Vector256 when n >= Vector256<T>.Count:
            {
                var sumLower = Vector256<T>.Zero;
                var sumUpper = Vector256<T>.Zero;
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                {
                    var al = Vector256.LoadUnsafe(ref xl, (nuint)i);
                    var au = Vector256.LoadUnsafe(ref xu, (nuint)i);
                    var bl = Vector256.LoadUnsafe(ref yl, (nuint)i);
                    var bu = Vector256.LoadUnsafe(ref yu, (nuint)i);
                    var lower = Vector256.Min(Vector256.Min(MulDown(al, bl), MulDown(al, bu)), Vector256.Min(MulDown(au, bl), MulDown(au, bu)));
                    var upper = Vector256.Max(Vector256.Max(MulUp(al, bl), MulUp(al, bu)), Vector256.Max(MulUp(au, bl), MulUp(au, bu)));
                    sumLower = AddDown(sumLower, lower);
                    sumUpper = AddUp(sumUpper, upper);
                }
                for (var lane = 0; lane < Vector256<T>.Count; lane++)
                {
                    totalLower = Rounding.AddDown(totalLower, sumLower.GetElement(lane));
                    totalUpper = Rounding.AddUp(totalUpper, sumUpper.GetElement(lane));
                }
                break;
            }
            case KernelPath.Vector128 when n >= Vector128<T>.Count:
            {
                var sumLower = Vector128<T>.Zero;
                var sumUpper = Vector128<T>.Zero;
                for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count)
                {
                    var al = Vector128.LoadUnsafe(ref xl, (nuint)i);
                    var au = Vector128.LoadUnsafe(ref xu, (nuint)i);
                    var bl = Vector128.LoadUnsafe(ref yl, (nuint)i);
                    var bu = Vector128.LoadUnsafe(ref yu, (nuint)i);
                    var lower = Vector128.Min(Vector128.Min(MulDown(al, bl), MulDown(al, bu)), Vector128.Min(MulDown(au, bl), MulDown(au, bu)));
                    var upper = Vector128.Max(Vector128.Max(MulUp(al, bl), MulUp(al, bu)), Vector128.Max(MulUp(au, bl), MulUp(au, bu)));
                    sumLower = AddDown(sumLower, lower);
                    sumUpper = AddUp(sumUpper, upper);
                }
                for (var lane = 0; lane < Vector128<T>.Count; lane++)
                {
                    totalLower = Rounding.AddDown(totalLower, sumLower.GetElement(lane));
                    totalUpper = Rounding.AddUp(totalUpper, sumUpper.GetElement(lane));
                }
                break;
            }
        }
        var multiply = default(IntervalMultiplyOperator<T>);
        for (; i < n; i++)
        {
            multiply.Apply(Unsafe.Add(ref xl, i), Unsafe.Add(ref xu, i), Unsafe.Add(ref yl, i), Unsafe.Add(ref yu, i), out var lower, out var upper);
            totalLower = Rounding.AddDown(totalLower, lower);
            totalUpper = Rounding.AddUp(totalUpper, upper);
        }
        return (totalLower, totalUpper);
    }
}
