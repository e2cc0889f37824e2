using Microsoft.Z3;

namespace PoisonCert.Proofs.Lemmas;

/// <summary>
/// Which way a relative rounding error is written: Standard, fl(x) = x·(1 + δ) with no underflow; Inverse,
/// x = fl(x)·(1 + δ) with the subnormal regime (<see cref="RoundingModel.RoundedToNearest"/>).
/// </summary>
public enum RoundingForm { Standard, Inverse }

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

    /// <summary>γ_n = n·u / (1 − n·u).</summary>
    public ArithExpr Gamma(int n)
    {
        var nu = Z.MkMul(Z.MkReal(n), UnitRoundoff);
        return Z.MkDiv(nu, Z.MkSub(Z.MkReal(1), nu));
    }

    /// <summary>The absolute error a rounded product may have: 0 in the standard form, η/2 with the subnormal regime.</summary>
    public ArithExpr ProductAbsolute(RoundingForm form)
        => form == RoundingForm.Standard ? Z.MkReal(0) : Z.MkDiv(SmallestSubnormal, Z.MkReal(2));

    /// <summary>Relative-only rounding of <paramref name="exact"/> into <paramref name="rounded"/> in the given form (fresh δ named by <paramref name="tag"/>).</summary>
    public BoolExpr Relative(RoundingForm form, ArithExpr exact, ArithExpr rounded, string tag)
    {
        var delta = _session.Real($"delta_{tag}");
        var factor = Z.MkAdd(Z.MkReal(1), delta);
        return Z.MkAnd(_session.RoundingError(delta, UnitRoundoff),
            form == RoundingForm.Standard ? Z.MkEq(rounded, Z.MkMul(exact, factor)) : Z.MkEq(exact, Z.MkMul(rounded, factor)));
    }

    /// <summary>The rounding of a product: relative in the standard form, normal or subnormal (<see cref="RoundedToNearest"/>) in the inverse one.</summary>
    public BoolExpr Product(RoundingForm form, ArithExpr exact, ArithExpr rounded, string tag)
        => form == RoundingForm.Standard ? Relative(form, exact, rounded, tag) : RoundedToNearest(exact, rounded, tag);

    /// <summary>One rounding's error against the exact value: |c − r| ≤ γ_1·|r| + t.</summary>
    public BoolExpr ErrorOfExact(ArithExpr exact, ArithExpr rounded, ArithExpr absolute)
        => Z.MkLe(_session.Abs(Z.MkSub(rounded, exact)), Z.MkAdd(Z.MkMul(Gamma(1), _session.Abs(exact)), absolute));

    /// <summary>One rounding's error against the computed value: |c − r| ≤ γ_1·|c| + t.</summary>
    public BoolExpr ErrorOfComputed(ArithExpr exact, ArithExpr rounded, ArithExpr absolute)
        => Z.MkLe(_session.Abs(Z.MkSub(rounded, exact)), Z.MkAdd(Z.MkMul(Gamma(1), _session.Abs(rounded)), absolute));

    /// <summary>The error bound of a rounded sum of two rounded products: γ_2·(|P_0| + |P_1|) + 2t·(1 + γ_1).</summary>
    public ArithExpr TwoTermBound(ArithExpr exact0, ArithExpr exact1, ArithExpr absolute)
        => Z.MkAdd(Z.MkMul(Gamma(2), Z.MkAdd(_session.Abs(exact0), _session.Abs(exact1))),
            Z.MkMul(Z.MkReal(2), absolute, Z.MkAdd(Z.MkReal(1), Gamma(1))));

    /// <summary>|s − (P_0 + P_1)| ≤ <see cref="TwoTermBound"/>.</summary>
    public BoolExpr TwoTermSum(ArithExpr exact0, ArithExpr exact1, ArithExpr sum, ArithExpr absolute)
        => Z.MkLe(_session.Abs(Z.MkSub(sum, Z.MkAdd(exact0, exact1))), TwoTermBound(exact0, exact1, absolute));
}
