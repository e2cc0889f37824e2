using System.Numerics;
using PoisonCert.Kernels;
using PoisonCert.Numerics;

namespace PoisonCert.Models;

/// <summary>
/// An upper bound of the exact value s behind a non-negative quantity x computed in round-to-nearest from
/// non-negative terms with at most m roundings on each term's path: s ≤ (x + m·η)/(1 − γ_m) (Higham (3.4) with
/// underflow; <see cref="ErrorBounds.InflateNonNegative{T}"/>). Of(x) = fl(fl(x + 2mη)·F) with
/// F ≥ 1/((1 − γ_m)(1 − u)²) rounded upward: the two roundings of Of itself lose at most (1 − u)² and η/2, which
/// the doubled η term covers. Two operations per use instead of a chain of directed ones.
/// </summary>
internal readonly struct UpwardBound<T>(T floor, T factor) where T : IBinaryFloatingPointIeee754<T>
{
    public T Of(T x) => (x + floor) * factor;

    public static UpwardBound<T> For(long m)
    {
        var u = ErrorBounds.UnitRoundoff<T>();
        var oneMinusU = Rounding.SubDown(T.One, u);
        var denominator = Rounding.MulDown(Rounding.SubDown(T.One, ErrorBounds.Gamma<T>(m)), Rounding.MulDown(oneMinusU, oneMinusU));
        return new UpwardBound<T>(Rounding.MulUp(T.CreateTruncating(2 * m), T.Epsilon), Rounding.DivUp(T.One, denominator));
    }
}

/// <summary>The <see cref="UpwardBound{T}"/> of every m up to a size, computed once.</summary>
internal sealed class UpwardTable<T>(int size) where T : IBinaryFloatingPointIeee754<T>
{
    private readonly UpwardBound<T>[] _table = [.. Enumerable.Range(0, size + 1).Select(m => UpwardBound<T>.For(m))];

    public UpwardBound<T> For(int m) => m < _table.Length ? _table[m] : UpwardBound<T>.For(m);
}

/// <summary>
/// Per-sample work split into contiguous ranges, one per worker with its own scratch: every sample is computed
/// alone, so the result is the same for any number of workers.
/// </summary>
internal static class SamplePartition
{
    public static void Run<TScratch>(int count, TScratch[] scratch, Action<int, TScratch> body)
    {
        var workers = Math.Min(scratch.Length, count);
        if (workers <= 1)
        {
            for (var i = 0; i < count; i++) body(i, scratch[0]);
            return;
        }
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var (start, end) = ((int)((long)count * w / workers), (int)((long)count * (w + 1) / workers));
            for (var i = start; i < end; i++) body(i, scratch[w]);
        });
    }
}

/// <summary>
/// Point products of the per-sample bound passes: the blocked kernel for many rows, row by row (no packing) for few.
/// Both evaluate every entry as a dot product of length k in some order, within γ_k (Higham (3.5)).
/// </summary>
internal static class FormProducts
{
    public static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n) where T : IBinaryFloatingPointIeee754<T>
    {
        if (m >= 16) PointMatMul.Multiply<T>(a, b, c, m, k, n);
        else PointMatMul.MultiplyRows<T>(a, b, c, m, k, n);
    }
}
