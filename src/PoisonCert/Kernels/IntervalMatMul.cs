using System.Numerics;
using System.Numerics.Tensors;
using PoisonCert.Numerics;

namespace PoisonCert.Kernels;

/// <summary>
/// Interval matrix products C ⊇ {A·B : A ∈ [A], B ∈ [B]} (row-major; A is m×k, B is k×n), in two forms.
/// </summary>
public static class IntervalMatMul
{
    /// <summary>
    /// Midpoint-radius form (Rump, "Fast and parallel interval arithmetic", BIT 39, 1999): with A = A_c ± A_r and
    /// B = B_c ± B_r,
    /// <code>
    ///   C = fl(A_c·B_c) ± R,   R ≥ |A_c|·B_r + A_r·(|B_c| + B_r) + γ_k·|A_c|·|B_c| + k·η
    /// </code>
    /// The first three terms bound |x·y − a_c·b_c| summed over the dot product (MidpointRadiusLemmas, part 1); the
    /// γ_k and k·η terms bound the rounding of the centre product in any summation order (Higham (3.5), with the
    /// underflow term). R is computed with ordinary fast products as one fused product
    /// P = [|A_c|, A_r] · [B_r + γ_k|B_c| ; |B_c| + B_r] (m×2k times 2k×n, the right factors rounded upward), then
    /// inflated: the exact value of a non-negative product of length 2k is ≤ (P + 2k·η)/(1 − γ_2k)
    /// (ErrorBounds.InflateNonNegative; MidpointRadiusLemmas, part 3). Three point products in all; up to 1.5×
    /// wider than the exact form (Rump 1999), much faster.
    /// <para>
    /// With <paramref name="coverFloatEvaluation"/> the radius also covers γ_k·|A'|·|B'| + k·η ≤ γ_k·(|A_c| + A_r)·
    /// (|B_c| + B_r) + k·η, the rounding error of ANY floating-point evaluation (any order, fused or not) of the
    /// product of members A' ∈ [A], B' ∈ [B]: C then contains both the exact A'·B' and every float value a program
    /// computes for it (Higham (3.5)). The extra term is folded into the same fused product: the right factors
    /// become B_r·(1 + γ_k) + 2γ_k·|B_c| and (|B_c| + B_r)·(1 + γ_k), and the offset gains k·η.
    /// </para>
    /// </summary>
    public static void MidpointRadius<T>(ReadOnlySpan<T> aLower, ReadOnlySpan<T> aUpper, ReadOnlySpan<T> bLower, ReadOnlySpan<T> bUpper,
        Span<T> lower, Span<T> upper, int m, int k, int n, KernelPath path = KernelPath.Automatic, bool coverFloatEvaluation = false)
        where T : IBinaryFloatingPointIeee754<T>
    {
        CheckProductShapes(aLower.Length, aUpper.Length, bLower.Length, bUpper.Length, lower.Length, upper.Length, m, k, n);

        // Temporaries come from the shared pool: fresh multi-megabyte arrays would be dominated by first-touch
        // page faults. Rented arrays may be longer than asked for, so every use slices them to size.
        using var aCenterBuffer = new PooledBuffer<T>(m * k);
        using var leftBuffer = new PooledBuffer<T>(m * 2 * k);       // row i: [|A_c[i, :]|, A_r[i, :]]
        using var aRadiusBuffer = new PooledBuffer<T>(k);
        using var bCenterBuffer = new PooledBuffer<T>(k * n);
        using var bRadiusBuffer = new PooledBuffer<T>(k * n);
        using var rightBuffer = new PooledBuffer<T>(2 * k * n);      // rows 0..k−1: B_r + γ_k|B_c|; rows k..2k−1: |B_c| + B_r
        using var centerBuffer = new PooledBuffer<T>(m * n);
        using var radiusProductBuffer = new PooledBuffer<T>(m * n);
        Span<T> aCenter = aCenterBuffer.Span, left = leftBuffer.Span, aRadius = aRadiusBuffer.Span;
        Span<T> bCenter = bCenterBuffer.Span, bRadius = bRadiusBuffer.Span, right = rightBuffer.Span;
        Span<T> center = centerBuffer.Span, radiusProduct = radiusProductBuffer.Span;

        for (var i = 0; i < m; i++)
        {
            var row = left.Slice(i * 2 * k, 2 * k);
            IntervalKernelDriver.Unary(default(CenterRadiusOperator<T>), aLower.Slice(i * k, k), aUpper.Slice(i * k, k),
                aCenter.Slice(i * k, k), aRadius, path);
            TensorPrimitives.Abs<T>(aCenter.Slice(i * k, k), row[..k]);
            aRadius.CopyTo(row[k..]);
        }

        IntervalKernelDriver.Unary(default(CenterRadiusOperator<T>), bLower, bUpper, bCenter, bRadius, path);
        var gamma = ErrorBounds.Gamma<T>(k);
        IntervalKernelDriver.Binary(new RadiusFactorsOperator<T>(gamma, coverFloatEvaluation ? gamma : T.Zero), bCenter, bRadius, bCenter, bRadius,
            right[..(k * n)], right.Slice(k * n, k * n), path);

        PointMatMul.Multiply<T>(aCenter, bCenter, center, m, k, n, path);
        PointMatMul.Multiply<T>(left, right, radiusProduct, m, 2 * k, n, path);

        var eta = T.Epsilon;
        var offset = Rounding.AddUp(Rounding.MulUp(T.CreateChecked(2L * k), eta),
            Rounding.MulUp(T.CreateChecked(coverFloatEvaluation ? 2L * k : k), eta));
        var inverse = Rounding.DivUp(T.One, Rounding.SubDown(T.One, ErrorBounds.Gamma<T>(2L * k)));
        IntervalKernelDriver.Binary(new MidpointRadiusEpilogueOperator<T>(offset, inverse), center, center, radiusProduct, radiusProduct,
            lower, upper, path);
    }

