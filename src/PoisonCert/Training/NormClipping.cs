using System.Numerics;
using PoisonCert.Models;
using PoisonCert.Numerics;

namespace PoisonCert.Training;

/// <summary>
/// Boxes of the norm-clipping factor f = min(1, C/‖g‖₂) of each sample of a track, enclosing the factor the
/// program computes (<see cref="PointNetwork{T}"/>: a sequential sum of squares of the per-sample entries, a square
/// root, a division, a minimum).
/// <para>
/// Exact norm: for a dense layer, Σ_(o,j) (δₒhⱼ)² + Σₒ δₒ² = (Σₒ δₒ²)(Σⱼ hⱼ² + 1), so with sq([a]) = [mig², mag²] the
/// exact squared norm N of every member lies in [Nₗ, Nᵤ] = Σ_layers (Σₒ sq(Gₒ))·(Σⱼ sq(Hⱼ) + 1). The program squares
/// rounded products p̃ = fl(δh) with |p̃ − δh| ≤ u|δh| + η/2, so Σp̃² ∈ [(1 − u)²Nₗ − η·M, (1 + u)²Nᵤ + 2η·M + P·η] with
/// M = Σ|δh| ≤ Σ_layers (Σₒ mag Gₒ)(Σⱼ mag Hⱼ + 1) and P the number of trained parameters; its float sum of P
/// squares then lies within a factor (1 ± γ_P) and ± P·η of that (Higham (3.5)). √, C/· and min(1, ·) are
/// monotone and mirrored with outward rounding (C/0 = +∞ gives f = 1).
/// </para>
/// </summary>
internal static class NormClipping
{
    public static void Factors<T>(NetworkArchitecture architecture, IntervalNetwork<T> track, T bound, ClipFactors<T> factors)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var u = ErrorBounds.UnitRoundoff<T>();
        var eta = T.Epsilon;
        var first = architecture.Layers[architecture.FirstTrainable].WeightOffset;
        long trained = architecture.ParameterCount - first;
        var gamma = ErrorBounds.Gamma<T>(trained);
        var countEta = Rounding.MulUp(T.CreateChecked(trained), eta);
        var oneMinusU = Rounding.SubDown(T.One, u);
        var onePlusU = Rounding.AddUp(T.One, u);
        for (var i = 0; i < track.Count; i++)
        {
            T normLower = T.Zero, normUpper = T.Zero, absolute = T.Zero;
            for (var l = architecture.FirstTrainable; l < architecture.Layers.Count; l++)
            {
                var layer = architecture.Layers[l];
                var (gMig, gMag, gAbs) = SquareSums(track.OutputGradientLower(l).Slice(i * layer.Outputs, layer.Outputs),
                    track.OutputGradientUpper(l).Slice(i * layer.Outputs, layer.Outputs));
                var (hMig, hMag, hAbs) = SquareSums(track.LayerInputLower(l).Slice(i * layer.Inputs, layer.Inputs),
                    track.LayerInputUpper(l).Slice(i * layer.Inputs, layer.Inputs));
                normLower = Rounding.AddDown(normLower, Rounding.MulDown(gMig, Rounding.AddDown(hMig, T.One)));
                normUpper = Rounding.AddUp(normUpper, Rounding.MulUp(gMag, Rounding.AddUp(hMag, T.One)));
                absolute = Rounding.AddUp(absolute, Rounding.MulUp(gAbs, Rounding.AddUp(hAbs, T.One)));
            }
            var squaresLower = Rounding.SubDown(Rounding.MulDown(Rounding.MulDown(oneMinusU, oneMinusU), normLower), Rounding.MulUp(eta, absolute));
            var squaresUpper = Rounding.AddUp(Rounding.AddUp(Rounding.MulUp(Rounding.MulUp(onePlusU, onePlusU), normUpper),
                Rounding.MulUp(Rounding.MulUp(T.CreateTruncating(2), eta), absolute)), countEta);
            var computedLower = T.Max(T.Zero, Rounding.SubDown(Rounding.MulDown(squaresLower, Rounding.SubDown(T.One, gamma)), countEta));
            var computedUpper = Rounding.AddUp(Rounding.MulUp(squaresUpper, Rounding.AddUp(T.One, gamma)), countEta);
            var rootLower = Rounding.SqrtDown(computedLower);
            var rootUpper = Rounding.SqrtUp(computedUpper);
            factors.Lower[i] = T.Min(T.One, T.IsZero(rootUpper) ? T.PositiveInfinity : Rounding.DivDown(bound, rootUpper));
            factors.Upper[i] = T.Min(T.One, T.IsZero(rootLower) ? T.PositiveInfinity : Rounding.DivUp(bound, rootLower));
        }
    }

    // (Σ mig², Σ mag², Σ mag) over a row of boxes, rounded outward.
    private static (T Mig, T Mag, T Abs) SquareSums<T>(ReadOnlySpan<T> lower, ReadOnlySpan<T> upper) where T : IBinaryFloatingPointIeee754<T>
    {
        T mig = T.Zero, mag = T.Zero, abs = T.Zero;
        for (var j = 0; j < lower.Length; j++)
        {
            var magnitude = T.Max(T.Abs(lower[j]), T.Abs(upper[j]));
            var mignitude = lower[j] > T.Zero ? lower[j] : upper[j] < T.Zero ? -upper[j] : T.Zero;
            mig = Rounding.AddDown(mig, Rounding.MulDown(mignitude, mignitude));
            mag = Rounding.AddUp(mag, Rounding.MulUp(magnitude, magnitude));
            abs = Rounding.AddUp(abs, magnitude);
        }
        return (mig, mag, abs);
    }
}
