using Microsoft.Z3;

namespace PoisonCert.Proofs.Lemmas;

/// <summary>
/// Monotonicity of round to nearest, and the bias add and ReLU of the forward pass. Round to nearest is the
/// choice of a nearest representable value (<see cref="NearestRounding"/>), with the set of representable numbers
/// an uninterpreted predicate Rep and the definition quantified over all of it:
/// <code>
///   Rep(c) ∧ ∀f. Rep(f) ⇒ |c − r| ≤ |f − r|        (c = fl(r))
/// </code>
/// Claim 1: if L ≤ r ≤ U with L and U representable, then L ≤ fl(r) ≤ U. This is the inductive step that lets
/// an engine whose every endpoint is a float, outward-rounded, and whose operations mirror the program's, enclose
/// the value the float PROGRAM computes (not only the exact one).
/// Claim 2 (bias add, then ReLU): for z ∈ [zl, zu], b ∈ [bl, bu], L = AddDown(zl, bl), U = AddUp(zu, bu) (floats
/// with L ≤ zl + bl, U ≥ zu + bu; AddDown/AddUp themselves are DirectedRoundingLemmas' IntervalSum lemma), both the
/// exact relu(z + b) and the program's relu(fl(z + b)) lie in [max(L, 0), max(U, 0)]. max is exact in floats.
/// No overflow is modelled (the engine rejects non-finite bounds). Claim 1's twin drops the representability of
/// L, in a concrete format where only fl(r) and U are representable (so that Z3 can exhibit the format); claim
/// 2's twin rounds the endpoints to nearest instead of outward, and the exact sum escapes.
/// </summary>
public class MonotoneRoundingLemmas
{
    [Fact]
    public void RoundToNearest_ExactResultBetweenRepresentableBounds_StaysBetween()
    {
        using var session = new ProofSession();
        var (assumptions, representable, lower, upper, rounded) = MonotoneSetup(session);
        assumptions.Add(representable(lower));
        assumptions.Add(representable(upper));
        session.Prove(session.Within(rounded, lower, upper), assumptions);
    }

    [Fact]
    public void RoundToNearest_LowerBoundNotRepresentable_IsRefuted()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var (assumptions, representable, lower, upper, rounded) = MonotoneSetup(session);
        // A concrete format in which only c and U are representable (the lower bound is only a real number).
        var f = (ArithExpr)z.MkConst("g", z.RealSort);
        assumptions.Add(z.MkForall([f], z.MkEq(representable(f), z.MkOr(z.MkEq(f, rounded), z.MkEq(f, upper)))));
        session.Refute(session.Within(rounded, lower, upper), assumptions);
    }

    [Fact]
    public void BiasAddRelu_ExactAndFloatProgram_WithinOutwardBounds()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var (assumptions, exactSum, programSum, lower, upper) = BiasSetup(session, outward: true);
        var zero = z.MkReal(0);
        ArithExpr reluLower = session.Max(lower, zero), reluUpper = session.Max(upper, zero);
        session.Prove(z.MkAnd(
                session.Within(exactSum, lower, upper),
                session.Within(programSum, lower, upper),
                session.Within(session.Max(exactSum, zero), reluLower, reluUpper),
                session.Within(session.Max(programSum, zero), reluLower, reluUpper)),
            assumptions);
    }

    [Fact]
    public void BiasAdd_EndpointsRoundedToNearest_ExactSumEscapes_IsRefuted()
    {
        using var session = new ProofSession();
        var (assumptions, exactSum, _, lower, upper) = BiasSetup(session, outward: false);
        session.Refute(session.Within(exactSum, lower, upper), assumptions);
    }

    private static (FuncDecl Rep, Func<ArithExpr, BoolExpr> Representable, Func<ArithExpr, ArithExpr, BoolExpr> IsNearest) Nearest(ProofSession session)
    {
        var z = session.Context;
        var rep = z.MkFuncDecl("Rep", z.RealSort, z.BoolSort);
        BoolExpr Representable(ArithExpr x) => (BoolExpr)rep.Apply(x);
        BoolExpr IsNearest(ArithExpr exact, ArithExpr rounded)
        {
            var f = (ArithExpr)z.MkConst(z.MkSymbol($"f_{rounded}"), z.RealSort);
            var nearest = z.MkForall([f], z.MkImplies(Representable(f),
                    z.MkLe(session.Abs(z.MkSub(rounded, exact)), session.Abs(z.MkSub(f, exact)))),
                patterns: [z.MkPattern(Representable(f))]);
            return z.MkAnd(Representable(rounded), nearest);
        }
        return (rep, Representable, IsNearest);
    }

    private static (List<BoolExpr>, Func<ArithExpr, BoolExpr>, ArithExpr Lower, ArithExpr Upper, ArithExpr Rounded) MonotoneSetup(ProofSession session)
    {
        var (_, representable, isNearest) = Nearest(session);
        ArithExpr exact = session.Real("r"), rounded = session.Real("c"), lower = session.Real("L"), upper = session.Real("U");
        var assumptions = new List<BoolExpr> { session.Within(exact, lower, upper), isNearest(exact, rounded) };
        return (assumptions, representable, lower, upper, rounded);
    }

    private static (List<BoolExpr>, ArithExpr ExactSum, ArithExpr ProgramSum, ArithExpr Lower, ArithExpr Upper) BiasSetup(ProofSession session, bool outward)
    {
        var z = session.Context;
        var (_, representable, isNearest) = Nearest(session);
        ArithExpr zl = session.Real("zl"), zu = session.Real("zu"), bl = session.Real("bl"), bu = session.Real("bu");
        ArithExpr pre = session.Real("z"), bias = session.Real("b"), programSum = session.Real("c");
        ArithExpr lower = session.Real("L"), upper = session.Real("U");
        var exactSum = z.MkAdd(pre, bias);
        var assumptions = new List<BoolExpr>
        {
            session.Within(pre, zl, zu), session.Within(bias, bl, bu),
            isNearest(exactSum, programSum),
        };
        if (outward)
        {
            assumptions.AddRange([representable(lower), z.MkLe(lower, z.MkAdd(zl, bl)), representable(upper), z.MkGe(upper, z.MkAdd(zu, bu))]);
        }
        else
        {
            assumptions.AddRange([isNearest(z.MkAdd(zl, bl), lower), isNearest(z.MkAdd(zu, bu), upper)]);
        }
        return (assumptions, exactSum, programSum, lower, upper);
    }
}
