using Microsoft.Z3;

namespace PoisonCert.Proofs.Lemmas;

/// <summary>
/// Bounds on the loss gradient with respect to the network outputs z ∈ [zl, zu] (per coordinate), with label
/// poisoning. Every engine endpoint is outward rounded: in the proofs a lower endpoint is any value ≤ the formula
/// and an upper endpoint any value ≥ it; in the twins the endpoints equal the formula (the tightest rounding).
/// The claims are about the exact gradient.
///
/// Transcendentals are uninterpreted functions constrained only by the properties the bound relies on, given as
/// instances on the terms the query uses (no quantifiers): σ is strictly increasing on every pair of {zl, z, zu}
/// and 0 &lt; σ &lt; 1 there; exp is positive on every term used, strictly increasing between each shifted output
/// z_i − z_j and the two bound arguments of class i, and exp(z_i − z_j)·exp(z_j) = exp(z_i) (the instance of
/// exp(a)·exp(b) = exp(a + b) the shifted form needs). Fewer assumptions make the proved claims stronger; the
/// twins' wrong bounds are also wrong for the real σ and exp (each is violated at a box corner).
///
/// Not modelled: the engine computes σ and the softmax in double with libm's exp and widens each probability
/// bound by the program's relative error ρ; the lemmas prove the bounds with exact σ and exp (ρ omitted).
/// </summary>
public class LossGradientLemmas
{
    // ---- MSE: L = Σ (z − ỹ)², ∂L/∂z = 2(z − ỹ), ỹ ∈ [y − ν, y + ν] ----

    [Fact]
    public void MseGradient_AnyOutputAndLabelInBox_WithinBounds()
    {
        using var session = new ProofSession();
        var (assumptions, gradient, lower, upper) = MseSetup(session, labelRadiusOnLowerSide: true, tight: false);
        session.Prove(session.Within(gradient, lower, upper), assumptions);
    }

    [Fact]
    public void MseGradient_LowerBoundWithoutLabelRadius_IsRefuted()
    {
        using var session = new ProofSession();
        var (assumptions, gradient, lower, upper) = MseSetup(session, labelRadiusOnLowerSide: false, tight: true);
        assumptions.Add(session.Context.MkGt(session.Real("nu"), session.Context.MkReal(0)));
        session.Refute(session.Within(gradient, lower, upper), assumptions);
    }

    private static (List<BoolExpr>, ArithExpr Gradient, ArithExpr Lower, ArithExpr Upper) MseSetup(
        ProofSession session, bool labelRadiusOnLowerSide, bool tight)
    {
        var z = session.Context;
        ArithExpr zl = session.Real("zl"), zu = session.Real("zu"), output = session.Real("z");
        ArithExpr y = session.Real("y"), nu = session.Real("nu"), label = session.Real("yTilde");
        ArithExpr lower = session.Real("L"), upper = session.Real("U");
        var two = z.MkReal(2);
        var lowerFormula = z.MkMul(two, z.MkSub(zl, labelRadiusOnLowerSide ? z.MkAdd(y, nu) : y));
        var upperFormula = z.MkMul(two, z.MkSub(zu, z.MkSub(y, nu)));
        var assumptions = new List<BoolExpr>
        {
            z.MkGe(nu, z.MkReal(0)), session.Within(output, zl, zu), session.Within(label, z.MkSub(y, nu), z.MkAdd(y, nu)),
            Outward(session, lower, lowerFormula, upper, upperFormula, tight),
        };
        return (assumptions, z.MkMul(two, z.MkSub(output, label)), lower, upper);
    }

    // ---- Binary cross-entropy with logits: ∂L/∂z = σ(z) − ỹ, ỹ ∈ {0, 1} ----

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BinaryCrossEntropyGradient_AnyOutputAndAllowedLabel_WithinBounds(bool flip)
    {
        using var session = new ProofSession();
        foreach (var y in new[] { 0, 1 })
        foreach (var poisonedLabel in flip ? new[] { 0, 1 } : [y])
        {
            var (assumptions, gradient, lower, upper) = BinarySetup(session, y, poisonedLabel, flipBound: flip, tight: false);
            session.Prove(session.Within(gradient, lower, upper), assumptions);
        }
    }

    [Fact]
    public void BinaryCrossEntropyGradient_FlipWithNoFlipBound_IsRefuted()
    {
        using var session = new ProofSession();
        var (assumptions, gradient, lower, upper) = BinarySetup(session, y: 0, poisonedLabel: 1, flipBound: false, tight: true);
        session.Refute(session.Within(gradient, lower, upper), assumptions);
    }

