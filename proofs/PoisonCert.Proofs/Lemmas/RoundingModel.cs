using Microsoft.Z3;

namespace PoisonCert.Proofs.Lemmas;

/// <summary>
/// The standard model of floating-point arithmetic used by the lemmas (Higham, Accuracy and Stability of Numerical
/// Algorithms, 2002, (2.4)–(2.5) and §2.1 on underflow), over the reals:
/// <code>
///   normal result:     exact = computed · (1 + δ),   |δ| ≤ u        (round to nearest, no underflow)
///   subnormal result:  exact = computed + e,         |e| ≤ η / 2     (η = smallest positive subnormal)
///   one step outward:  NextUp(c) ≥ c + u·|c| for normal c;  NextUp(c) = c + η for subnormal c
/// </code>
/// For normal c in a binade [2^k, 2^(k+1)), one ulp is 2u·2^k ≥ u·|c| (equality only at negative powers of
/// two, where the step toward zero is half as large), which gives the third line.
/// </summary>
internal sealed class RoundingModel
{
    private readonly ProofSession _session;

    public RoundingModel(ProofSession session, ArithExpr unitRoundoff, ArithExpr smallestSubnormal)
    {
        _session = session;
        UnitRoundoff = unitRoundoff;
        SmallestSubnormal = smallestSubnormal;
    }

    public ArithExpr UnitRoundoff { get; }
    public ArithExpr SmallestSubnormal { get; }

    public static RoundingModel Single(ProofSession session)
        => new(session, session.PowerOfTwo(-24), session.PowerOfTwo(-149));

    public static RoundingModel Double(ProofSession session)
        => new(session, session.PowerOfTwo(-53), session.PowerOfTwo(-1074));

    private Context Z => _session.Context;

    /// <summary>
    /// Constraints saying that <paramref name="computed"/> is a round-to-nearest result of the exact value
    /// <paramref name="exact"/>, in either the normal or the subnormal regime (fresh error variables named by
    /// <paramref name="tag"/>).
    /// </summary>
    public BoolExpr RoundedToNearest(ArithExpr exact, ArithExpr computed, string tag)
    {
        var delta = _session.Real($"delta_{tag}");
        var absolute = _session.Real($"e_{tag}");
        var half = Z.MkDiv(SmallestSubnormal, Z.MkReal(2));
        var normal = Z.MkAnd(_session.RoundingError(delta, UnitRoundoff),
            Z.MkEq(exact, Z.MkMul(computed, Z.MkAdd(Z.MkReal(1), delta))));
        var subnormal = Z.MkAnd(_session.Within(absolute, Z.MkUnaryMinus(half), half),
            Z.MkEq(exact, Z.MkAdd(computed, absolute)));
        return Z.MkOr(normal, subnormal);
    }

    /// <summary>Constraints for <paramref name="up"/> being at least one outward step above <paramref name="computed"/>.</summary>
    public BoolExpr SteppedUp(ArithExpr computed, ArithExpr up)
        => Z.MkGe(up, Z.MkAdd(computed, _session.Max(Z.MkMul(UnitRoundoff, _session.Abs(computed)), SmallestSubnormal)));

    /// <summary>Constraints for <paramref name="down"/> being at least one outward step below <paramref name="computed"/>.</summary>
    public BoolExpr SteppedDown(ArithExpr computed, ArithExpr down)
        => Z.MkLe(down, Z.MkSub(computed, _session.Max(Z.MkMul(UnitRoundoff, _session.Abs(computed)), SmallestSubnormal)));
}
