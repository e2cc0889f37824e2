using System.Numerics;

namespace PoisonCert.Kernels;

/// <summary>
/// Element-wise interval kernels over spans of lower and upper endpoints (float or double). Each output element
/// encloses the exact result of the operation for every choice of members of the input intervals; outputs may
/// be the input spans themselves (in place). Inputs must not contain NaN, and each lower ≤ its upper.
/// </summary>
public static class IntervalKernels
{
    public static void Add<T>(ReadOnlySpan<T> aLower, ReadOnlySpan<T> aUpper, ReadOnlySpan<T> bLower, ReadOnlySpan<T> bUpper,
        Span<T> lower, Span<T> upper, KernelPath path = KernelPath.Automatic) where T : IBinaryFloatingPointIeee754<T>
        => IntervalKernelDriver.Binary(default(IntervalAddOperator<T>), aLower, aUpper, bLower, bUpper, lower, upper, path);

    public static void Subtract<T>(ReadOnlySpan<T> aLower, ReadOnlySpan<T> aUpper, ReadOnlySpan<T> bLower, ReadOnlySpan<T> bUpper,
        Span<T> lower, Span<T> upper, KernelPath path = KernelPath.Automatic) where T : IBinaryFloatingPointIeee754<T>
        => IntervalKernelDriver.Binary(default(IntervalSubtractOperator<T>), aLower, aUpper, bLower, bUpper, lower, upper, path);

    /// <summary>Element-wise exact sign-case interval product.</summary>
    public static void Multiply<T>(ReadOnlySpan<T> aLower, ReadOnlySpan<T> aUpper, ReadOnlySpan<T> bLower, ReadOnlySpan<T> bUpper,
        Span<T> lower, Span<T> upper, KernelPath path = KernelPath.Automatic) where T : IBinaryFloatingPointIeee754<T>
        => IntervalKernelDriver.Binary(default(IntervalMultiplyOperator<T>), aLower, aUpper, bLower, bUpper, lower, upper, path);

    public static void Negate<T>(ReadOnlySpan<T> aLower, ReadOnlySpan<T> aUpper, Span<T> lower, Span<T> upper,
        KernelPath path = KernelPath.Automatic) where T : IBinaryFloatingPointIeee754<T>
        => IntervalKernelDriver.Unary(default(IntervalNegateOperator<T>), aLower, aUpper, lower, upper, path);

    /// <summary>Every interval times the point <paramref name="scale"/>.</summary>
    public static void Scale<T>(ReadOnlySpan<T> aLower, ReadOnlySpan<T> aUpper, T scale, Span<T> lower, Span<T> upper,
        KernelPath path = KernelPath.Automatic) where T : IBinaryFloatingPointIeee754<T>
    {
        CheckFinite(scale, nameof(scale));
        IntervalKernelDriver.Unary(new IntervalScaleOperator<T>(scale), aLower, aUpper, lower, upper, path);
    }

    /// <summary>Every interval times the interval [<paramref name="scaleLower"/>, <paramref name="scaleUpper"/>].</summary>
    public static void Scale<T>(ReadOnlySpan<T> aLower, ReadOnlySpan<T> aUpper, T scaleLower, T scaleUpper, Span<T> lower, Span<T> upper,
        KernelPath path = KernelPath.Automatic) where T : IBinaryFloatingPointIeee754<T>
    {
        CheckNotNaN(scaleLower, nameof(scaleLower));
        CheckNotNaN(scaleUpper, nameof(scaleUpper));
        if (scaleLower > scaleUpper) throw new ArgumentException($"Scale interval [{scaleLower}, {scaleUpper}] has lower > upper.", nameof(scaleLower));
        IntervalKernelDriver.Unary(new IntervalScaleByIntervalOperator<T>(scaleLower, scaleUpper), aLower, aUpper, lower, upper, path);
    }

    public static void Relu<T>(ReadOnlySpan<T> aLower, ReadOnlySpan<T> aUpper, Span<T> lower, Span<T> upper,
        KernelPath path = KernelPath.Automatic) where T : IBinaryFloatingPointIeee754<T>
        => IntervalKernelDriver.Unary(default(ReluOperator<T>), aLower, aUpper, lower, upper, path);