    private static (List<BoolExpr>, ArithExpr Gradient, ArithExpr Lower, ArithExpr Upper) BinarySetup(
        ProofSession session, int y, int poisonedLabel, bool flipBound, bool tight)
    {
        var z = session.Context;
        var sigma = z.MkFuncDecl("sigma", z.RealSort, z.RealSort);
        ArithExpr Sigma(ArithExpr x) => (ArithExpr)sigma.Apply(x);
        ArithExpr zl = session.Real("zl"), zu = session.Real("zu"), output = session.Real("z");
        ArithExpr lower = session.Real($"L_{y}_{poisonedLabel}"), upper = session.Real($"U_{y}_{poisonedLabel}");
        ArithExpr zero = z.MkReal(0), one = z.MkReal(1), label = z.MkReal(y);
        var assumptions = new List<BoolExpr> { session.Within(output, zl, zu) };
        assumptions.AddRange(IncreasingInstances(session, Sigma, [zl, output, zu]));
        assumptions.AddRange(new[] { zl, output, zu }.Select(t => z.MkAnd(z.MkLt(zero, Sigma(t)), z.MkLt(Sigma(t), one))));
        var lowerFormula = z.MkSub(Sigma(zl), flipBound ? one : label);
        var upperFormula = flipBound ? Sigma(zu) : z.MkSub(Sigma(zu), label);
        assumptions.Add(Outward(session, lower, lowerFormula, upper, upperFormula, tight));
        return (assumptions, z.MkSub(Sigma(output), z.MkReal(poisonedLabel)), lower, upper);
    }

    // ---- Softmax cross-entropy, K = 3: ∂L/∂z_j = s_j − 1{j = ỹ} ----

    private const int Classes = 3;

    public enum LabelPoisoning { None, AnyFlip, TargetOnly }

    // Part 1, for each class j: s_j = E(z_j)/Σ_i E(z_i) lies in
    //   [1/(1 + Σ_{i≠j} E(zu_i − zl_j)), 1/(1 + Σ_{i≠j} E(zl_i − zu_j))]   (outward rounded)
    // proved as a chain of three queries, each given only the premises it needs, (c) the conclusions of (a) and
    // (b). Asked as one query the nonlinear search took 0.3–0.6 s on most runs and exceeded the 60 s limit on
    // one. With D = 1 + Σ_{i≠j} E(z_i − z_j) and Dl, Du the bounds' denominators:
    //   (a) s_j·D = 1                       from the model of exp and of s_j;
    //   (b) 0 < Du ≤ D ≤ Dl                 from exp's positivity and monotonicity instances;
    //   (c) sl ≤ s_j ≤ su                   for ANY reals with s·D = 1, 0 < Du ≤ D ≤ Dl, sl·Dl ≤ 1, su·Du ≥ 1.
    [Fact]
    public void SoftmaxProbability_AnyOutputsInBox_WithinShiftedBounds()
    {
        using var session = new ProofSession();
        var z = session.Context;
        for (var j = 0; j < Classes; j++)
        {
            var softmax = new Softmax(session, j, wrongLowerShift: false, tight: false);
            session.Prove(z.MkEq(z.MkMul(softmax.Probability, softmax.Denominator), z.MkReal(1)), softmax.Algebra);
            session.Prove(z.MkAnd(
                    z.MkLt(z.MkReal(0), softmax.UpperDenominator),
                    z.MkLe(softmax.UpperDenominator, softmax.Denominator),
                    z.MkLe(softmax.Denominator, softmax.LowerDenominator)),
                softmax.Order);
        }

        ArithExpr s = session.Real("s"), d = session.Real("D"), dl = session.Real("Dl"), du = session.Real("Du");
        ArithExpr sl = session.Real("sl"), su = session.Real("su");
        ArithExpr zero = z.MkReal(0), one = z.MkReal(1);
        BoolExpr[] facts =
        [
            z.MkEq(z.MkMul(s, d), one), z.MkLt(zero, du), z.MkLe(du, d), z.MkLe(d, dl),
            z.MkLe(z.MkMul(sl, dl), one), z.MkGe(z.MkMul(su, du), one),
        ];
        session.Prove(session.Within(s, sl, su), facts);
    }

    // Step (c) with the lower denominator's inequality reversed (Dl ≤ D, as if the lower bound used the upper
    // bound's shifts) does not follow.
    [Fact]
    public void SoftmaxProbability_ChainWithDenominatorsSwapped_IsRefuted()
    {
        using var session = new ProofSession();
        var z = session.Context;
        ArithExpr s = session.Real("s"), d = session.Real("D"), dl = session.Real("Dl"), du = session.Real("Du");
        ArithExpr sl = session.Real("sl"), su = session.Real("su");
        ArithExpr zero = z.MkReal(0), one = z.MkReal(1);
        BoolExpr[] facts =
        [
            z.MkEq(z.MkMul(s, d), one), z.MkLt(zero, du), z.MkLe(du, d), z.MkLe(dl, d), z.MkLt(zero, dl),
            z.MkEq(z.MkMul(sl, dl), one), z.MkEq(z.MkMul(su, du), one),
        ];
        session.Refute(session.Within(s, sl, su), facts);
    }

