using Microsoft.Z3;

namespace PoisonCert.Proofs.Lemmas;

/// <summary>
/// Gradient clipping transformers.
/// Clamp to [−γ, γ] (exact in floats: min and max do not round) maps [l, u] into [clamp(l), clamp(u)].
/// Norm clipping of a 2-coordinate gradient, g ↦ g·min(1, C/‖g‖₂) (C &gt; 0, C/0 = +∞ so the factor is 1 at g = 0),
/// for g in a box: the engine bounds ‖g‖² ∈ [Nl, Nu] = [Σ mig(g_i)², Σ mag(g_i)²] (mig: the distance of the
/// interval from 0; mag: the largest |endpoint|), the factor f ∈ [min(1, C/√Nu), min(1, C/√Nl)], then each
/// coordinate by the interval product [g_i]·[f]. Every engine step is outward rounded (Nl, √Nl, the upper factor
/// and the product's lower corner rounded down, the others up); √ is a variable r ≥ 0 with r² = N for the exact
/// norm, r² ≤ N (down) or r² ≥ N (up) for the engine's. The claim is about the exact clipped gradient.
/// Proved in two parts (one query over both ran for minutes without an answer): the factor lies in [fl, fu], then the
/// clipped coordinate g_i·f lies in the product, from g_i ∈ [l_i, u_i] and f ∈ [fl, fu] alone.
/// </summary>
public class ClippingLemmas
{
    [Fact]
    public void ClampBox_AnyMember_WithinClampedEndpoints()
    {
        using var session = new ProofSession();
        var (assumptions, clamped, lower, upper) = ClampSetup(session, oneSided: false);
        session.Prove(session.Within(clamped, lower, upper), assumptions);
    }

    [Fact]
    public void ClampBox_OneSidedEndpointClipping_IsRefuted()
    {
        using var session = new ProofSession();
        var (assumptions, clamped, lower, upper) = ClampSetup(session, oneSided: true);
        session.Refute(session.Within(clamped, lower, upper), assumptions);
    }

    // The twin clips each endpoint on its own side only: [max(l, −γ), min(u, γ)] (wrong when l > γ or u < −γ).
    private static (BoolExpr[], ArithExpr Clamped, ArithExpr Lower, ArithExpr Upper) ClampSetup(ProofSession session, bool oneSided)
    {
        var z = session.Context;
        ArithExpr l = session.Real("l"), u = session.Real("u"), x = session.Real("x"), gamma = session.Real("gamma");
        var minusGamma = z.MkUnaryMinus(gamma);
        ArithExpr Clamp(ArithExpr v) => session.Min(session.Max(v, minusGamma), gamma);
        var lower = oneSided ? session.Max(l, minusGamma) : Clamp(l);
        var upper = oneSided ? session.Min(u, gamma) : Clamp(u);
        return ([z.MkGe(gamma, z.MkReal(0)), session.Within(x, l, u)], Clamp(x), lower, upper);
    }

    [Fact]
    public void NormClipping_AnyGradientInBox_WithinIntervalProductWithFactorBounds()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var clip = new NormClip(session, pointFactor: false);
        session.Prove(session.Within(clip.Factor, clip.FactorLower, clip.FactorUpper), clip.Assumptions);