    /// <summary>
    /// Exact form: each entry Σ_p [A_ip] ⊗ [B_pj] with the sign-case product and outward-rounded additions —
    /// the tightest enclosure (up to one step per operation) and sound with no a priori term; slower.
    /// <para>
    /// With <paramref name="coverFloatEvaluation"/> each entry is widened on both sides by γ_k·(|A|·|B|)_ij + k·η with
    /// |A| = max(|A_l|, |A_u|) (likewise |B|), the rounding error of ANY floating-point evaluation of the product of
    /// members (Higham (3.5)); the magnitude product is computed in floating point and inflated to an upper bound of
    /// its exact value (<see cref="ErrorBounds.InflateNonNegative{T}"/>), so the result also contains every float
    /// value a program computes for A'·B'.
    /// </para>
    /// </summary>
    public static void Exact<T>(ReadOnlySpan<T> aLower, ReadOnlySpan<T> aUpper, ReadOnlySpan<T> bLower, ReadOnlySpan<T> bUpper,
        Span<T> lower, Span<T> upper, int m, int k, int n, KernelPath path = KernelPath.Automatic, bool coverFloatEvaluation = false)
        where T : IBinaryFloatingPointIeee754<T>
    {
        CheckProductShapes(aLower.Length, aUpper.Length, bLower.Length, bUpper.Length, lower.Length, upper.Length, m, k, n);
        lower.Clear();
        upper.Clear();
        for (var i = 0; i < m; i++)
        for (var p = 0; p < k; p++)
            DirectedProductLoops.AccumulateScaledRow(aLower[i * k + p], aUpper[i * k + p], bLower.Slice(p * n, n), bUpper.Slice(p * n, n),
                lower.Slice(i * n, n), upper.Slice(i * n, n), path);
        if (!coverFloatEvaluation || k == 0) return;
        using var aMagnitudeBuffer = new PooledBuffer<T>(m * k);
        using var bMagnitudeBuffer = new PooledBuffer<T>(k * n);
        using var productBuffer = new PooledBuffer<T>(m * n);
        Span<T> aMagnitude = aMagnitudeBuffer.Span, bMagnitude = bMagnitudeBuffer.Span, product = productBuffer.Span;
        for (var e = 0; e < m * k; e++) aMagnitude[e] = T.Max(T.Abs(aLower[e]), T.Abs(aUpper[e]));
        for (var e = 0; e < k * n; e++) bMagnitude[e] = T.Max(T.Abs(bLower[e]), T.Abs(bUpper[e]));
        PointMatMul.Multiply<T>(aMagnitude, bMagnitude, product, m, k, n, path);
        var gamma = ErrorBounds.Gamma<T>(k);
        var underflow = Rounding.MulUp(T.CreateChecked((long)k), T.Epsilon);
        for (var e = 0; e < m * n; e++)
        {
            var error = Rounding.AddUp(Rounding.MulUp(gamma, ErrorBounds.InflateNonNegative(product[e], k)), underflow);
            lower[e] = Rounding.SubDown(lower[e], error);
            upper[e] = Rounding.AddUp(upper[e], error);
        }
    }

