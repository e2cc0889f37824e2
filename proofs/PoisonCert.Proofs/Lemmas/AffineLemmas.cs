using Microsoft.Z3;

namespace PoisonCert.Proofs.Lemmas;

/// <summary>
/// The relaxations of the affine (zonotope) bound domain. In this domain a quantity is an affine form
/// <code>
///   x = c + Σ_s a_s·e_s + Σ_j r_j·f_j,      e_s, f_j ∈ [−1, 1],  r_j ≥ 0
/// </code>
/// over shared noise symbols e_s (they carry the correlation between quantities that depend on the same inputs)
/// and independent symbols f_j (one per approximation the domain introduces; here each f_j is named by the value
/// it belongs to). Every claim is over the reals; an engine endpoint that is rounded outward is any value ≤ (lower)
/// or ≥ (upper) its formula, and the twins use the formula itself.
///
/// Claims:
///   1. ReLU on an unstable unit (l &lt; 0 &lt; u), for ANY slope λ ∈ [0, 1] (not only the chord slope u/(u − l), so
///      a slope computed in floating point is covered) and any offset hi ≥ max(−λ·l, (1 − λ)·u): for every
///      x ∈ [l, u], 0 ≤ max(x, 0) − λ·x ≤ hi, so relu(x) = λ·x + hi/2 + (hi/2)·f with the witness
///      f = (relu(x) − λ·x − hi/2)/(hi/2) ∈ [−1, 1] (f = 0 when hi = 0). The float evaluation of λ times the
///      coefficients of x is not part of this claim.
///   2. Dense row through an interval weight row, length 2, two shared symbols: inputs
///      h_j = c_j + A_1j·e_1 + A_2j·e_2 + r_j·f_j, weights W_j ∈ Wc_j ± Wr_j, bias b ∈ bc ± br (radii ≥ 0).
///      (a) Exact: z = W_1·h_1 + W_2·h_2 + b satisfies |z − (C + A'_1·e_1 + A'_2·e_2 + Σ_j Wc_j·r_j·f_j)| ≤ R for
///          every R ≥ br + Σ_j Wr_j·M_j, with C = Wc_1·c_1 + Wc_2·c_2 + bc, A'_s = Wc_1·A_s1 + Wc_2·A_s2 and
///          M_j = |c_j| + |A_1j| + |A_2j| + r_j (so |h_j| ≤ M_j).
///      (b) Float coefficients: the engine computes C̃ = fl(fl(fl(Wc_1·c_1) + fl(Wc_2·c_2)) + bc) (bias added
///          last), Ã_s = fl(fl(Wc_1·A_s1) + fl(Wc_2·A_s2)) and q_j = fl(Wc_j·r_j); then
///          |z − (C̃ + Ã_1·e_1 + Ã_2·e_2 + q_1·f_1 + q_2·f_2)| ≤ R̃ for every
///          R̃ ≥ br + Σ_j Wr_j·M_j + γ_2·Σ_j |Wc_j|·M_j + γ_1·|C̃| + U,
///          where γ_1·|C̃| covers the bias addition (bounded through the computed value, which the engine has)
///          and U is the underflow term: U = 0 in the standard form (no underflow), U = 8·η (one η per product)
///          when the products may be subnormal (see Rounding below).
///   3. ReLU-derivative mask on a gradient: for g ∈ [lo, hi] and m ∈ {0, 1}, m·g ∈ [min(0, lo), max(0, hi)].
///   4. MSE gradient of an output form z = c + a·e + r·f, target ỹ ∈ [y − ν, y + ν] (ν ≥ 0), program value
///      g = fl(fl(z − ỹ)·2). The engine computes the centre C̃ = fl(fl(c − y)·2), the coefficient ã = fl(a·2),
///      G ≥ 2·(|c − y| + |a| + r + ν) and R ≥ 2r + 2ν + 4u·(|C̃| + G). Proved:
///      (a) exact: |2(z − ỹ) − (2(c − y) + 2a·e)| ≤ 2r + 2ν, and |2(z − ỹ)| ≤ 2·(|c − y| + |a| + r + ν) ≤ G;
///      (b) two roundings: |g − 2(z − ỹ)| ≤ γ_2·|2(z − ỹ)|, and with the standard model ≤ 2u·(1 + u)·|2(z − ỹ)|;
///          since γ_2 ≤ 4u this is at most 4u·G;
///      (c) the combination: |g − (C̃ + ã·e)| ≤ R, the program's value is inside the engine's gradient form.
///   5. Logit difference through shared symbols: z_a = c_a + A_a·e_1 + B_a·e_2 + r_a·f_a and
///      z_b = c_b + A_b·e_1 + B_b·e_2 + r_b·f_b (f_a, f_b distinct): z_a − z_b ≥ L for every
///      L ≤ (c_a − c_b) − |A_a − A_b| − |B_a − B_b| − r_a − r_b.
///
/// Rounding (claims 2b and 4): each operation has its own δ, |δ| ≤ u, for float32 (u = 2⁻²⁴, η = 2⁻¹⁴⁹) and
/// float64 (u = 2⁻⁵³, η = 2⁻¹⁰⁷⁴), in two forms, each a theory case:
///   Standard: fl(a∘b) = (a∘b)·(1 + δ) (Higham, Accuracy and Stability of Numerical Algorithms, 2002, (2.4)),
///             every operation relative only (no underflow);
///   Inverse:  a∘b = fl(a∘b)·(1 + δ) (Higham (2.5)), the form of <see cref="RoundingModel"/>. In claim 2b the
///             products use <see cref="RoundingModel.RoundedToNearest"/>, which adds the subnormal regime
///             (absolute error ≤ η/2; hence U = 8·η), and sums stay relative only (with gradual underflow a sum in
///             the subnormal range is exact). In claim 4 every operation is a subtraction or a doubling, so
///             relative-only is the whole model there.
/// γ_n = n·u/(1 − n·u). The bias term of 2b is γ_1·|C̃| rather than u·|C̃|: in the standard form
/// |fl(x) − x| = |δ|·|x| ≤ u·|x| ≤ γ_1·|fl(x)|, and u·|fl(x)| alone is too small there. No overflow is modelled;
/// fused multiply-add and other summation orders are not covered.
///
/// Where one query is slow or does not finish (Z3's nonlinear solver took 15 s over the exact row and 15 s over
/// the float row's combination with its products unnamed, and did not stop within its limit on claim 4's
/// combination with its products unnamed), a claim is proved in parts, each universally quantified and
/// instantiated by the same C# function that states it (the glue is substitution):
///   product part   |x| ≤ X ∧ |y| ≤ Y ⇒ |x·y| ≤ X·Y;
///   symbol part    e ∈ [−1, 1] ⇒ |a·e − b·e| ≤ |a − b|;
///   one rounding   the model ⇒ |fl(r) − r| ≤ γ_1·|r| + t and ≤ γ_1·|fl(r)| + t (t = η/2 for a product that may
///                  be subnormal, else 0);
///   two-term sum   from three roundings: |fl(fl(P_1) + fl(P_2)) − (P_1 + P_2)| ≤ γ_2·(|P_1| + |P_2|) + 2t·(1 + γ_1);
/// 2a: per input |h_j| ≤ M_j (product part at A_sj·e_s and r_j·f_j), then the row over named magnitudes m_j
/// (product part at (W_j − Wc_j)·h_j). 2b: the exact claim, then a LINEAR combination in which z, the exact form,
/// the products Wc_j·x_j, the symbol terms (A'_s·e_s, Ã_s·e_s, Wc_j·r_j·f_j, q_j·f_j) and the magnitudes
/// |Wc_j|·|x_j| are names constrained only by the parts' conclusions, and finally
/// Σ_x |Wc_j|·|x_j| = |Wc_j|·M_j. 4: (a), (b), one rounding of a·2 and the symbol part, then a linear combination
/// over z, (a·2)·e and ã·e as names. The float twins are refuted with the full δ model (standard form, on a fixed
/// row or output form, which keeps the search short), so each counterexample is one of the model itself; they also
/// refute their linear combination with the term removed, which shows that its premises are not contradictory.
/// </summary>
public class AffineLemmas
{
    // ---- 1. ReLU on an unstable unit: relu(x) = λ·x + hi/2 + (hi/2)·f ----

