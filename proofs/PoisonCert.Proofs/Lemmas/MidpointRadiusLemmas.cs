using Microsoft.Z3;

namespace PoisonCert.Proofs.Lemmas;

/// <summary>
/// The midpoint-radius interval product (Rump, "Fast and parallel interval arithmetic", BIT 39, 1999), as used by
/// the midpoint-radius matrix kernels: for A = [A_c ± A_r] and B = [B_c ± B_r],
/// <code>
///   every member product lies in  fl(A_c·B_c) ± R,
///   R ≥ |A_c|·B_r + A_r·(|B_c| + B_r) + γ_k·|A_c|·|B_c| + k·η
/// </code>
/// proved in three parts, one Z3 query each (entrywise; a matrix entry is a dot product of length k):
///   1. per term, |x·y − a_c·b_c| ≤ |a_c|·b_r + a_r·(|b_c| + b_r) for x ∈ a_c ± a_r, y ∈ b_c ± b_r (exact);
///   2. the floating-point centre of a dot product of length k is within γ_k·Σ|a_c||b_c| + k·η of the exact one
///      (Higham (3.5) with the underflow term); Z3 proves the case k = 2 here (longer lengths exceed what its
///      nonlinear solver decides in seconds; the general case is Higham's Lemma 3.1 and is exercised by the
///      kernels' property tests against exact rationals);
///   3. a non-negative sum computed in floating point, c, bounds the exact sum s by s ≤ (c + m·η)/(1 − γ_m)
///      (ErrorBounds.InflateNonNegative), so the radius computed by ordinary matrix products and then inflated is
///      an upper bound of the exact R.
/// Summing part 1 over the terms with the triangle inequality and adding part 2 gives the enclosure.
/// </summary>
public class MidpointRadiusLemmas
{
    [Fact]
    public void MidpointRadiusTerm_AnyMembers_WithinRadius()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var (assumptions, ac, ar, bc, br, x, y) = TermSetup(session);
        var radius = z.MkAdd(z.MkMul(session.Abs(ac), br), z.MkMul(ar, z.MkAdd(session.Abs(bc), br)));
        session.Prove(z.MkLe(session.Abs(z.MkSub(z.MkMul(x, y), z.MkMul(ac, bc))), radius), assumptions);
    }

    [Fact]
    public void MidpointRadiusTerm_WithoutRadiusProduct_IsRefuted()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var (assumptions, ac, ar, bc, br, x, y) = TermSetup(session);
        var tooSmall = z.MkAdd(z.MkMul(session.Abs(ac), br), z.MkMul(ar, session.Abs(bc))); // drops a_r·b_r
        session.Refute(z.MkLe(session.Abs(z.MkSub(z.MkMul(x, y), z.MkMul(ac, bc))), tooSmall), assumptions);
    }

    // One term: centres and radii (radii ≥ 0) and members x ∈ a_c ± a_r, y ∈ b_c ± b_r.
    private static (BoolExpr[], ArithExpr Ac, ArithExpr Ar, ArithExpr Bc, ArithExpr Br, ArithExpr X, ArithExpr Y) TermSetup(ProofSession session)
    {
        var z = session.Context;
        ArithExpr ac = session.Real("ac"), ar = session.Real("ar"), bc = session.Real("bc"), br = session.Real("br");
        ArithExpr x = session.Real("x"), y = session.Real("y");
        var zero = z.MkReal(0);
        BoolExpr[] assumptions =
        [
            z.MkGe(ar, zero), z.MkGe(br, zero),
            session.Within(x, z.MkSub(ac, ar), z.MkAdd(ac, ar)), session.Within(y, z.MkSub(bc, br), z.MkAdd(bc, br)),
        ];
        return (assumptions, ac, ar, bc, br, x, y);
    }

    [Fact]
    public void DotProductCentre_FloatEvaluationOfLengthTwo_WithinGammaBound()
    {
        using var session = new ProofSession();
        var (assumptions, error, bound) = CentreSetup(session, 2, includeGamma: true);
        session.Prove(z(session).MkLe(error, bound), assumptions, timeoutMilliseconds: 90_000); // ≈15 s on 2 cores
    }

    [Fact]
    public void DotProductCentre_WithoutGammaTerm_IsRefuted()
    {
        using var session = new ProofSession();
        var (assumptions, error, bound) = CentreSetup(session, 2, includeGamma: false);
        session.Refute(z(session).MkLe(error, bound), assumptions);
    }

    private static Context z(ProofSession session) => session.Context;

    // Exact products P_i (any reals), their rounded values c_i, then sequential rounded sums.
    private static (List<BoolExpr>, ArithExpr Error, ArithExpr Bound) CentreSetup(ProofSession session, int length, bool includeGamma)
    {
        var z = session.Context;
        var model = RoundingModel.Single(session);
        var exactProducts = session.Reals("P", length);
        var rounded = session.Reals("c", length);
        var assumptions = new List<BoolExpr>();
        for (var i = 0; i < length; i++) assumptions.Add(model.RoundedToNearest(exactProducts[i], rounded[i], $"product{i}"));
        var running = rounded[0];
        for (var i = 1; i < length; i++)
        {
            var sum = session.Real($"s{i}");
            assumptions.Add(model.RoundedToNearest(z.MkAdd(running, rounded[i]), sum, $"sum{i}"));
            running = sum;
        }
        var error = session.Abs(z.MkSub(running, session.Sum(exactProducts)));
        var u = model.UnitRoundoff;
        var ku = z.MkMul(z.MkReal(length), u);
        var gamma = z.MkDiv(ku, z.MkSub(z.MkReal(1), ku));
        var magnitude = session.Sum(exactProducts.Select(session.Abs));
        var underflow = z.MkMul(z.MkReal(length), model.SmallestSubnormal);
        ArithExpr bound = includeGamma ? z.MkAdd(z.MkMul(gamma, magnitude), underflow) : underflow;
        return (assumptions, error, bound);
    }

    [Fact]
    public void NonNegativeSumInflation_FloatEvaluation_BoundsExactSum()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var model = RoundingModel.Single(session);
        const int length = 3;
        var terms = session.Reals("t", length);
        var assumptions = terms.Select(t => z.MkGe(t, z.MkReal(0))).ToList();
        var running = terms[0];
        for (var i = 1; i < length; i++)
        {
            var sum = session.Real($"s{i}");
            assumptions.Add(model.RoundedToNearest(z.MkAdd(running, terms[i]), sum, $"sum{i}"));
            running = sum;
        }
        var mu = z.MkMul(z.MkReal(length), model.UnitRoundoff);
        var gamma = z.MkDiv(mu, z.MkSub(z.MkReal(1), mu));
        var inflated = z.MkDiv(z.MkAdd(running, z.MkMul(z.MkReal(length), model.SmallestSubnormal)), z.MkSub(z.MkReal(1), gamma));
        session.Prove(z.MkLe(session.Sum(terms), inflated), assumptions);
        session.Refute(z.MkLe(session.Sum(terms), running), assumptions);
    }
}
