using System.Numerics;

namespace PoisonCert.Kernels;

/// <summary>
/// Exact sign-case interval outer products: out[o, i] = [column_o] ⊗ [row_i] (m×n, row-major), each entry the
/// hull of the four corner products rounded outward. This is the per-sample weight gradient of a dense layer
/// (output-gradient box ⊗ input box). Contains every product of members (DirectedRoundingLemmas).
/// </summary>
public static class IntervalOuterProduct
{
    /// <summary>out = column ⊗ row.</summary>
    public static void Compute<T>(ReadOnlySpan<T> columnLower, ReadOnlySpan<T> columnUpper, ReadOnlySpan<T> rowLower, ReadOnlySpan<T> rowUpper,
        Span<T> lower, Span<T> upper, KernelPath path = KernelPath.Automatic) where T : IBinaryFloatingPointIeee754<T>
    {
        CheckShapes(columnLower.Length, columnUpper.Length, rowLower.Length, rowUpper.Length, lower.Length, upper.Length);
        var n = rowLower.Length;
        for (var o = 0; o < columnLower.Length; o++)
            IntervalKernelDriver.Unary(new SignedScaleOperator<T>(columnLower[o], columnUpper[o]), rowLower, rowUpper,
                lower.Slice(o * n, n), upper.Slice(o * n, n), path);
    }

    /// <summary>accumulator += column ⊗ row, every addition rounded outward (sums of per-sample gradients).</summary>
    public static void Accumulate<T>(ReadOnlySpan<T> columnLower, ReadOnlySpan<T> columnUpper, ReadOnlySpan<T> rowLower, ReadOnlySpan<T> rowUpper,
        Span<T> accumulatorLower, Span<T> accumulatorUpper, KernelPath path = KernelPath.Automatic) where T : IBinaryFloatingPointIeee754<T>
    {
        CheckShapes(columnLower.Length, columnUpper.Length, rowLower.Length, rowUpper.Length, accumulatorLower.Length, accumulatorUpper.Length);
        var n = rowLower.Length;
        for (var o = 0; o < columnLower.Length; o++)
            DirectedProductLoops.AccumulateScaledRow(columnLower[o], columnUpper[o], rowLower, rowUpper,
                accumulatorLower.Slice(o * n, n), accumulatorUpper.Slice(o * n, n), path);
    }

    private static void CheckShapes(int columnLower, int columnUpper, int rowLower, int rowUpper, int lower, int upper)
    {
        Check.SameLength(columnLower, columnUpper, "columnUpper");
        Check.SameLength(rowLower, rowUpper, "rowUpper");
        Check.SameLength(columnLower * rowLower, lower, "lower");
        Check.SameLength(columnLower * rowLower, upper, "upper");
    }
}
