using System.Numerics;
using PoisonCert.Numerics;
using PoisonCert.Training;

namespace PoisonCert.Models;

/// <summary>How the label of one sample may be poisoned in a bound pass.</summary>
public readonly record struct LabelBox(LabelPoisoning Kind, double Radius, int TargetClass)
{
    public static LabelBox Clean => new(LabelPoisoning.None, 0, 0);
}

/// <summary>
/// Bounds on the loss gradient ∂loss/∂z for outputs z in a box [zₗ, zᵤ], enclosing both the exact gradient of
/// every member and the value the training program (<see cref="PointLoss"/>) computes for it in floating point.
/// <para>
/// MSE: program fl(fl(z − ỹ)·2). For ỹ ∈ [y − ν, y + ν]: [2(zₗ − (y + ν)), 2(zᵤ − (y − ν))], outward; rounding to
/// nearest is monotone, so enclosing the exact result of each program operation over the box encloses its
/// rounded result too.
/// </para>
/// <para>
/// Binary CE: σ increasing, so σ(z) ∈ [σ(zₗ), σ(zᵤ)]; gradient [σₗ − y, σᵤ − y], or [σₗ − 1, σᵤ] when the label may
/// flip. The program's double σ has relative error ≤ 8u_d (exp within 2 ulps, then one addition and one division);
/// the bound is widened by that factor before rounding outward to T.
/// </para>
/// <para>
/// Softmax CE: s_j is lowest when z_j is at its lower end and every other logit at its upper end:
/// s_j ≥ 1/(1 + Σ_{i≠j} e^(zᵤᵢ − zₗⱼ)) and s_j ≤ 1/(1 + Σ_{i≠j} e^(zₗᵢ − zᵤⱼ)). The program subtracts the maximum,
/// exponentiates in double and divides by a sequential sum; its relative error is at most
/// ρ = (3D + 2K + 10)·u_d where D bounds the spread of the logits over the box (derivation in docs/soundness.md);
/// the bound is widened by ρ (or is [0, 1] if ρ would exceed 10⁻³). Gradient: [s_l − 1{j=y}, s_u − 1{j=y}];
/// any flip: [s_l − 1, s_u]; flips to class t only: [s_l − 1, s_u] at j ∈ {y, t}, [s_l, s_u] elsewhere.
/// </para>
/// </summary>
public static class IntervalLoss
{
    private const double Unit = 1.0 / 9007199254740992.0; // u_d = 2^-53