    [Fact]
    public void SoftmaxProbability_LowerBoundFromLowerEndsOnly_IsRefuted()
    {
        using var session = new ProofSession();
        var softmax = new Softmax(session, 0, wrongLowerShift: true, tight: true);
        session.Refute(session.Within(softmax.Probability, softmax.Lower, softmax.Upper), softmax.Assumptions);
    }

    // Part 2: from part 1's conclusion sl_j ≤ s_j ≤ su_j alone, for every true label y, target t and every label
    // ỹ the threat model allows, s_j − 1{j = ỹ} lies in the engine's gradient bound for the mode.
    [Theory]
    [InlineData(LabelPoisoning.None)]
    [InlineData(LabelPoisoning.AnyFlip)]
    [InlineData(LabelPoisoning.TargetOnly)]
    public void SoftmaxGradient_EveryAllowedLabel_WithinBounds(LabelPoisoning poisoning)
    {
        using var session = new ProofSession();
        var z = session.Context;
        ArithExpr sl = session.Real("sl"), s = session.Real("s"), su = session.Real("su");
        for (var j = 0; j < Classes; j++)
        for (var y = 0; y < Classes; y++)
        for (var t = 0; t < Classes; t++)
        {
            if (poisoning != LabelPoisoning.TargetOnly && t > 0) continue; // t is only used by the target mode
            // One query per (j, y, t) over every allowed label; with t = y the target rule's bound holds, and so
            // does the tighter no-flip bound it degenerates to.
            var rules = poisoning == LabelPoisoning.TargetOnly && t == y ? new[] { poisoning, LabelPoisoning.None } : [poisoning];
            var assumptions = new List<BoolExpr> { session.Within(s, sl, su) };
            var claims = new List<BoolExpr>();
            foreach (var label in AllowedLabels(poisoning, y, t))
            foreach (var rule in rules)
            {
                var (lower, upper) = GradientBound(session, rule, j, y, t, sl, su);
                ArithExpr l = session.Real($"L_{rule}{j}{y}{t}{label}"), u = session.Real($"U_{rule}{j}{y}{t}{label}");
                assumptions.Add(Outward(session, l, lower, u, upper, tight: false));
                claims.Add(session.Within(z.MkSub(s, Indicator(session, j == label)), l, u));
            }
            session.Prove(z.MkAnd(claims), assumptions);
        }
    }

    [Fact]
    public void SoftmaxGradient_AnyFlipWithNoFlipBound_IsRefuted()
    {
        using var session = new ProofSession();
        var z = session.Context;
        // Full model (part 1's softmax with exp's instances), j = y = 0, poisoned label 1.
        var softmax = new Softmax(session, 0, wrongLowerShift: false, tight: true);
        var (lower, upper) = GradientBound(session, LabelPoisoning.None, j: 0, y: 0, t: 0, softmax.Lower, softmax.Upper);
        var gradient = z.MkSub(softmax.Probability, Indicator(session, false));
        session.Refute(session.Within(gradient, lower, upper), softmax.Assumptions);
    }

    private static IEnumerable<int> AllowedLabels(LabelPoisoning poisoning, int y, int t) => poisoning switch
    {
        LabelPoisoning.None => [y],
        LabelPoisoning.AnyFlip => Enumerable.Range(0, Classes),
        _ => new[] { y, t }.Distinct(),
    };

    // The engine's rule: no flip [sl − 1{j=y}, su − 1{j=y}]; any flip [sl − 1, su]; flips only to t: j ∈ {y, t}
    // [sl − 1, su], otherwise [sl, su].
    private static (ArithExpr Lower, ArithExpr Upper) GradientBound(ProofSession session, LabelPoisoning poisoning, int j, int y, int t,
        ArithExpr sl, ArithExpr su)
    {
        var z = session.Context;
        return poisoning switch
        {
            LabelPoisoning.None => (z.MkSub(sl, Indicator(session, j == y)), z.MkSub(su, Indicator(session, j == y))),
            LabelPoisoning.AnyFlip => (z.MkSub(sl, z.MkReal(1)), su),
            _ => (z.MkSub(sl, Indicator(session, j == y || j == t)), su),
        };
    }

    private static ArithExpr Indicator(ProofSession session, bool condition) => session.Context.MkReal(condition ? 1 : 0);

