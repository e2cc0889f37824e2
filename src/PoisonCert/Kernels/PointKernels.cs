using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PoisonCert.Kernels;

/// <summary>Point (not interval) kernels of the training program.</summary>
public static class PointKernels
{
    /// <summary>
    /// gradient[e] = z[e] &gt; 0 ? gradient[e] : +0 — the ReLU backward mask of the training program, branch-free;
    /// every path gives the same bits.
    /// </summary>
    public static void ZeroWhereNotPositive<T>(Span<T> gradient, ReadOnlySpan<T> z) where T : IBinaryFloatingPointIeee754<T>
    {
        if (gradient.Length != z.Length) throw new ArgumentException($"Expected {gradient.Length} pre-activations, got {z.Length}.", nameof(z));
        ref var g = ref MemoryMarshal.GetReference(gradient);
        ref var x = ref MemoryMarshal.GetReference(z);
        var n = gradient.Length;
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var keep = Vector512.GreaterThan(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512<T>.Zero);
                Vector512.ConditionalSelect(keep, Vector512.LoadUnsafe(ref g, (nuint)i), Vector512<T>.Zero).StoreUnsafe(ref g, (nuint)i);
            }
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var keep = Vector256.GreaterThan(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256<T>.Zero);
                Vector256.ConditionalSelect(keep, Vector256.LoadUnsafe(ref g, (nuint)i), Vector256<T>.Zero).StoreUnsafe(ref g, (nuint)i);
            }
        for (; i < n; i++) if (!(z[i] > T.Zero)) gradient[i] = T.Zero;
    }
}