    /// <summary>The ReLU derivative box [1{l &gt; 0}, 1{u &gt; 0}] of each pre-activation interval, as 0/1.</summary>
    public static void ReluDerivativeBox<T>(ReadOnlySpan<T> preLower, ReadOnlySpan<T> preUpper, Span<T> lower, Span<T> upper,
        KernelPath path = KernelPath.Automatic) where T : IBinaryFloatingPointIeee754<T>
        => IntervalKernelDriver.Unary(default(ReluDerivativeOperator<T>), preLower, preUpper, lower, upper, path);

    /// <summary>Clamps every interval to [<paramref name="low"/>, <paramref name="high"/>] (per-coordinate gradient clipping).</summary>
    public static void Clamp<T>(ReadOnlySpan<T> aLower, ReadOnlySpan<T> aUpper, T low, T high, Span<T> lower, Span<T> upper,
        KernelPath path = KernelPath.Automatic) where T : IBinaryFloatingPointIeee754<T>
    {
        CheckNotNaN(low, nameof(low));
        CheckNotNaN(high, nameof(high));
        if (low > high) throw new ArgumentException($"Clamp range [{low}, {high}] has low > high.", nameof(low));
        IntervalKernelDriver.Unary(new ClampOperator<T>(low, high), aLower, aUpper, lower, upper, path);
    }

    /// <summary>Element-wise hull [min(aₗ, bₗ), max(aᵤ, bᵤ)] (exact).</summary>
    public static void Hull<T>(ReadOnlySpan<T> aLower, ReadOnlySpan<T> aUpper, ReadOnlySpan<T> bLower, ReadOnlySpan<T> bUpper,
        Span<T> lower, Span<T> upper, KernelPath path = KernelPath.Automatic) where T : IBinaryFloatingPointIeee754<T>
        => IntervalKernelDriver.Binary(default(IntervalHullOperator<T>), aLower, aUpper, bLower, bUpper, lower, upper, path);

    /// <summary>
    /// Endpoint-wise differences: lower ≤ aₗ − bₗ and upper ≥ aᵤ − bᵤ (rounded outward). For a ⊇ b these are the
    /// non-positive and non-negative "poisoned minus clean" terms of the aggregation.
    /// </summary>
    public static void EndpointDifference<T>(ReadOnlySpan<T> aLower, ReadOnlySpan<T> aUpper, ReadOnlySpan<T> bLower, ReadOnlySpan<T> bUpper,
        Span<T> lower, Span<T> upper, KernelPath path = KernelPath.Automatic) where T : IBinaryFloatingPointIeee754<T>
        => IntervalKernelDriver.Binary(default(EndpointDifferenceOperator<T>), aLower, aUpper, bLower, bUpper, lower, upper, path);

    /// <summary>
    /// total += max(|bₗ|, |bᵤ|) rounded upward, element-wise: an upper bound of Σ|x| over members of the added
    /// intervals. <paramref name="scratch"/> (same length) receives a copy and may be any buffer.
    /// </summary>
    public static void AccumulateMagnitude<T>(Span<T> total, ReadOnlySpan<T> bLower, ReadOnlySpan<T> bUpper, Span<T> scratch,
        KernelPath path = KernelPath.Automatic) where T : IBinaryFloatingPointIeee754<T>
        => IntervalKernelDriver.Binary(default(MagnitudeAccumulateOperator<T>), total, total, bLower, bUpper, total, scratch, path);

    private static void CheckNotNaN<T>(T value, string name) where T : IBinaryFloatingPointIeee754<T>
    {
        if (T.IsNaN(value)) throw new ArgumentException($"'{name}' is NaN.", name);
    }

    private static void CheckFinite<T>(T value, string name) where T : IBinaryFloatingPointIeee754<T>
    {
        if (!T.IsFinite(value)) throw new ArgumentException($"'{name}' must be finite, not {value}.", name);
    }
}
