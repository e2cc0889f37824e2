using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using PoisonCert.Numerics;
using static PoisonCert.Kernels.VectorDirectedRounding;

namespace PoisonCert.Kernels;

/// <summary>
/// [s]·[x] for one broadcast interval s = [sₗ, sᵤ] of known sign, selecting the extreme corner instead of taking
/// the hull of four: for sₗ ≥ 0 the minimum is at x = xₗ (with s = sₗ if xₗ ≥ 0, else sᵤ) and the maximum at
/// x = xᵤ (with s = sᵤ if xᵤ ≥ 0, else sₗ); for sᵤ ≤ 0 the roles of xₗ and xᵤ swap; for sₗ &lt; 0 &lt; sᵤ the
/// extremes are min(sₗxᵤ, sᵤxₗ) and max(sₗxₗ, sᵤxᵤ). Each selected product is bounded with the cheap relative
/// step (Rounding.MulDownByRelativeStep: one FMA, at most about two ulps plus η wider than a one-step bound), so
/// the result encloses the exact four-corner hull (tested against exact rationals and against the four-corner
/// operator) at a fraction of its cost; this is the per-sample gradient outer product's inner loop.
/// </summary>
internal readonly struct SignedScaleOperator<T> : IIntervalUnaryOperator<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly T _scaleLower, _scaleUpper;
    private readonly int _sign; // +1: sₗ ≥ 0, −1: sᵤ ≤ 0, 0: straddles zero

    public SignedScaleOperator(T scaleLower, T scaleUpper)
    {
        _scaleLower = scaleLower;
        _scaleUpper = scaleUpper;
        _sign = scaleLower >= T.Zero ? 1 : scaleUpper <= T.Zero ? -1 : 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(T xLower, T xUpper, out T lower, out T upper)
    {
        if (_sign > 0)
        {
            lower = Rounding.MulDownByRelativeStep(xLower >= T.Zero ? _scaleLower : _scaleUpper, xLower);
            upper = Rounding.MulUpByRelativeStep(xUpper >= T.Zero ? _scaleUpper : _scaleLower, xUpper);
        }
        else if (_sign < 0)
        {
            lower = Rounding.MulDownByRelativeStep(xUpper >= T.Zero ? _scaleLower : _scaleUpper, xUpper);
            upper = Rounding.MulUpByRelativeStep(xLower >= T.Zero ? _scaleUpper : _scaleLower, xLower);
        }
        else
        {
            // One step of the smaller (larger) corner: the step is monotone, so this is the minimum (maximum) of the
            // stepped corners, bit for bit (Rounding.StepDownProduct).
            lower = Rounding.StepDownProduct(T.Min(_scaleLower * xUpper, _scaleUpper * xLower));
            upper = Rounding.StepUpProduct(T.Max(_scaleLower * xLower, _scaleUpper * xUpper));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector512<T> xLower, Vector512<T> xUpper, out Vector512<T> lower, out Vector512<T> upper)
    {
        var sl = Vector512.Create(_scaleLower);
        var su = Vector512.Create(_scaleUpper);
        if (_sign > 0)
        {
            lower = MulDownByRelativeStep(Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(xLower, Vector512<T>.Zero), sl, su), xLower);
            upper = MulUpByRelativeStep(Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(xUpper, Vector512<T>.Zero), su, sl), xUpper);
        }
        else if (_sign < 0)
        {
            lower = MulDownByRelativeStep(Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(xUpper, Vector512<T>.Zero), sl, su), xUpper);
            upper = MulUpByRelativeStep(Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(xLower, Vector512<T>.Zero), su, sl), xLower);
        }
        else
        {
            lower = StepDownProduct(Vector512.Min(sl * xUpper, su * xLower)); // = min of the two stepped corners (monotone step)
            upper = StepUpProduct(Vector512.Max(sl * xLower, su * xUpper));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector256<T> xLower, Vector256<T> xUpper, out Vector256<T> lower, out Vector256<T> upper)
    {
        var sl = Vector256.Create(_scaleLower);
        var su = Vector256.Create(_scaleUpper);
        if (_sign > 0)
        {
            lower = MulDownByRelativeStep(Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(xLower, Vector256<T>.Zero), sl, su), xLower);
            upper = MulUpByRelativeStep(Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(xUpper, Vector256<T>.Zero), su, sl), xUpper);
        }
        else if (_sign < 0)
        {
            lower = MulDownByRelativeStep(Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(xUpper, Vector256<T>.Zero), sl, su), xUpper);
            upper = MulUpByRelativeStep(Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(xLower, Vector256<T>.Zero), su, sl), xLower);
        }
        else
        {
            lower = StepDownProduct(Vector256.Min(sl * xUpper, su * xLower)); // = min of the two stepped corners (monotone step)
            upper = StepUpProduct(Vector256.Max(sl * xLower, su * xUpper));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Vector128<T> xLower, Vector128<T> xUpper, out Vector128<T> lower, out Vector128<T> upper)
    {
        var sl = Vector128.Create(_scaleLower);
        var su = Vector128.Create(_scaleUpper);
        if (_sign > 0)
        {
            lower = MulDownByRelativeStep(Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(xLower, Vector128<T>.Zero), sl, su), xLower);
            upper = MulUpByRelativeStep(Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(xUpper, Vector128<T>.Zero), su, sl), xUpper);
        }
        else if (_sign < 0)
        {
            lower = MulDownByRelativeStep(Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(xUpper, Vector128<T>.Zero), sl, su), xUpper);
            upper = MulUpByRelativeStep(Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(xLower, Vector128<T>.Zero), su, sl), xLower);
        }
        else
        {
            lower = StepDownProduct(Vector128.Min(sl * xUpper, su * xLower)); // = min of the two stepped corners (monotone step)
            upper = StepUpProduct(Vector128.Max(sl * xLower, su * xUpper));
        }
    }
}