    /// <summary>y = [W]·[x] for W of shape rows×columns (row-major), exact form (a dense layer's forward pass).</summary>
    public static void MatrixVector<T>(ReadOnlySpan<T> weightLower, ReadOnlySpan<T> weightUpper, int rows, int columns,
        ReadOnlySpan<T> xLower, ReadOnlySpan<T> xUpper, Span<T> yLower, Span<T> yUpper, KernelPath path = KernelPath.Automatic)
        where T : IBinaryFloatingPointIeee754<T>
    {
        CheckVectorShapes(weightLower.Length, weightUpper.Length, rows * columns, (xLower.Length, xUpper.Length, columns, "x"),
            (yLower.Length, yUpper.Length, rows, "y"));
        for (var o = 0; o < rows; o++)
            (yLower[o], yUpper[o]) = DirectedProductLoops.Dot(weightLower.Slice(o * columns, columns), weightUpper.Slice(o * columns, columns),
                xLower, xUpper, path);
    }

    /// <summary>y = [W]ᵀ·[δ] for W of shape rows×columns (a dense layer's input gradient), exact form.</summary>
    public static void TransposedMatrixVector<T>(ReadOnlySpan<T> weightLower, ReadOnlySpan<T> weightUpper, int rows, int columns,
        ReadOnlySpan<T> deltaLower, ReadOnlySpan<T> deltaUpper, Span<T> yLower, Span<T> yUpper, KernelPath path = KernelPath.Automatic)
        where T : IBinaryFloatingPointIeee754<T>
    {
        CheckVectorShapes(weightLower.Length, weightUpper.Length, rows * columns, (deltaLower.Length, deltaUpper.Length, rows, "delta"),
            (yLower.Length, yUpper.Length, columns, "y"));
        yLower.Clear();
        yUpper.Clear();
        for (var o = 0; o < rows; o++)
            DirectedProductLoops.AccumulateScaledRow(deltaLower[o], deltaUpper[o], weightLower.Slice(o * columns, columns),
                weightUpper.Slice(o * columns, columns), yLower, yUpper, path);
    }

    private static void CheckProductShapes(int aLower, int aUpper, int bLower, int bUpper, int lower, int upper, int m, int k, int n)
    {
        PointMatMul.CheckShapes(aLower, bLower, lower, m, k, n);
        Check.SameLength(aLower, aUpper, "aUpper");
        Check.SameLength(bLower, bUpper, "bUpper");
        Check.SameLength(lower, upper, "upper");
    }

    // Weight box of the given size; the input and output vectors' lower and upper spans of their expected lengths.
    private static void CheckVectorShapes(int weightLower, int weightUpper, int weightSize,
        (int Lower, int Upper, int Expected, string Name) input, (int Lower, int Upper, int Expected, string Name) output)
    {
        Check.SameLength(weightSize, weightLower, "weightLower");
        Check.SameLength(weightSize, weightUpper, "weightUpper");
        Check.SameLength(input.Expected, input.Lower, input.Name + "Lower");
        Check.SameLength(input.Expected, input.Upper, input.Name + "Upper");
        Check.SameLength(output.Expected, output.Lower, output.Name + "Lower");
        Check.SameLength(output.Expected, output.Upper, output.Name + "Upper");
    }
}
