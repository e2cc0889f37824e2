using System.Numerics;
using PoisonCert.Kernels;
using PoisonCert.Tests.Exact;

namespace PoisonCert.Tests.Kernels;

/// <summary>One element-wise kernel under test: how to run it, and its exact point function (null when not defined).</summary>
public sealed record ElementwiseCase<T>(
    string Name,
    bool Binary,
    KernelRunner<T> Run,
    Func<Rational, Rational, Rational> Exact) where T : IBinaryFloatingPointIeee754<T>;

public delegate void KernelRunner<T>(T[] aLower, T[] aUpper, T[] bLower, T[] bUpper, T[] lower, T[] upper, KernelPath path);

public static class ElementwiseCases<T> where T : IBinaryFloatingPointIeee754<T>
{
    public static readonly T ScalePoint = T.CreateTruncating(-0.7);
    public static readonly T ScaleLower = T.CreateTruncating(-0.5), ScaleUpper = T.CreateTruncating(1.25);
    public static readonly T ClampLow = T.CreateTruncating(-1.5), ClampHigh = T.CreateTruncating(2.0);

    private static Rational Relu(Rational x) => x.Sign > 0 ? x : Rational.Zero;

    public static IReadOnlyList<ElementwiseCase<T>> All { get; } =
    [
        new("Add", true, (al, au, bl, bu, l, u, p) => IntervalKernels.Add<T>(al, au, bl, bu, l, u, p), (x, y) => x + y),
        new("Subtract", true, (al, au, bl, bu, l, u, p) => IntervalKernels.Subtract<T>(al, au, bl, bu, l, u, p), (x, y) => x - y),
        new("Multiply", true, (al, au, bl, bu, l, u, p) => IntervalKernels.Multiply<T>(al, au, bl, bu, l, u, p), (x, y) => x * y),
        new("Negate", false, (al, au, _, _, l, u, p) => IntervalKernels.Negate<T>(al, au, l, u, p), (x, _) => -x),
        new("ScalePoint", false, (al, au, _, _, l, u, p) => IntervalKernels.Scale<T>(al, au, ScalePoint, l, u, p),
            (x, _) => x * Rational.From(ScalePoint)),
        new("ScaleInterval", false, (al, au, _, _, l, u, p) => IntervalKernels.Scale<T>(al, au, ScaleLower, ScaleUpper, l, u, p),
            (x, _) => x * Rational.From(ScaleLower)), // checked at both scale endpoints, see ScaleIntervalMembers
        new("Relu", false, (al, au, _, _, l, u, p) => IntervalKernels.Relu<T>(al, au, l, u, p), (x, _) => Relu(x)),
        new("ReluDerivativeBox", false, (al, au, _, _, l, u, p) => IntervalKernels.ReluDerivativeBox<T>(al, au, l, u, p),
            (x, _) => x.Sign > 0 ? Rational.One : Rational.Zero),
        new("Clamp", false, (al, au, _, _, l, u, p) => IntervalKernels.Clamp<T>(al, au, ClampLow, ClampHigh, l, u, p),
            (x, _) => Rational.Min(Rational.Max(x, Rational.From(ClampLow)), Rational.From(ClampHigh))),
    ];

    /// <summary>For the interval scale, the exact products at the upper scale endpoint too (the product is bilinear).</summary>
    public static Rational ScaleIntervalUpper(Rational x) => x * Rational.From(ScaleUpper);
}
