using Microsoft.Z3;

namespace PoisonCert.Proofs.Lemmas;

/// <summary>
/// The relative-step product bounds (Rounding.MulDownByRelativeStep / MulUpByRelativeStep, used by the outer
/// product): with p the rounded product of a·b, lower = fl(p − 4u·|p|) − η and upper = fl(p + 4u·|p|) + η
/// enclose a·b. Modelled with the disjunctive rounding model (normal or subnormal regime for each rounding); the
/// final ∓η is exact or moves further outward, so it is modelled as exact.
/// </summary>
public class RelativeStepLemmas
{
    [Fact]
    public void RelativeStepBounds_AnyProduct_EncloseExactProduct()
    {
        using var session = new ProofSession();
        var (assumptions, exact, lower, upper) = Setup(session, includeEta: true);
        session.Prove(session.Within(exact, lower, upper), assumptions);
    }

    [Fact]
    public void RelativeStepBounds_WithoutEtaTerm_IsRefuted()
    {
        using var session = new ProofSession();
        var (assumptions, exact, lower, upper) = Setup(session, includeEta: false);
        session.Refute(session.Within(exact, lower, upper), assumptions);
    }

    private static (List<BoolExpr>, ArithExpr Exact, ArithExpr Lower, ArithExpr Upper) Setup(ProofSession session, bool includeEta)
    {
        var z = session.Context;
        var model = RoundingModel.Single(session);
        ArithExpr exact = session.Real("ab"), product = session.Real("p");
        ArithExpr loweredNearest = session.Real("lowerNearest"), raisedNearest = session.Real("upperNearest");
        var step = z.MkMul(z.MkMul(z.MkReal(4), model.UnitRoundoff), session.Abs(product));
        var assumptions = new List<BoolExpr>
        {
            model.RoundedToNearest(exact, product, "product"),
            model.RoundedToNearest(z.MkSub(product, step), loweredNearest, "lower"),
            model.RoundedToNearest(z.MkAdd(product, step), raisedNearest, "upper"),
        };
        var eta = includeEta ? model.SmallestSubnormal : z.MkReal(0);
        return (assumptions, exact, z.MkSub(loweredNearest, eta), z.MkAdd(raisedNearest, eta));
    }
}