    public static void Gradient<T>(LossKind loss, ReadOnlySpan<T> outputLower, ReadOnlySpan<T> outputUpper, int label,
        ReadOnlySpan<T> targets, LabelBox labels, Span<T> gradientLower, Span<T> gradientUpper) where T : IBinaryFloatingPointIeee754<T>
    {
        switch (loss)
        {
            case LossKind.MeanSquaredError:
                MeanSquaredError(outputLower, outputUpper, targets, labels, gradientLower, gradientUpper);
                break;
            case LossKind.BinaryCrossEntropy:
                BinaryCrossEntropy(outputLower[0], outputUpper[0], label, labels, out gradientLower[0], out gradientUpper[0]);
                break;
            case LossKind.SoftmaxCrossEntropy:
                SoftmaxCrossEntropy(outputLower, outputUpper, label, labels, gradientLower, gradientUpper);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(loss));
        }
    }

    private static void MeanSquaredError<T>(ReadOnlySpan<T> zl, ReadOnlySpan<T> zu, ReadOnlySpan<T> targets, LabelBox labels,
        Span<T> gl, Span<T> gu) where T : IBinaryFloatingPointIeee754<T>
    {
        var two = T.CreateTruncating(2);
        var radius = labels.Kind == LabelPoisoning.Bounded ? Transcendentals.ToUpper<T>(labels.Radius) : T.Zero;
        for (var j = 0; j < zl.Length; j++)
        {
            var targetLower = Rounding.SubDown(targets[j], radius);
            var targetUpper = Rounding.AddUp(targets[j], radius);
            gl[j] = Rounding.MulDown(Rounding.SubDown(zl[j], targetUpper), two);
            gu[j] = Rounding.MulUp(Rounding.SubUp(zu[j], targetLower), two);
        }
    }

    private static void BinaryCrossEntropy<T>(T zl, T zu, int label, LabelBox labels, out T gl, out T gu) where T : IBinaryFloatingPointIeee754<T>
    {
        var (sigmaLower, sigmaUpper) = SigmoidBounds(double.CreateTruncating(zl), double.CreateTruncating(zu));
        var pl = Transcendentals.ToLower<T>(sigmaLower);
        var pu = Transcendentals.ToUpper<T>(sigmaUpper);
        if (labels.Kind is LabelPoisoning.AnyFlip or LabelPoisoning.TargetFlip && (labels.Kind == LabelPoisoning.AnyFlip || labels.TargetClass != label))
        {
            gl = Rounding.SubDown(pl, T.One);
            gu = pu;
            return;
        }
        var y = T.CreateTruncating(label);
        gl = Rounding.SubDown(pl, y);
        gu = Rounding.SubUp(pu, y);
    }

    /// <summary>Bounds (in double) of σ over [zₗ, zᵤ] that also enclose the program's double σ of any member.</summary>
    internal static (double Lower, double Upper) SigmoidBounds(double zl, double zu)
    {
        const double rho = 8 * Unit;
        var lower = Rounding.DivDown(1.0, Rounding.AddUp(1.0, Transcendentals.ExpUpper(-zl)));
        var upper = Rounding.DivUp(1.0, Rounding.AddDown(1.0, Transcendentals.ExpLower(-zu)));
        lower = Math.Max(0, Rounding.MulDown(lower, 1 - rho));
        upper = Math.Min(1, Rounding.MulUp(upper, 1 + rho));
        return (lower, upper);
    }

    private static void SoftmaxCrossEntropy<T>(ReadOnlySpan<T> zl, ReadOnlySpan<T> zu, int label, LabelBox labels,
        Span<T> gl, Span<T> gu) where T : IBinaryFloatingPointIeee754<T>
    {
        SoftmaxBounds(zl, zu, gl, gu);
        for (var j = 0; j < zl.Length; j++)
        {
            var lowerSubtractsOne = labels.Kind switch
            {
                LabelPoisoning.AnyFlip => true,
                LabelPoisoning.TargetFlip => j == label || j == labels.TargetClass,
                _ => j == label,
            };
            var upperSubtractsOne = labels.Kind switch
            {
                LabelPoisoning.AnyFlip => false,
                LabelPoisoning.TargetFlip => j == label && j == labels.TargetClass,
                _ => j == label,
            };
            if (lowerSubtractsOne) gl[j] = Rounding.SubDown(gl[j], T.One);
            if (upperSubtractsOne) gu[j] = Rounding.SubUp(gu[j], T.One);
        }
    }

    /// <summary>
    /// Bounds of every softmax probability over the logit box, enclosing the program's value (see the class
    /// summary), written into <paramref name="lower"/> and <paramref name="upper"/>.
    /// </summary>
    public static void SoftmaxBounds<T>(ReadOnlySpan<T> zl, ReadOnlySpan<T> zu, Span<T> lower, Span<T> upper) where T : IBinaryFloatingPointIeee754<T>
    {
        var k = zl.Length;
        double maxUpper = double.NegativeInfinity, minLower = double.PositiveInfinity;
        for (var j = 0; j < k; j++)
        {
            maxUpper = Math.Max(maxUpper, double.CreateTruncating(zu[j]));
            minLower = Math.Min(minLower, double.CreateTruncating(zl[j]));
        }
        var spread = Rounding.SubUp(maxUpper, minLower);
        var rho = Rounding.MulUp(Rounding.AddUp(Rounding.MulUp(3.0, spread), 2.0 * k + 10), Unit);
        var usable = double.IsFinite(rho) && rho <= 1e-3;
        for (var j = 0; j < k; j++)
        {
            if (!usable)
            {
                lower[j] = T.Zero;
                upper[j] = T.One;
                continue;
            }
            double sumUpper = 0, sumLower = 0;
            var ljd = double.CreateTruncating(zl[j]);
            var ujd = double.CreateTruncating(zu[j]);
            for (var i = 0; i < k; i++)
            {
                if (i == j) continue;
                sumUpper = Rounding.AddUp(sumUpper, Transcendentals.ExpUpper(Rounding.SubUp(double.CreateTruncating(zu[i]), ljd)));
                sumLower = Rounding.AddDown(sumLower, Transcendentals.ExpLower(Rounding.SubDown(double.CreateTruncating(zl[i]), ujd)));
            }
            var pl = Rounding.MulDown(Rounding.DivDown(1.0, Rounding.AddUp(1.0, sumUpper)), 1 - rho);
            var pu = Math.Min(1.0, Rounding.MulUp(Rounding.DivUp(1.0, Rounding.AddDown(1.0, sumLower)), 1 + rho));
            lower[j] = Transcendentals.ToLower<T>(Math.Max(0, pl));
            upper[j] = Transcendentals.ToUpper<T>(pu);
        }
    }
}