        // Part 2: for any x ∈ [l, u], f ∈ [a, b], outward-rounded corners of the product enclose x·f.
        ArithExpr l = session.Real("pl"), u = session.Real("pu"), a = session.Real("pa"), b = session.Real("pb");
        ArithExpr x = session.Real("px"), f = session.Real("pf"), lower = session.Real("pL"), upper = session.Real("pU");
        var (productLower, productUpper) = CornerProduct(session, l, u, a, b);
        session.Prove(session.Within(z.MkMul(x, f), lower, upper),
            [session.Within(x, l, u), session.Within(f, a, b), z.MkLe(lower, productLower), z.MkGe(upper, productUpper)]);
    }

    [Fact]
    public void NormClipping_PointFactorFromSmallestNorm_IsRefuted()
    {
        using var session = new ProofSession();
        var clip = new NormClip(session, pointFactor: true);
        var refuted = Enumerable.Range(0, 2).Any(i => !session.Holds(
            session.Within(clip.Clipped[i], clip.CoordinateLower[i], clip.CoordinateUpper[i]), clip.Assumptions));
        Assert.True(refuted, "a point factor min(1, C/√Nl) should admit a clipped coordinate outside its bound");
    }

    private static (ArithExpr Lower, ArithExpr Upper) CornerProduct(ProofSession session, ArithExpr l, ArithExpr u, ArithExpr a, ArithExpr b)
    {
        var z = session.Context;
        var corners = new ArithExpr[] { z.MkMul(l, a), z.MkMul(l, b), z.MkMul(u, a), z.MkMul(u, b) };
        return (corners.Aggregate(session.Min), corners.Aggregate(session.Max));
    }

    private sealed class NormClip
    {
        public List<BoolExpr> Assumptions { get; } = new();
        public ArithExpr Factor { get; }
        public ArithExpr FactorLower { get; }
        public ArithExpr FactorUpper { get; }
        public ArithExpr[] Clipped { get; }
        public ArithExpr[] CoordinateLower { get; }
        public ArithExpr[] CoordinateUpper { get; }

        // pointFactor (the twin): the engine uses the point factor [min(1, C/√Nl), min(1, C/√Nl)], every step exact.
        public NormClip(ProofSession session, bool pointFactor)
        {
            var z = session.Context;
            var tight = pointFactor;
            ArithExpr zero = z.MkReal(0), one = z.MkReal(1);
            var threshold = session.Real("C");
            var lower = session.Reals("l", 2);
            var upper = session.Reals("u", 2);
            var gradient = session.Reals("g", 2);
            Assumptions.Add(z.MkGt(threshold, zero));
            for (var i = 0; i < 2; i++) Assumptions.Add(session.Within(gradient[i], lower[i], upper[i]));

            // The exact clipped gradient: r = ‖g‖₂, f = 1 if r ≤ C, else C/r (stated as f·r = C).
            ArithExpr norm = session.Real("r");
            Factor = session.Real("f");
            Assumptions.Add(z.MkGe(norm, zero));
            Assumptions.Add(z.MkEq(z.MkMul(norm, norm), session.Sum(gradient.Select(g => (ArithExpr)z.MkMul(g, g)))));
            Assumptions.Add(z.MkOr(z.MkAnd(z.MkLe(norm, threshold), z.MkEq(Factor, one)),
                z.MkAnd(z.MkGt(norm, threshold), z.MkEq(z.MkMul(Factor, norm), threshold))));
            Clipped = gradient.Select(g => (ArithExpr)z.MkMul(g, Factor)).ToArray();

            // The engine.
            ArithExpr Mig(int i) => (ArithExpr)z.MkITE(session.Within(zero, lower[i], upper[i]), zero,
                session.Min(session.Abs(lower[i]), session.Abs(upper[i])));
            ArithExpr Mag(int i) => session.Max(session.Abs(lower[i]), session.Abs(upper[i]));
            ArithExpr Square(ArithExpr v) => z.MkMul(v, v);
            ArithExpr squaredLower = session.Real("Nl"), squaredUpper = session.Real("Nu");
            ArithExpr rootLower = session.Real("rl"), rootUpper = session.Real("ru");
            var migSum = session.Sum(Enumerable.Range(0, 2).Select(i => Square(Mig(i))));
            var magSum = session.Sum(Enumerable.Range(0, 2).Select(i => Square(Mag(i))));
            Assumptions.AddRange([z.MkGe(squaredLower, zero), z.MkGe(rootLower, zero), z.MkGe(rootUpper, zero)]);
            Assumptions.Add(tight ? z.MkEq(squaredLower, migSum) : z.MkLe(squaredLower, migSum));
            Assumptions.Add(tight ? z.MkEq(squaredUpper, magSum) : z.MkGe(squaredUpper, magSum));
            Assumptions.Add(tight ? z.MkEq(Square(rootLower), squaredLower) : z.MkLe(Square(rootLower), squaredLower));
            Assumptions.Add(tight ? z.MkEq(Square(rootUpper), squaredUpper) : z.MkGe(Square(rootUpper), squaredUpper));

            // fl ≤ min(1, C/ru) ⇔ fl ≤ 1 ∧ fl·ru ≤ C (also at ru = 0, where C/ru = +∞);
            // fu ≥ min(1, C/rl) ⇔ (rl ≤ C ⇒ fu ≥ 1) ∧ (rl > C ⇒ fu·rl ≥ C).
            FactorLower = session.Real("fl");
            FactorUpper = session.Real("fu");
            if (pointFactor)
            {
                Assumptions.Add(z.MkEq(FactorUpper, z.MkITE(z.MkLe(rootLower, threshold), one, z.MkDiv(threshold, rootLower))));
                Assumptions.Add(z.MkEq(FactorLower, FactorUpper));
            }
            else
            {
                Assumptions.Add(z.MkAnd(z.MkLe(FactorLower, one), z.MkLe(z.MkMul(FactorLower, rootUpper), threshold)));
                Assumptions.Add(z.MkAnd(z.MkImplies(z.MkLe(rootLower, threshold), z.MkGe(FactorUpper, one)),
                    z.MkImplies(z.MkGt(rootLower, threshold), z.MkGe(z.MkMul(FactorUpper, rootLower), threshold))));
            }

            CoordinateLower = session.Reals("cl", 2);
            CoordinateUpper = session.Reals("cu", 2);
            for (var i = 0; i < 2; i++)
            {
                var (productLower, productUpper) = CornerProduct(session, lower[i], upper[i], FactorLower, FactorUpper);
                Assumptions.Add(tight ? z.MkEq(CoordinateLower[i], productLower) : z.MkLe(CoordinateLower[i], productLower));
                Assumptions.Add(tight ? z.MkEq(CoordinateUpper[i], productUpper) : z.MkGe(CoordinateUpper[i], productUpper));
            }
        }
    }
}
