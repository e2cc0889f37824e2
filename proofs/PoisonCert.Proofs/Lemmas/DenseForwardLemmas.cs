using Microsoft.Z3;

namespace PoisonCert.Proofs.Lemmas;

/// <summary>
/// Dense forward pass, midpoint-radius, with the FLOAT PROGRAM's rounding covered. For A = A_c ± A_r (m×k) and
/// B = B_c ± B_r (k×n) the engine returns C = fl(A_c·B_c) ± R with
/// <code>
///   R ≥ |A_c|·B_r + A_r·(|B_c| + B_r) + γ_k·|A_c|·|B_c| + k·η          (members, and the centre's rounding)
///     + γ_k·(|A_c| + A_r)·(|B_c| + B_r) + k·η                          (the program's own rounding)
/// </code>
/// Claim (one output entry, k = 2, float32 standard model): for every A' ∈ A, B' ∈ B, the float evaluation of the
/// dot product of the members (each product and each addition rounded with its own δ, plain or fused
/// multiply-add) lies in [C_c − R, C_c + R], where C_c is the standard-model evaluation of the centres.
///
/// One query over all of it does not finish (Z3's nonlinear solver ran for minutes and ignored its interrupt),
/// so the lemma is proved in four universally quantified parts, each instantiated by the same C# function that
/// states it (so the glue is substitution, not retyping):
///   F1 one rounding: RoundedToNearest(P, c) ⇒ |c − P| ≤ γ_1·|P| + η/2;
///   F2 one term: x ∈ a_c ± a_r, y ∈ b_c ± b_r ⇒ |x·y − a_c·b_c| ≤ |a_c|·b_r + a_r·(|b_c| + b_r),
///      |x·y| ≤ (|a_c| + a_r)·(|b_c| + b_r), |a_c·b_c| ≤ |a_c|·|b_c|;
///   F3 the length-2 dot product, from F1 alone (plain: fl(fl(P_0) + fl(P_1)); fused: fl(P_0 + fl(P_1))):
///      |s − Σ P_i| ≤ γ_2·Σ|P_i| + 2η;
///   F4 the combination, in which the program's and the centre's sums are constrained only by F3 and the exact
///      products only by F2 (linear, so Z3 decides it at once): |s_program − C_c| ≤ R.
/// The twin drops the program term and is refuted with the full rounding model (not the abstraction), so the
/// counterexample is one of the standard model itself.
/// </summary>
public class DenseForwardLemmas
{
    private const int Length = 2;

    [Fact]
    public void DenseForward_FloatProgramOnAnyMembers_WithinCentreAndWidenedRadius()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var model = RoundingModel.Single(session);
        var zero = z.MkReal(0);

        // F1
        ArithExpr exact = session.Real("P"), rounded = session.Real("c");
        session.Prove(OneRounding(session, model, exact, rounded), [model.RoundedToNearest(exact, rounded, "one")]);

        // F2
        ArithExpr ac = session.Real("tac"), ar = session.Real("tar"), bc = session.Real("tbc"), br = session.Real("tbr");
        ArithExpr x = session.Real("tx"), y = session.Real("ty");
        session.Prove(OneTerm(session, ac, ar, bc, br, z.MkMul(x, y)),
            [z.MkGe(ar, zero), z.MkGe(br, zero), session.Within(x, z.MkSub(ac, ar), z.MkAdd(ac, ar)), session.Within(y, z.MkSub(bc, br), z.MkAdd(bc, br))]);

        // F3, plain and fused evaluation (for k = 2 every order of the sum is one of these, up to commutativity)
        foreach (var fused in new[] { false, true })
        {
            var products = session.Reals(fused ? "fP" : "pP", Length);
            var roundedProducts = session.Reals(fused ? "fc" : "pc", Length);
            var sum = session.Real(fused ? "fs" : "ps");
            var assumptions = new List<BoolExpr> { OneRounding(session, model, products[1], roundedProducts[1]) };
            if (fused)
            {
                assumptions.Add(OneRounding(session, model, z.MkAdd(products[0], roundedProducts[1]), sum));
            }
            else
            {
                assumptions.Add(OneRounding(session, model, products[0], roundedProducts[0]));
                assumptions.Add(OneRounding(session, model, z.MkAdd(roundedProducts[0], roundedProducts[1]), sum));
            }
            session.Prove(DotProduct(session, model, products, sum), assumptions);
        }