    private sealed class Softmax
    {
        /// <summary>Everything below: the box, exp's instances, s_j's definition and the endpoints' definitions.</summary>
        public List<BoolExpr> Assumptions { get; } = new();
        /// <summary>Step (a)'s premises: exp's positivity and product instances and s_j's definition.</summary>
        public List<BoolExpr> Algebra { get; } = new();
        /// <summary>Step (b)'s premises: the box and exp's monotonicity instances.</summary>
        public List<BoolExpr> Order { get; } = new();
        public ArithExpr Probability { get; }
        public ArithExpr Lower { get; }
        public ArithExpr Upper { get; }
        public ArithExpr Denominator { get; }
        public ArithExpr LowerDenominator { get; }
        public ArithExpr UpperDenominator { get; }

        public Softmax(ProofSession session, int j, bool wrongLowerShift, bool tight)
        {
            var z = session.Context;
            var exp = z.MkFuncDecl("E", z.RealSort, z.RealSort);
            ArithExpr E(ArithExpr x) => (ArithExpr)exp.Apply(x);
            var zl = session.Reals("zl", Classes);
            var zu = session.Reals("zu", Classes);
            var outputs = session.Reals("z", Classes);
            var others = Enumerable.Range(0, Classes).Where(i => i != j).ToArray();
            for (var i = 0; i < Classes; i++) Order.Add(session.Within(outputs[i], zl[i], zu[i]));

            var shifted = others.Select(i => (ArithExpr)z.MkSub(outputs[i], outputs[j])).ToArray();
            // The twin's lower bound uses E(zl_i − zl_j) instead of E(zu_i − zl_j).
            var lowerShifts = others.Select(i => (ArithExpr)z.MkSub(wrongLowerShift ? zl[i] : zu[i], zl[j])).ToArray();
            var upperShifts = others.Select(i => (ArithExpr)z.MkSub(zl[i], zu[j])).ToArray();
            var arguments = outputs.Concat(shifted).Concat(lowerShifts).Concat(upperShifts).ToArray();

            // exp's properties, as instances on the terms used: positivity of every term, monotonicity between each
            // shifted output z_i − z_j and the two bound arguments of class i, and E(z_i − z_j)·E(z_j) = E(z_i).
            var positive = arguments.Select(a => z.MkGt(E(a), z.MkReal(0))).ToArray();
            Algebra.AddRange(positive);
            Order.AddRange(positive);
            for (var n = 0; n < others.Length; n++)
            {
                Order.AddRange(IncreasingInstances(session, E, [upperShifts[n], shifted[n]]));
                Order.AddRange(IncreasingInstances(session, E, [shifted[n], lowerShifts[n]]));
                Algebra.Add(z.MkEq(z.MkMul(E(shifted[n]), E(outputs[j])), E(outputs[others[n]])));
            }

            // s_j = E(z_j)/S with S = Σ_i E(z_i) > 0, and the endpoints' divisions, are stated multiplied out (the
            // denominators are positive, so each is equivalent to its quotient form).
            var one = z.MkReal(1);
            Probability = session.Real($"s{j}");
            Algebra.Add(z.MkEq(z.MkMul(Probability, session.Sum(outputs.Select(E))), E(outputs[j])));
            var lowerDenominator = z.MkAdd(one, session.Sum(lowerShifts.Select(E)));
            var upperDenominator = z.MkAdd(one, session.Sum(upperShifts.Select(E)));
            Denominator = z.MkAdd(one, session.Sum(shifted.Select(E)));
            LowerDenominator = lowerDenominator;
            UpperDenominator = upperDenominator;
            Lower = session.Real($"sl{j}");
            Upper = session.Real($"su{j}");
            Assumptions.AddRange(Algebra.Union(Order));
            Assumptions.Add(tight
                ? z.MkAnd(z.MkEq(z.MkMul(Lower, lowerDenominator), one), z.MkEq(z.MkMul(Upper, upperDenominator), one))
                : z.MkAnd(z.MkLe(z.MkMul(Lower, lowerDenominator), one), z.MkGe(z.MkMul(Upper, upperDenominator), one)));
        }
    }

    // a < b ⇒ f(a) < f(b) for every ordered pair of the given argument terms.
    private static IEnumerable<BoolExpr> IncreasingInstances(ProofSession session, Func<ArithExpr, ArithExpr> f, ArithExpr[] arguments)
    {
        var z = session.Context;
        foreach (var a in arguments)
        foreach (var b in arguments)
            if (!ReferenceEquals(a, b)) yield return z.MkImplies(z.MkLt(a, b), z.MkLt(f(a), f(b)));
    }

    // Outward-rounded endpoints: lower ≤ its formula, upper ≥ its formula (tight: equal, for the twins).
    private static BoolExpr Outward(ProofSession session, ArithExpr lower, ArithExpr lowerFormula, ArithExpr upper, ArithExpr upperFormula, bool tight)
    {
        var z = session.Context;
        return tight
            ? z.MkAnd(z.MkEq(lower, lowerFormula), z.MkEq(upper, upperFormula))
            : z.MkAnd(z.MkLe(lower, lowerFormula), z.MkGe(upper, upperFormula));
    }
}