    private enum ReluOffset { AtLeastGap, SlopeAppliedTwice, HalfGap }

    [Fact]
    public void AffineRelu_AnySlopeAndOffsetAtLeastTheGap_ContainsRelu()
    {
        using var session = new ProofSession();
        var (assumptions, claim) = ReluSetup(session, ReluOffset.AtLeastGap);
        session.Prove(claim, assumptions);
    }

    [Fact]
    public void AffineRelu_SlopeAppliedTwiceToOffset_IsRefuted()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var (assumptions, claim) = ReluSetup(session, ReluOffset.SlopeAppliedTwice);
        ArithExpr l = session.Real("l"), u = session.Real("u"), lambda = session.Real("lambda");
        assumptions.Add(z.MkEq(z.MkMul(lambda, z.MkSub(u, l)), u)); // the chord slope λ = u/(u − l)
        session.Refute(claim, assumptions);
    }

    [Fact]
    public void AffineRelu_HalfOffset_IsRefuted()
    {
        using var session = new ProofSession();
        var (assumptions, claim) = ReluSetup(session, ReluOffset.HalfGap);
        session.Refute(claim, assumptions);
    }

    private static (List<BoolExpr>, BoolExpr Claim) ReluSetup(ProofSession session, ReluOffset offset)
    {
        var z = session.Context;
        ArithExpr l = session.Real("l"), u = session.Real("u"), lambda = session.Real("lambda");
        ArithExpr hi = session.Real("hi"), x = session.Real("x");
        ArithExpr zero = z.MkReal(0), one = z.MkReal(1), two = z.MkReal(2);
        var gap = session.Max(z.MkMul(lambda, z.MkUnaryMinus(l)), z.MkMul(z.MkSub(one, lambda), u));
        var assumptions = new List<BoolExpr>
        {
            z.MkLt(l, zero), z.MkGt(u, zero), session.Within(lambda, zero, one), session.Within(x, l, u),
            offset switch
            {
                ReluOffset.AtLeastGap => z.MkGe(hi, gap),
                ReluOffset.SlopeAppliedTwice => z.MkEq(hi, z.MkMul(lambda, z.MkMul(lambda, z.MkUnaryMinus(l)))),
                _ => z.MkEq(hi, z.MkDiv(gap, two)),
            },
        };
        var relu = session.Max(x, zero);
        var residual = z.MkSub(relu, z.MkMul(lambda, x));
        var half = z.MkDiv(hi, two);
        var symbol = (ArithExpr)z.MkITE(z.MkGt(hi, zero), z.MkDiv(z.MkSub(residual, half), half), zero);
        var claim = z.MkAnd(session.Within(residual, zero, hi), session.Within(symbol, z.MkUnaryMinus(one), one),
            z.MkEq(relu, z.MkAdd(z.MkMul(lambda, x), half, z.MkMul(half, symbol))));
        return (assumptions, claim);
    }

    // ---- 2. Dense row: an affine input vector through an interval weight row ----

    private const int Inputs = 2, Symbols = 2;

    /// <summary>The inputs, weights, bias and symbols of claim 2, with their domain constraints.</summary>
    private sealed class DenseRow
    {
        private readonly ProofSession _session;

        public DenseRow(ProofSession session)
        {
            _session = session;
            var z = session.Context;
            Centre = session.Reals("c", Inputs);
            Coefficient = Enumerable.Range(0, Symbols).Select(s => session.Reals($"A{s}_", Inputs)).ToArray();
            Radius = session.Reals("r", Inputs);
            WeightCentre = session.Reals("Wc", Inputs);
            WeightRadius = session.Reals("Wr", Inputs);
            Weight = session.Reals("W", Inputs);
            Shared = session.Reals("e", Symbols);
            Independent = session.Reals("f", Inputs);
            (BiasCentre, BiasRadius, Bias) = (session.Real("bc"), session.Real("br"), session.Real("b"));
            ArithExpr zero = z.MkReal(0), one = z.MkReal(1), minusOne = z.MkReal(-1);
            Domain = [z.MkGe(BiasRadius, zero), session.Within(Bias, z.MkSub(BiasCentre, BiasRadius), z.MkAdd(BiasCentre, BiasRadius))];
            for (var j = 0; j < Inputs; j++)
            {
                Domain.Add(z.MkGe(Radius[j], zero));
                Domain.Add(z.MkGe(WeightRadius[j], zero));
                Domain.Add(session.Within(Weight[j], z.MkSub(WeightCentre[j], WeightRadius[j]), z.MkAdd(WeightCentre[j], WeightRadius[j])));
                Domain.Add(session.Within(Independent[j], minusOne, one));
            }
            foreach (var e in Shared) Domain.Add(session.Within(e, minusOne, one));
        }

        public ArithExpr[] Centre { get; }
        public ArithExpr[][] Coefficient { get; } // [symbol][input]
        public ArithExpr[] Radius { get; }
        public ArithExpr[] WeightCentre { get; }
        public ArithExpr[] WeightRadius { get; }
        public ArithExpr[] Weight { get; }
        public ArithExpr[] Shared { get; }
        public ArithExpr[] Independent { get; }
        public ArithExpr BiasCentre { get; }
        public ArithExpr BiasRadius { get; }
        public ArithExpr Bias { get; }
        public List<BoolExpr> Domain { get; }

        private Context Z => _session.Context;

        /// <summary>h_j = c_j + Σ_s A_sj·e_s + r_j·f_j.</summary>
        public ArithExpr Input(int j)
            => _session.Sum(new[] { Centre[j] }
                .Concat(Enumerable.Range(0, Symbols).Select(s => (ArithExpr)Z.MkMul(Coefficient[s][j], Shared[s])))
                .Append(Z.MkMul(Radius[j], Independent[j])));

        /// <summary>z = Σ_j W_j·h_j + b, the value of the row at these members.</summary>
        public ArithExpr Output => _session.Sum(Enumerable.Range(0, Inputs).Select(j => (ArithExpr)Z.MkMul(Weight[j], Input(j))).Append(Bias));

        /// <summary>M_j = |c_j| + Σ_s |A_sj| + r_j (withNoiseRadius: false drops r_j, for the twin).</summary>
        public ArithExpr Magnitude(int j, bool withNoiseRadius = true)
        {
            var terms = new List<ArithExpr> { _session.Abs(Centre[j]) };
            terms.AddRange(Enumerable.Range(0, Symbols).Select(s => _session.Abs(Coefficient[s][j])));
            if (withNoiseRadius) terms.Add(Radius[j]);
            return _session.Sum(terms);
        }

        /// <summary>br + Σ_j Wr_j·M_j.</summary>
        public ArithExpr ExactRadius(bool withNoiseRadius = true)
            => ExactRadius(Enumerable.Range(0, Inputs).Select(j => Magnitude(j, withNoiseRadius)).ToArray());

        /// <summary>br + Σ_j Wr_j·m_j for given magnitudes m_j.</summary>
        public ArithExpr ExactRadius(ArithExpr[] magnitudes)
            => _session.Sum(Enumerable.Range(0, Inputs).Select(j => (ArithExpr)Z.MkMul(WeightRadius[j], magnitudes[j])).Prepend(BiasRadius));

        /// <summary>The exact form C + Σ_s A'_s·e_s + Σ_j Wc_j·r_j·f_j.</summary>
        public ArithExpr ExactForm
            => _session.Sum(Enumerable.Range(0, Inputs)
                .Select(j => (ArithExpr)Z.MkAdd(Z.MkMul(WeightCentre[j], Centre[j]),
                    Z.MkMul(Z.MkMul(WeightCentre[j], Radius[j]), Independent[j])))
                .Append(BiasCentre)
                .Concat(Enumerable.Range(0, Symbols).Select(s => (ArithExpr)Z.MkMul(
                    _session.Sum(Enumerable.Range(0, Inputs).Select(j => (ArithExpr)Z.MkMul(WeightCentre[j], Coefficient[s][j]))), Shared[s]))));
    }

    // Claim 2a's conclusion: |z − exact form| ≤ radius.
    private static BoolExpr ExactDenseEnclosure(ProofSession session, DenseRow row, ArithExpr radius)
        => session.Context.MkLe(session.Abs(session.Context.MkSub(row.Output, row.ExactForm)), radius);

    // Claim 2a in three parts: (i) the product part; (ii) per input, |h_j| ≤ M_j from its instances
    // |A_sj·e_s| ≤ |A_sj|·1 and |r_j·f_j| ≤ r_j·1; (iii) the combination over named magnitudes m_j: from
    // |(W_j − Wc_j)·h_j| ≤ Wr_j·m_j (the product part at |W_j − Wc_j| ≤ Wr_j, |h_j| ≤ m_j) and
    // R ≥ br + Σ_j Wr_j·m_j, |z − exact form| ≤ R. At m_j = M_j, (iii)'s premises are (i) applied to (ii) and the
    // radius hypothesis, so the claim follows by substitution. (One query over the whole row took 15 s.)
    private static void ProveExactDense(ProofSession session, DenseRow row)
    {
        var z = session.Context;
        var one = z.MkReal(1);
        session.ProveProductBound();
        for (var j = 0; j < Inputs; j++)
        {
            var instances = new List<BoolExpr>(row.Domain);
            for (var s = 0; s < Symbols; s++)
                instances.Add(session.ProductBound(row.Coefficient[s][j], row.Shared[s], session.Abs(row.Coefficient[s][j]), one));
            instances.Add(session.ProductBound(row.Radius[j], row.Independent[j], row.Radius[j], one));
            session.Prove(z.MkLe(session.Abs(row.Input(j)), row.Magnitude(j)), instances);
        }
        var magnitudes = session.Reals("m", Inputs);
        var radius = session.Real("R");
        session.Prove(ExactDenseEnclosure(session, row, radius), ExactDenseCombination(session, row, magnitudes, radius));
    }

    // Part (iii)'s premises.
    private static List<BoolExpr> ExactDenseCombination(ProofSession session, DenseRow row, ArithExpr[] magnitudes, ArithExpr radius)
    {
        var z = session.Context;
        var assumptions = new List<BoolExpr>(row.Domain);
        for (var j = 0; j < Inputs; j++)
            assumptions.Add(z.MkLe(session.Abs(z.MkMul(z.MkSub(row.Weight[j], row.WeightCentre[j]), row.Input(j))),
                z.MkMul(row.WeightRadius[j], magnitudes[j])));
        assumptions.Add(z.MkGe(radius, row.ExactRadius(magnitudes)));
        return assumptions;
    }

    [Fact]
    public void AffineDense_AnyMembersOfIntervalWeightRow_WithinExactFormAndRadius()
    {
        using var session = new ProofSession();
        ProveExactDense(session, new DenseRow(session));
    }

    [Fact]
    public void AffineDense_WithoutWeightRadiusOnNoiseRadii_IsRefuted()
    {
        using var session = new ProofSession();
        var row = new DenseRow(session);
        session.Refute(ExactDenseEnclosure(session, row, row.ExactRadius(withNoiseRadius: false)), row.Domain);
    }

    [Theory]
    [InlineData(RoundingForm.Standard, false)]
    [InlineData(RoundingForm.Standard, true)]
    [InlineData(RoundingForm.Inverse, false)]
    [InlineData(RoundingForm.Inverse, true)]
    public void AffineDense_FloatCoefficients_WithinWidenedRadius(RoundingForm form, bool doublePrecision)
    {
        using var session = new ProofSession();
        var z = session.Context;
        var model = doublePrecision ? RoundingModel.Double(session) : RoundingModel.Single(session);
        var productAbsolute = model.ProductAbsolute(form);

        // Part 0: the product part (parts 3 and 4) and the symbol part (part 4).
        session.ProveProductBound();
        ProveSymbolDifference(session);

        // Part 1: one rounding (sums; products with their own model).
        {
            ArithExpr exact = session.Real("P"), rounded = session.Real("p");
            session.Prove(OneRounding(session, model, exact, rounded, z.MkReal(0)), [model.Relative(form, exact, rounded, "one")]);
            session.Prove(OneRounding(session, model, exact, rounded, productAbsolute), [model.Product(form, exact, rounded, "one")]);
        }

        // Part 2: a two-term sum of rounded products, from part 1's conclusions.
        {
            var exact = session.Reals("P", 2);
            var rounded = session.Reals("p", 2);
            var sum = session.Real("s");
            session.Prove(model.TwoTermSum(exact[0], exact[1], sum, productAbsolute),
            [
                model.ErrorOfExact(exact[0], rounded[0], productAbsolute),
                model.ErrorOfExact(exact[1], rounded[1], productAbsolute),
                model.ErrorOfExact(z.MkAdd(rounded[0], rounded[1]), sum, z.MkReal(0)),
            ]);
        }

        // Part 3: claim 2a (its conclusion is a premise of part 4, instantiated at R = the formula).
        var row = new DenseRow(session);
        ProveExactDense(session, row);

        // Part 4: the combination over named terms (linear).
        var (assumptions, output, program, widened) = FloatDenseCombination(session, model, productAbsolute, form, withRoundingTerm: true);
        session.Prove(z.MkLe(session.Abs(z.MkSub(output, program)), widened), assumptions);

        // Part 5: the named magnitudes at k_jx = |Wc_j|·|x_j| sum to S = Σ_j |Wc_j|·M_j.
        var productMagnitudes = Enumerable.Range(0, Inputs)
            .SelectMany(j => ProductFactors(row, j).Select(x => (ArithExpr)z.MkMul(session.Abs(row.WeightCentre[j]), session.Abs(x))));
        session.Prove(z.MkEq(session.Sum(productMagnitudes), ProductMagnitude(session, row)), row.Domain);
    }

    [Fact]
    public void AffineDense_FloatCoefficientsWithoutRoundingTerm_IsRefuted()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var model = RoundingModel.Single(session);
        var row = new DenseRow(session);
        var (assumptions, program, radius) = FloatDenseFullModel(session, model, row, withRoundingTerm: false);
        // A fixed row (centres 1, radii 1/2) at its upper corner (W_j = b = 3/2, every symbol 1), where the exact
        // deviation equals the exact radius; every δ stays free (with the row fixed the query is linear: searches
        // with free members did not finish).
        var oneHalf = z.MkReal(1, 2);
        var threeHalves = z.MkReal(3, 2);
        foreach (var x in row.Centre.Concat(row.WeightCentre).Concat(row.Coefficient.SelectMany(c => c)).Append(row.BiasCentre))
            assumptions.Add(z.MkEq(x, z.MkReal(1)));
        foreach (var x in row.Radius.Concat(row.WeightRadius).Append(row.BiasRadius)) assumptions.Add(z.MkEq(x, oneHalf));
        foreach (var x in row.Weight.Append(row.Bias)) assumptions.Add(z.MkEq(x, threeHalves));
        foreach (var x in row.Shared.Concat(row.Independent)) assumptions.Add(z.MkEq(x, z.MkReal(1)));
        session.Refute(z.MkLe(session.Abs(z.MkSub(row.Output, program)), radius), assumptions);

        // Part 4 without the rounding term is refuted as well (its premises are not contradictory); a separate
        // query, so the fixed row above does not apply.
        var (premises, output, combinationProgram, tooSmall) = FloatDenseCombination(session, model,
            model.ProductAbsolute(RoundingForm.Standard), RoundingForm.Standard, withRoundingTerm: false);
        session.Refute(z.MkLe(session.Abs(z.MkSub(output, combinationProgram)), tooSmall), premises);
    }

    // Part 1's conclusion: |c − r| ≤ γ_1·|r| + t and |c − r| ≤ γ_1·|c| + t.
    private static BoolExpr OneRounding(ProofSession session, RoundingModel model, ArithExpr exact, ArithExpr rounded, ArithExpr absolute)
        => session.Context.MkAnd(model.ErrorOfExact(exact, rounded, absolute), model.ErrorOfComputed(exact, rounded, absolute));

    // The engine's computed values (fresh variables), for the twin's full δ model.
    private sealed record FloatForm(ArithExpr[] Products, ArithExpr CentreSum, ArithExpr Centre, ArithExpr[][] CoefficientProducts,
        ArithExpr[] Coefficients, ArithExpr[] NoiseRadii);

    private static FloatForm FloatFormVariables(ProofSession session)
        => new(session.Reals("pc", Inputs), session.Real("D"), session.Real("Ctilde"),
            Enumerable.Range(0, Symbols).Select(s => session.Reals($"pA{s}_", Inputs)).ToArray(), session.Reals("Atilde", Symbols),
            session.Reals("q", Inputs));

    private static ArithExpr FloatFormValue(ProofSession session, DenseRow row, FloatForm computed)
    {
        var z = session.Context;
        return session.Sum(new[] { computed.Centre }
            .Concat(Enumerable.Range(0, Symbols).Select(s => (ArithExpr)z.MkMul(computed.Coefficients[s], row.Shared[s])))
            .Concat(Enumerable.Range(0, Inputs).Select(j => (ArithExpr)z.MkMul(computed.NoiseRadii[j], row.Independent[j]))));
    }

    // Rx + γ_2·S + γ_1·|C̃| + U, with Rx = br + Σ Wr_j·M_j and S = Σ_j |Wc_j|·M_j in the engine's formula
    // (withRoundingTerm: false keeps only Rx).
    private static ArithExpr WidenedRadius(ProofSession session, RoundingModel model, ArithExpr exactRadius, ArithExpr productMagnitude,
        ArithExpr centre, RoundingForm form, bool withRoundingTerm)
    {
        var z = session.Context;
        if (!withRoundingTerm) return exactRadius;
        var rounding = z.MkMul(model.Gamma(2), productMagnitude);
        var bias = z.MkMul(model.Gamma(1), session.Abs(centre));
        var underflow = form == RoundingForm.Standard
            ? z.MkReal(0)
            : z.MkMul(z.MkReal(Inputs * (Symbols + 2)), model.SmallestSubnormal); // one η per product
        return session.Sum([exactRadius, rounding, bias, underflow]);
    }

    // S = Σ_j |Wc_j|·M_j.
    private static ArithExpr ProductMagnitude(ProofSession session, DenseRow row)
        => session.Sum(Enumerable.Range(0, Inputs).Select(j => (ArithExpr)session.Context.MkMul(session.Abs(row.WeightCentre[j]), row.Magnitude(j))));

    // The factors x_j of the products Wc_j·x_j the engine rounds: c_j, A_sj, r_j.
    private static ArithExpr[] ProductFactors(DenseRow row, int j)
        => new[] { row.Centre[j] }.Concat(Enumerable.Range(0, Symbols).Select(s => row.Coefficient[s][j])).Append(row.Radius[j]).ToArray();

    // Part 4, linear: every nonlinear term of the row is a named variable, constrained only by the earlier parts'
    // conclusions. The names and the terms they stand for (the substitution that gives claim 2b):
    //   zv = z, F = the exact form, Rx = br + Σ_j Wr_j·M_j                        (part 3: |zv − F| ≤ Rx)
    //   P_jx = Wc_j·x_j for x ∈ {c, A_1, A_2, r}, bc; D, C̃, Ã_s, q_j as computed  (parts 1, 2)
    //   V_s = A'_s·e_s, Ṽ_s = Ã_s·e_s, U_j = (Wc_j·r_j)·f_j, Ũ_j = q_j·f_j        (the symbol part)
    //   k_jx = |Wc_j|·|x_j| ≥ |P_jx|                                                (the product part; Σ k = S, part 5)
    // F = Σ_j (P_cj + U_j) + bc + Σ_s V_s is the definition of the exact form, and the program's form is
    // C̃ + Σ_s Ṽ_s + Σ_j Ũ_j.
    private static (List<BoolExpr>, ArithExpr Output, ArithExpr Program, ArithExpr Radius) FloatDenseCombination(ProofSession session,
        RoundingModel model, ArithExpr productAbsolute, RoundingForm form, bool withRoundingTerm)
    {
        var z = session.Context;
        var zero = z.MkReal(0);
        const int factors = Symbols + 2; // c, A_1 … A_S, r
        ArithExpr output = session.Real("zv"), exactForm = session.Real("F"), exactRadius = session.Real("Rx"), biasCentre = session.Real("bc");
        var products = Enumerable.Range(0, Inputs).Select(j => session.Reals($"P{j}_", factors)).ToArray();
        var magnitudes = Enumerable.Range(0, Inputs).Select(j => session.Reals($"k{j}_", factors)).ToArray();
        ArithExpr centreSum = session.Real("D"), centre = session.Real("Ctilde");
        var coefficients = session.Reals("Atilde", Symbols);
        var noiseRadii = session.Reals("q", Inputs);
        var exactSymbolTerms = session.Reals("V", Symbols);
        var programSymbolTerms = session.Reals("Vtilde", Symbols);
        var exactNoiseTerms = session.Reals("U", Inputs);
        var programNoiseTerms = session.Reals("Utilde", Inputs);

        var assumptions = new List<BoolExpr>
        {
            z.MkLe(session.Abs(z.MkSub(output, exactForm)), exactRadius),
            z.MkEq(exactForm, session.Sum(Enumerable.Range(0, Inputs).SelectMany(j => new[] { products[j][0], exactNoiseTerms[j] })
                .Append(biasCentre).Concat(exactSymbolTerms))),
            model.TwoTermSum(products[0][0], products[1][0], centreSum, productAbsolute),
            model.ErrorOfComputed(z.MkAdd(centreSum, biasCentre), centre, zero),
        };
        for (var s = 0; s < Symbols; s++)
        {
            assumptions.Add(model.TwoTermSum(products[0][1 + s], products[1][1 + s], coefficients[s], productAbsolute));
            assumptions.Add(SymbolDifference(session, programSymbolTerms[s], exactSymbolTerms[s],
                z.MkSub(coefficients[s], z.MkAdd(products[0][1 + s], products[1][1 + s]))));
        }
        for (var j = 0; j < Inputs; j++)
        {
            assumptions.Add(model.ErrorOfExact(products[j][factors - 1], noiseRadii[j], productAbsolute));
            assumptions.Add(SymbolDifference(session, programNoiseTerms[j], exactNoiseTerms[j], z.MkSub(noiseRadii[j], products[j][factors - 1])));
            for (var i = 0; i < factors; i++) assumptions.Add(z.MkLe(session.Abs(products[j][i]), magnitudes[j][i]));
        }
        var radius = session.Real("Rtilde");
        var productMagnitude = session.Sum(magnitudes.SelectMany(k => k));
        assumptions.Add(z.MkGe(radius, WidenedRadius(session, model, exactRadius, productMagnitude, centre, form, withRoundingTerm)));
        var program = session.Sum(programSymbolTerms.Concat(programNoiseTerms).Prepend(centre));
        return (assumptions, output, program, radius);
    }

    // The symbol part's conclusion: |a·e − b·e| ≤ |a − b| for e ∈ [−1, 1], with a·e and b·e named.
    private static BoolExpr SymbolDifference(ProofSession session, ArithExpr programTerm, ArithExpr exactTerm, ArithExpr coefficientDifference)
        => session.Context.MkLe(session.Abs(session.Context.MkSub(programTerm, exactTerm)), session.Abs(coefficientDifference));

    private static void ProveSymbolDifference(ProofSession session)
    {
        var z = session.Context;
        ArithExpr a = session.Real("sa"), b = session.Real("sb"), e = session.Real("se");
        session.Prove(SymbolDifference(session, z.MkMul(a, e), z.MkMul(b, e), z.MkSub(a, b)), [session.Within(e, z.MkReal(-1), z.MkReal(1))]);
    }

    // The twin's statement with every rounding in the standard model and its own δ; the radius is the formula.
    private static (List<BoolExpr>, ArithExpr Program, ArithExpr Radius) FloatDenseFullModel(ProofSession session, RoundingModel model,
        DenseRow row, bool withRoundingTerm)
    {
        var z = session.Context;
        const RoundingForm form = RoundingForm.Standard;
        var computed = FloatFormVariables(session);
        var assumptions = new List<BoolExpr>(row.Domain);
        ArithExpr Term(int j, ArithExpr x) => z.MkMul(row.WeightCentre[j], x);
        for (var j = 0; j < Inputs; j++)
        {
            assumptions.Add(model.Relative(form, Term(j, row.Centre[j]), computed.Products[j], $"pc{j}"));
            assumptions.Add(model.Relative(form, Term(j, row.Radius[j]), computed.NoiseRadii[j], $"q{j}"));
            for (var s = 0; s < Symbols; s++)
                assumptions.Add(model.Relative(form, Term(j, row.Coefficient[s][j]), computed.CoefficientProducts[s][j], $"pA{s}_{j}"));
        }
        assumptions.Add(model.Relative(form, z.MkAdd(computed.Products[0], computed.Products[1]), computed.CentreSum, "D"));
        assumptions.Add(model.Relative(form, z.MkAdd(computed.CentreSum, row.BiasCentre), computed.Centre, "C"));
        for (var s = 0; s < Symbols; s++)
            assumptions.Add(model.Relative(form, z.MkAdd(computed.CoefficientProducts[s][0], computed.CoefficientProducts[s][1]),
                computed.Coefficients[s], $"A{s}"));
        var radius = WidenedRadius(session, model, row.ExactRadius(), ProductMagnitude(session, row), computed.Centre, form, withRoundingTerm);
        return (assumptions, FloatFormValue(session, row, computed), radius);
    }

    // ---- 3. ReLU-derivative mask on a gradient ----

    [Fact]
    public void AffineReluMask_AnyMaskAndGradientInBox_WithinBoxExtendedToZero()
    {
        using var session = new ProofSession();
        var (assumptions, masked, lo, hi) = MaskSetup(session);
        session.Prove(session.Within(masked, session.Min(session.Context.MkReal(0), lo), session.Max(session.Context.MkReal(0), hi)), assumptions);
    }

    [Fact]
    public void AffineReluMask_GradientBoxItself_IsRefuted()
    {
        using var session = new ProofSession();
        var (assumptions, masked, lo, hi) = MaskSetup(session);
        session.Refute(session.Within(masked, lo, hi), assumptions);
    }

    private static (List<BoolExpr>, ArithExpr Masked, ArithExpr Lo, ArithExpr Hi) MaskSetup(ProofSession session)
    {
        var z = session.Context;
        ArithExpr g = session.Real("g"), lo = session.Real("lo"), hi = session.Real("hi"), mask = session.Real("m");
        var assumptions = new List<BoolExpr> { session.Within(g, lo, hi), z.MkOr(z.MkEq(mask, z.MkReal(0)), z.MkEq(mask, z.MkReal(1))) };
        return (assumptions, z.MkMul(mask, g), lo, hi);
    }

    // ---- 4. MSE gradient of an output form, with the program's rounding ----

    /// <summary>The output form, target box and engine values of claim 4.</summary>
    private sealed record MseForm(ArithExpr C, ArithExpr A, ArithExpr R, ArithExpr E, ArithExpr F, ArithExpr Y, ArithExpr Nu, ArithExpr Label,
        List<BoolExpr> Domain)
    {
        public static MseForm Create(ProofSession session)
        {
            var z = session.Context;
            ArithExpr c = session.Real("c"), a = session.Real("a"), r = session.Real("r"), e = session.Real("e"), f = session.Real("f");
            ArithExpr y = session.Real("y"), nu = session.Real("nu"), label = session.Real("yTilde");
            ArithExpr zero = z.MkReal(0), one = z.MkReal(1), minusOne = z.MkReal(-1);
            return new(c, a, r, e, f, y, nu, label,
            [
                z.MkGe(r, zero), z.MkGe(nu, zero), session.Within(e, minusOne, one), session.Within(f, minusOne, one),
                session.Within(label, z.MkSub(y, nu), z.MkAdd(y, nu)),
            ]);
        }

        public ArithExpr Output(Context z) => z.MkAdd(C, z.MkMul(A, E), z.MkMul(R, F));
    }

    // Part (b)'s conclusion: t = fl(x), g = fl(t·2) ⇒ |g − 2x| ≤ γ_2·|2x|.
    private static BoolExpr DoubledDifference(ProofSession session, RoundingModel model, ArithExpr exact, ArithExpr program)
    {
        var z = session.Context;
        var doubled = z.MkMul(z.MkReal(2), exact);
        return z.MkLe(session.Abs(z.MkSub(program, doubled)), z.MkMul(model.Gamma(2), session.Abs(doubled)));
    }

    // Part (a)'s conclusion, at the output value zv and the symbol term w = (a·2)·e (the terms themselves in
    // part (a), names in part (c)).
    private static BoolExpr ExactMseDeviation(ProofSession session, MseForm form, ArithExpr output, ArithExpr symbolTerm)
    {
        var z = session.Context;
        var two = z.MkReal(2);
        var gradient = z.MkMul(two, z.MkSub(output, form.Label));
        var affine = z.MkAdd(z.MkMul(two, z.MkSub(form.C, form.Y)), symbolTerm);
        return z.MkAnd(z.MkLe(session.Abs(z.MkSub(gradient, affine)), z.MkMul(two, z.MkAdd(form.R, form.Nu))),
            z.MkLe(session.Abs(gradient), MseMagnitude(session, form)));
    }

    private static ArithExpr MseSymbolTerm(Context z, MseForm form) => z.MkMul(z.MkMul(form.A, z.MkReal(2)), form.E);

    // 2·(|c − y| + |a| + r + ν)
    private static ArithExpr MseMagnitude(ProofSession session, MseForm form)
    {
        var z = session.Context;
        return z.MkMul(z.MkReal(2), z.MkAdd(session.Abs(z.MkSub(form.C, form.Y)), session.Abs(form.A), form.R, form.Nu));
    }

    // R's formula: 2r + 2ν + 4u·(|C̃| + G) (withLabelRadius: false drops 2ν, for the twin).
    private static ArithExpr MseRadius(ProofSession session, RoundingModel model, MseForm form, ArithExpr centre, ArithExpr magnitude, bool withLabelRadius)
    {
        var z = session.Context;
        var two = z.MkReal(2);
        var terms = new List<ArithExpr> { z.MkMul(two, form.R) };
        if (withLabelRadius) terms.Add(z.MkMul(two, form.Nu));
        terms.Add(z.MkMul(z.MkReal(4), model.UnitRoundoff, z.MkAdd(session.Abs(centre), magnitude)));
        return session.Sum(terms);
    }

    [Theory]
    [InlineData(RoundingForm.Standard, false)]
    [InlineData(RoundingForm.Standard, true)]
    [InlineData(RoundingForm.Inverse, false)]
    [InlineData(RoundingForm.Inverse, true)]
    public void AffineMseGradient_FloatProgramAnyMemberAndLabel_WithinEngineForm(RoundingForm roundingForm, bool doublePrecision)
    {
        using var session = new ProofSession();
        var z = session.Context;
        var model = doublePrecision ? RoundingModel.Double(session) : RoundingModel.Single(session);
        var two = z.MkReal(2);

        // (b) two roundings
        {
            ArithExpr x = session.Real("x"), t = session.Real("t"), g = session.Real("g");
            List<BoolExpr> roundings =
            [
                model.Relative(roundingForm, x, t, "t"), model.Relative(roundingForm, z.MkMul(t, two), g, "g"),
            ];
            session.Prove(DoubledDifference(session, model, x, g), roundings);
            if (roundingForm == RoundingForm.Standard)
            {
                var u = model.UnitRoundoff;
                var bound = z.MkMul(two, u, z.MkAdd(z.MkReal(1), u), session.Abs(z.MkMul(two, x)));
                session.Prove(z.MkLe(session.Abs(z.MkSub(g, z.MkMul(two, x))), bound), roundings);
            }
        }

        // (a) exact
        var form = MseForm.Create(session);
        session.Prove(ExactMseDeviation(session, form, form.Output(z), MseSymbolTerm(z, form)), form.Domain);

        // one rounding (the coefficient a·2) and the symbol part
        {
            ArithExpr exact = session.Real("P"), rounded = session.Real("p");
            session.Prove(OneRounding(session, model, exact, rounded, z.MkReal(0)), [model.Relative(roundingForm, exact, rounded, "one")]);
        }
        ProveSymbolDifference(session);

        // (c) the combination (linear)
        var (assumptions, program, engineForm, radius) = MseCombination(session, model, form, withLabelRadius: true);
        session.Prove(z.MkLe(session.Abs(z.MkSub(program, engineForm)), radius), assumptions);
    }

    // Part (c): the output value zv, the exact symbol term w = (a·2)·e and the program's w̃ = ã·e are names,
    // constrained only by (a), (b), the one rounding of a·2 and the symbol part |w̃ − w| ≤ |ã − a·2|.
    private static (List<BoolExpr>, ArithExpr Program, ArithExpr EngineForm, ArithExpr Radius) MseCombination(ProofSession session,
        RoundingModel model, MseForm form, bool withLabelRadius)
    {
        var z = session.Context;
        var two = z.MkReal(2);
        ArithExpr output = session.Real("zv"), symbolTerm = session.Real("w"), programSymbolTerm = session.Real("wTilde");
        ArithExpr program = session.Real("gProgram"), centre = session.Real("Ctilde"), coefficient = session.Real("aTilde");
        ArithExpr magnitude = session.Real("G"), radius = session.Real("R");
        var assumptions = new List<BoolExpr>(form.Domain)
        {
            ExactMseDeviation(session, form, output, symbolTerm),
            DoubledDifference(session, model, z.MkSub(output, form.Label), program),
            DoubledDifference(session, model, z.MkSub(form.C, form.Y), centre),
            model.ErrorOfExact(z.MkMul(form.A, two), coefficient, z.MkReal(0)),
            SymbolDifference(session, programSymbolTerm, symbolTerm, z.MkSub(coefficient, z.MkMul(form.A, two))),
            z.MkGe(magnitude, MseMagnitude(session, form)),
            z.MkGe(radius, MseRadius(session, model, form, centre, magnitude, withLabelRadius)),
        };
        return (assumptions, program, z.MkAdd(centre, programSymbolTerm), radius);
    }

    [Fact]
    public void AffineMseGradient_WithoutLabelRadius_IsRefuted()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var model = RoundingModel.Single(session);
        const RoundingForm standard = RoundingForm.Standard;
        var two = z.MkReal(2);
        var form = MseForm.Create(session);
        ArithExpr difference = session.Real("t"), program = session.Real("gProgram");
        ArithExpr centreDifference = session.Real("tc"), centre = session.Real("Ctilde"), coefficient = session.Real("aTilde");
        var magnitude = MseMagnitude(session, form);
        // A fixed output form and label box (c = 1, a = 1/2, r = 1/4, y = 0, ν = 1) keeps the search short; e, f,
        // ỹ and every δ stay free.
        var assumptions = new List<BoolExpr>(form.Domain)
        {
            z.MkEq(form.C, z.MkReal(1)), z.MkEq(form.A, z.MkReal(1, 2)), z.MkEq(form.R, z.MkReal(1, 4)),
            z.MkEq(form.Y, z.MkReal(0)), z.MkEq(form.Nu, z.MkReal(1)),
            model.Relative(standard, z.MkSub(form.Output(z), form.Label), difference, "t"),
            model.Relative(standard, z.MkMul(difference, two), program, "g"),
            model.Relative(standard, z.MkSub(form.C, form.Y), centreDifference, "tc"),
            model.Relative(standard, z.MkMul(centreDifference, two), centre, "gc"),
            model.Relative(standard, z.MkMul(form.A, two), coefficient, "a"),
        };
        var radius = MseRadius(session, model, form, centre, magnitude, withLabelRadius: false);
        session.Refute(z.MkLe(session.Abs(z.MkSub(program, z.MkAdd(centre, z.MkMul(coefficient, form.E)))), radius), assumptions);

        // Part (c) without 2ν is refuted as well (its premises are not contradictory); a separate query, so the
        // fixed box above does not apply.
        var (premises, combinationProgram, engineForm, tooSmall) = MseCombination(session, model, form, withLabelRadius: false);
        session.Refute(z.MkLe(session.Abs(z.MkSub(combinationProgram, engineForm)), tooSmall), premises);
    }

    // ---- 5. Logit difference through shared symbols ----

    private enum LogitRadii { Sum, Dropped, Difference }

    [Fact]
    public void AffineLogitDifference_SharedSymbolsAndBothRadii_AboveLowerBound()
    {
        using var session = new ProofSession();
        var (assumptions, difference, lower) = LogitSetup(session, LogitRadii.Sum, tight: false);
        session.Prove(session.Context.MkGe(difference, lower), assumptions);
    }

    [Fact]
    public void AffineLogitDifference_WithoutIndependentRadii_IsRefuted()
    {
        using var session = new ProofSession();
        var (assumptions, difference, lower) = LogitSetup(session, LogitRadii.Dropped, tight: true);
        session.Refute(session.Context.MkGe(difference, lower), assumptions);
    }

    [Fact]
    public void AffineLogitDifference_RadiiDifference_IsRefuted()
    {
        using var session = new ProofSession();
        var (assumptions, difference, lower) = LogitSetup(session, LogitRadii.Difference, tight: true);
        session.Refute(session.Context.MkGe(difference, lower), assumptions);
    }

    private static (List<BoolExpr>, ArithExpr Difference, ArithExpr Lower) LogitSetup(ProofSession session, LogitRadii radii, bool tight)
    {
        var z = session.Context;
        ArithExpr e1 = session.Real("e1"), e2 = session.Real("e2"), fa = session.Real("fa"), fb = session.Real("fb");
        ArithExpr ca = session.Real("ca"), aa = session.Real("Aa"), ba = session.Real("Ba"), ra = session.Real("ra");
        ArithExpr cb = session.Real("cb"), ab = session.Real("Ab"), bb = session.Real("Bb"), rb = session.Real("rb");
        ArithExpr zero = z.MkReal(0), one = z.MkReal(1), minusOne = z.MkReal(-1);
        var za = z.MkAdd(ca, z.MkMul(aa, e1), z.MkMul(ba, e2), z.MkMul(ra, fa));
        var zb = z.MkAdd(cb, z.MkMul(ab, e1), z.MkMul(bb, e2), z.MkMul(rb, fb));
        var shared = z.MkSub(z.MkSub(ca, cb), z.MkAdd(session.Abs(z.MkSub(aa, ab)), session.Abs(z.MkSub(ba, bb))));
        var formula = radii switch
        {
            LogitRadii.Sum => z.MkSub(shared, z.MkAdd(ra, rb)),
            LogitRadii.Dropped => shared,
            _ => z.MkSub(shared, z.MkSub(ra, rb)),
        };
        var lower = session.Real("L");
        var assumptions = new List<BoolExpr>
        {
            z.MkGe(ra, zero), z.MkGe(rb, zero),
            session.Within(e1, minusOne, one), session.Within(e2, minusOne, one), session.Within(fa, minusOne, one), session.Within(fb, minusOne, one),
            tight ? z.MkEq(lower, formula) : z.MkLe(lower, formula),
        };
        return (assumptions, z.MkSub(za, zb), lower);
    }
}