        // F4
        var (combination, program, centre, radius) = Combination(session, model);
        session.Prove(z.MkLe(session.Abs(z.MkSub(program, centre)), radius), combination);
    }

    [Fact]
    public void DenseForward_WithoutProgramTerm_IsRefuted()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var (assumptions, program, centre, radius) = FullModel(session, RoundingModel.Single(session), withProgramTerm: false);
        // A fixed box (centres 1, radii 1/2) keeps the search short; members and every δ stay free.
        foreach (var name in new[] { "ac0", "ac1", "bc0", "bc1" }) assumptions.Add(z.MkEq(session.Real(name), z.MkReal(1)));
        foreach (var name in new[] { "ar0", "ar1", "br0", "br1" }) assumptions.Add(z.MkEq(session.Real(name), z.MkReal(1, 2)));
        session.Refute(z.MkLe(session.Abs(z.MkSub(program, centre)), radius), assumptions);
    }

    // F1's conclusion.
    private static BoolExpr OneRounding(ProofSession session, RoundingModel model, ArithExpr exact, ArithExpr rounded)
    {
        var z = session.Context;
        var half = z.MkDiv(model.SmallestSubnormal, z.MkReal(2));
        return z.MkLe(session.Abs(z.MkSub(rounded, exact)), z.MkAdd(z.MkMul(model.Gamma(1), session.Abs(exact)), half));
    }

    private static ArithExpr TermRadius(ProofSession s, ArithExpr ac, ArithExpr ar, ArithExpr bc, ArithExpr br)
        => s.Context.MkAdd(s.Context.MkMul(s.Abs(ac), br), s.Context.MkMul(ar, s.Context.MkAdd(s.Abs(bc), br)));

    private static ArithExpr MemberMagnitude(ProofSession s, ArithExpr ac, ArithExpr ar, ArithExpr bc, ArithExpr br)
        => s.Context.MkMul(s.Context.MkAdd(s.Abs(ac), ar), s.Context.MkAdd(s.Abs(bc), br));

    private static ArithExpr CentreMagnitude(ProofSession s, ArithExpr ac, ArithExpr bc) => s.Context.MkMul(s.Abs(ac), s.Abs(bc));

    // F2's conclusion.
    private static BoolExpr OneTerm(ProofSession s, ArithExpr ac, ArithExpr ar, ArithExpr bc, ArithExpr br, ArithExpr product)
    {
        var z = s.Context;
        return z.MkAnd(z.MkLe(s.Abs(z.MkSub(product, z.MkMul(ac, bc))), TermRadius(s, ac, ar, bc, br)),
            z.MkLe(s.Abs(product), MemberMagnitude(s, ac, ar, bc, br)),
            z.MkLe(s.Abs(z.MkMul(ac, bc)), CentreMagnitude(s, ac, bc)));
    }

    // F3's conclusion.
    private static BoolExpr DotProduct(ProofSession session, RoundingModel model, ArithExpr[] exactProducts, ArithExpr rounded)
    {
        var z = session.Context;
        var bound = z.MkAdd(z.MkMul(model.Gamma(exactProducts.Length), session.Sum(exactProducts.Select(session.Abs))),
            z.MkMul(z.MkReal(exactProducts.Length), model.SmallestSubnormal));
        return z.MkLe(session.Abs(z.MkSub(rounded, session.Sum(exactProducts))), bound);
    }

    // The engine's radius over the per-term parts (term radius, |a_c||b_c|, (|a_c| + a_r)(|b_c| + b_r)).
    private static ArithExpr Radius(ProofSession session, RoundingModel model, ArithExpr[] termRadius, ArithExpr[] centreMagnitude,
        ArithExpr[] memberMagnitude, bool withProgramTerm)
    {
        var z = session.Context;
        var gamma = model.Gamma(Length);
        var keta = z.MkMul(z.MkReal(Length), model.SmallestSubnormal);
        var terms = new List<ArithExpr>(termRadius) { z.MkMul(gamma, session.Sum(centreMagnitude)), keta };
        if (withProgramTerm) terms.AddRange([z.MkMul(gamma, session.Sum(memberMagnitude)), keta]);
        return session.Sum(terms);
    }

    // F4: F2's conclusions on named per-term parts, F3's conclusion for the program and for the centre; R at least
    // the engine's radius over the same parts.
    private static (List<BoolExpr>, ArithExpr Program, ArithExpr Centre, ArithExpr Radius) Combination(ProofSession session, RoundingModel model)
    {
        var z = session.Context;
        var memberProducts = session.Reals("X", Length);
        var centreProducts = session.Reals("Q", Length);
        var termRadius = session.Reals("T", Length);
        var memberMagnitude = session.Reals("M", Length);
        var centreMagnitude = session.Reals("A", Length);
        var assumptions = new List<BoolExpr>();
        for (var i = 0; i < Length; i++)
        {
            assumptions.Add(z.MkLe(session.Abs(z.MkSub(memberProducts[i], centreProducts[i])), termRadius[i]));
            assumptions.Add(z.MkLe(session.Abs(memberProducts[i]), memberMagnitude[i]));
            assumptions.Add(z.MkLe(session.Abs(centreProducts[i]), centreMagnitude[i]));
        }
        ArithExpr program = session.Real("programSum"), centre = session.Real("centreSum"), radius = session.Real("R");
        assumptions.Add(DotProduct(session, model, memberProducts, program));
        assumptions.Add(DotProduct(session, model, centreProducts, centre));
        assumptions.Add(z.MkGe(radius, Radius(session, model, termRadius, centreMagnitude, memberMagnitude, withProgramTerm: true)));
        return (assumptions, program, centre, radius);
    }

    // The whole statement with the disjunctive rounding model on every operation (used for the twin).
    private static (List<BoolExpr>, ArithExpr Program, ArithExpr Centre, ArithExpr Radius) FullModel(ProofSession session, RoundingModel model, bool withProgramTerm)
    {
        var z = session.Context;
        var ac = session.Reals("ac", Length); var ar = session.Reals("ar", Length);
        var bc = session.Reals("bc", Length); var br = session.Reals("br", Length);
        var x = session.Reals("x", Length); var y = session.Reals("y", Length);
        var zero = z.MkReal(0);
        var assumptions = new List<BoolExpr>();
        for (var i = 0; i < Length; i++)
        {
            assumptions.Add(z.MkGe(ar[i], zero));
            assumptions.Add(z.MkGe(br[i], zero));
            assumptions.Add(session.Within(x[i], z.MkSub(ac[i], ar[i]), z.MkAdd(ac[i], ar[i])));
            assumptions.Add(session.Within(y[i], z.MkSub(bc[i], br[i]), z.MkAdd(bc[i], br[i])));
        }
        ArithExpr FloatDot(ArithExpr[] left, ArithExpr[] right, string tag)
        {
            var products = session.Reals($"{tag}p", Length);
            for (var i = 0; i < Length; i++) assumptions.Add(model.RoundedToNearest(z.MkMul(left[i], right[i]), products[i], $"{tag}p{i}"));
            var sum = session.Real($"{tag}s");
            assumptions.Add(model.RoundedToNearest(z.MkAdd(products[0], products[1]), sum, $"{tag}s"));
            return sum;
        }
        var program = FloatDot(x, y, "x");
        var centre = FloatDot(ac, bc, "c");
        var termRadius = Enumerable.Range(0, Length).Select(i => TermRadius(session, ac[i], ar[i], bc[i], br[i])).ToArray();
        var centreMagnitude = Enumerable.Range(0, Length).Select(i => CentreMagnitude(session, ac[i], bc[i])).ToArray();
        var memberMagnitude = Enumerable.Range(0, Length).Select(i => MemberMagnitude(session, ac[i], ar[i], bc[i], br[i])).ToArray();
        var radius = Radius(session, model, termRadius, centreMagnitude, memberMagnitude, withProgramTerm);
        return (assumptions, program, centre, radius);
    }
}
