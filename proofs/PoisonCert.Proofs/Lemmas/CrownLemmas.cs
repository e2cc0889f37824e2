using Microsoft.Z3;

namespace PoisonCert.Proofs.Lemmas;

/// <summary>
/// The relaxations of the CROWN bound domain (<c>Models.CrownBounds</c>). In this domain a bound on a quantity is
/// a linear function of an earlier layer's values, carried backward through the network (back-substitution) and
/// finally evaluated over the input box:
/// <code>
///   λ·z ≤ Σ_j μ_j·h_j + β        (upper bound; the lower bound is the mirror, with ≥ and its own β)
/// </code>
/// The network's weights and biases are intervals (the parameter box of a training step), so a dense layer adds a
/// slack term, a ReLU is replaced by a linear relaxation chosen by the sign of its coefficient, and the input layer
/// is concretised by taking, per coefficient, the end of the input box that is worst for the bound. Every claim is
/// over the reals; an engine constant that is rounded outward is any value ≥ (upper bound) or ≤ (lower bound) its
/// formula, and the twins use the formula itself.
///
/// Claims:
///   1. ReLU upper relaxation on an unstable unit (l &lt; 0 &lt; u), for ANY slope a ∈ [0, 1] (not only the chord
///      slope u/(u − l), so a slope computed in floating point is covered) and any offset d ≥ max(−a·l, (1 − a)·u):
///      max(x, 0) ≤ a·x + d for every x ∈ [l, u].
///   2. ReLU lower relaxation: for α ∈ [0, 1], max(x, 0) ≥ α·x for every real x.
///   3. Dense layer with interval parameters, 2 outputs and 2 inputs: a row vector λ (any signs), z = W·h + b with
///      W_kj ∈ [Wc_kj − Wr_kj, Wc_kj + Wr_kj], b_k ∈ [bc_k − br_k, bc_k + br_k] (radii ≥ 0) and |h_j| ≤ M_j. With
///      μ_j = Σ_k λ_k·Wc_kj and the slack Σ_k |λ_k|·S_k, S_k = Σ_j Wr_kj·M_j + br_k:
///      (a) exact: λ·z ≤ Σ_j μ_j·h_j + β for every β ≥ Σ_k λ_k·bc_k + Σ_k |λ_k|·S_k, and
///          λ·z ≥ Σ_j μ_j·h_j + β for every β ≤ Σ_k λ_k·bc_k − Σ_k |λ_k|·S_k;
///      (b) float coefficients: the engine computes μ̃_j = fl(fl(λ_0·Wc_0j) + fl(λ_1·Wc_1j)) (each product and the
///          sum rounded); then λ·z ≤ Σ_j μ̃_j·h_j + β̃ for every
///          β̃ ≥ Σ_k λ_k·bc_k + Σ_k |λ_k|·S_k + γ_2·Σ_k |λ_k|·Σ_j |Wc_kj|·M_j + U, and the mirror
///          λ·z ≥ Σ_j μ̃_j·h_j + β̃ for every β̃ ≤ Σ_k λ_k·bc_k − Σ_k |λ_k|·S_k − γ_2·Σ_k |λ_k|·Σ_j |Wc_kj|·M_j − U,
///          where U is the underflow term: U = 0 in the standard form (no underflow), U = 2η·Σ_j M_j when the
///          products may be subnormal (see Rounding below). The constant and the slack are not computed in
///          floating point in this claim: they enter through β̃, an outward-rounded value of their formula.
///   4. ReLU layer with a per-coefficient choice, two units (unit 0 unstable, unit 1 in any state): h_j = max(z_j, 0),
///      z_j ∈ [l_j, u_j], coefficients μ_j of any sign. Per unit the relaxation is (a_j, d_j) as in claim 1 and
///      α_j ∈ [0, 1] when l_j &lt; 0 &lt; u_j; a_j = 1, d_j = 0, α_j = 1 when l_j ≥ 0; a_j = 0, d_j = 0, α_j = 0
///      when u_j ≤ 0 (where several apply, any of them). Upper bound: with c_j = μ_j·a_j if μ_j ≥ 0, else μ_j·α_j,
///      Σ_j μ_j·h_j ≤ Σ_j c_j·z_j + β for every β ≥ Σ_j max(μ_j, 0)·d_j. Lower bound (the mirror): with
///      c'_j = μ_j·a_j if μ_j &lt; 0, else μ_j·α_j, Σ_j μ_j·h_j ≥ Σ_j c'_j·z_j + β for every
///      β ≤ −Σ_j max(−μ_j, 0)·d_j. The float evaluation of c_j = μ_j·a_j (or μ_j·α_j) is not part of this claim;
///      the twin multiplies the upper relaxation by μ_j whatever its sign.
///   5. Concretisation over the input box, 2 inputs: for x_j ∈ [xl_j, xu_j] and coefficients ν_j of any sign,
///      Σ_j ν_j·x_j ≤ B for every B ≥ Σ_j (ν_j ≥ 0 ? ν_j·xu_j : ν_j·xl_j), and Σ_j ν_j·x_j ≥ B for every
///      B ≤ Σ_j (ν_j ≥ 0 ? ν_j·xl_j : ν_j·xu_j).
///
/// Rounding (claim 3b): each operation has its own δ, |δ| ≤ u, for float32 (u = 2⁻²⁴, η = 2⁻¹⁴⁹) and float64
/// (u = 2⁻⁵³, η = 2⁻¹⁰⁷⁴), in two forms, each a theory case:
///   Standard: fl(a∘b) = (a∘b)·(1 + δ) (Higham, Accuracy and Stability of Numerical Algorithms, 2002, (2.4)),
///             every operation relative only (no underflow);
///   Inverse:  a∘b = fl(a∘b)·(1 + δ) (Higham (2.5)), the form of <see cref="RoundingModel"/>; the products use
///             <see cref="RoundingModel.RoundedToNearest"/>, which adds the subnormal regime (absolute error ≤ η/2,
///             so the sum of two rounded products is off by at most γ_2·Σ|P| + η·(1 + γ_1) ≤ γ_2·Σ|P| + 2η, which
///             the coefficient's input carries as 2η·M_j), and the sum stays relative only (with gradual underflow a
///             sum in the subnormal range is exact).
/// γ_n = n·u/(1 − n·u). No overflow is modelled; fused multiply-add and other summation orders are not covered
/// (for two terms the order is only commutativity).
///
/// Claims 3a and 3b are proved in parts, each universally quantified and instantiated by the same C# function that
/// states it (the glue is substitution): one query over 3a's combination with the products λ_k·(z_k − …) and
/// |λ_k|·S_k as terms did not finish (Z3 ran past the 60 s limit and did not return from the interrupt).
///   product part      |x| ≤ X ∧ |y| ≤ Y ⇒ |x·y| ≤ X·Y;
///   row deviation     per output k, |z_k − (Σ_j Wc_kj·h_j + bc_k)| ≤ S_k, from the product part at
///                     (W_kj − Wc_kj)·h_j with |W_kj − Wc_kj| ≤ Wr_kj and |h_j| ≤ M_j;
///   identity part     λ·z = Σ_j μ_j·h_j + Σ_k λ_k·bc_k + Σ_k λ_k·(z_k − Σ_j Wc_kj·h_j − bc_k) (polynomial algebra);
///   3a combination    LINEAR: λ·z, Σ_j μ_j·h_j, Σ_k λ_k·bc_k, Y_k = λ_k·(z_k − Σ_j Wc_kj·h_j − bc_k) and
///                     Q_k = |λ_k|·S_k are names, constrained by the identity part and |Y_k| ≤ Q_k (the product part
///                     at x = λ_k, X = |λ_k| and the row deviation), with β ≥ Σ_k λ_k·bc_k + Σ_k Q_k (or the mirror);
///   one rounding      the model ⇒ |fl(r) − r| ≤ γ_1·|r| + t (t = η/2 for a product that may be subnormal, else 0);
///   two-term sum      from three roundings: |fl(fl(P_0) + fl(P_1)) − (P_0 + P_1)| ≤ γ_2·(|P_0| + |P_1|) + 2t·(1 + γ_1);
///   coefficient part  per input j, |μ̃_j·h_j − μ_j·h_j| ≤ E_j·M_j, E_j = the two-term bound at P_k = λ_k·Wc_kj
///                     (from the two-term sum and the product part at (μ̃_j − μ_j)·h_j);
///   rounding term     Σ_j E_j·M_j ≤ γ_2·Σ_k |λ_k|·Σ_j |Wc_kj|·M_j + U;
///   3b combination    LINEAR: λ·z, μ_j·h_j, μ̃_j·h_j, E_j·M_j, the exact constant and the rounding term are names
///                     constrained only by 3a (at β = its formula), the coefficient parts and the rounding term.
/// The float twin is refuted with the full δ model (standard form, on a fixed layer at the corner where 3a is
/// tight, which keeps the search short), so its counterexample is one of the model itself; like the slack twin of
/// 3a, it also refutes its linear combination with the term removed, which shows that the combination's premises
/// are not contradictory. Claims 1, 2, 4 and 5 are one query per test case.
/// </summary>
public class CrownLemmas
{
    /// <summary>Which side of a bound a claim is about.</summary>
    public enum BoundSide { Upper, Lower }

    // ---- 1. ReLU upper relaxation: max(x, 0) ≤ a·x + d ----

    private enum UpperOffset { AtLeastGap, SlopeAppliedTwice, ChordOffset }

    [Fact]
    public void CrownReluUpper_AnySlopeAndOffsetAtLeastTheGap_AboveRelu()
    {
        using var session = new ProofSession();
        var (assumptions, claim) = UpperRelaxationSetup(session, UpperOffset.AtLeastGap);
        session.Prove(claim, assumptions);
    }

    [Fact]
    public void CrownReluUpper_SlopeAppliedTwiceToOffset_IsRefuted()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var (assumptions, claim) = UpperRelaxationSetup(session, UpperOffset.SlopeAppliedTwice);
        ArithExpr l = session.Real("l"), u = session.Real("u"), a = session.Real("a");
        assumptions.Add(z.MkEq(z.MkMul(a, z.MkSub(u, l)), u)); // the chord slope a = u/(u − l)
        session.Refute(claim, assumptions);
    }

    [Fact]
    public void CrownReluUpper_ChordOffsetWithAnySlope_IsRefuted()
    {
        using var session = new ProofSession();
        var (assumptions, claim) = UpperRelaxationSetup(session, UpperOffset.ChordOffset);
        session.Refute(claim, assumptions);
    }

    private static (List<BoolExpr>, BoolExpr Claim) UpperRelaxationSetup(ProofSession session, UpperOffset offset)
    {
        var z = session.Context;
        ArithExpr l = session.Real("l"), u = session.Real("u"), a = session.Real("a"), d = session.Real("d"), x = session.Real("x");
        ArithExpr zero = z.MkReal(0), one = z.MkReal(1);
        var assumptions = new List<BoolExpr>
        {
            z.MkLt(l, zero), z.MkGt(u, zero), session.Within(a, zero, one), session.Within(x, l, u),
            offset switch
            {
                UpperOffset.AtLeastGap => z.MkGe(d, UpperGap(session, l, u, a)),
                UpperOffset.SlopeAppliedTwice => z.MkEq(d, z.MkMul(a, z.MkMul(a, z.MkUnaryMinus(l)))),
                _ => z.MkEq(d, z.MkMul(a, z.MkUnaryMinus(l))), // −a·l alone: enough only when a ≥ u/(u − l)
            },
        };
        return (assumptions, z.MkLe(session.Max(x, zero), z.MkAdd(z.MkMul(a, x), d)));
    }

    // max(−a·l, (1 − a)·u), the least offset of claim 1.
    private static ArithExpr UpperGap(ProofSession session, ArithExpr l, ArithExpr u, ArithExpr a)
    {
        var z = session.Context;
        return session.Max(z.MkMul(a, z.MkUnaryMinus(l)), z.MkMul(z.MkSub(z.MkReal(1), a), u));
    }

    // ---- 2. ReLU lower relaxation: max(x, 0) ≥ α·x ----

    [Fact]
    public void CrownReluLower_AnySlopeInUnitInterval_BelowRelu()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var (alpha, claim) = LowerRelaxationSetup(session);
        session.Prove(claim, [session.Within(alpha, z.MkReal(0), z.MkReal(1))]);
    }

    [Fact]
    public void CrownReluLower_SlopeAboveOne_IsRefuted()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var (alpha, claim) = LowerRelaxationSetup(session);
        session.Refute(claim, [z.MkEq(alpha, z.MkReal(3, 2))]);
    }

    private static (ArithExpr Alpha, BoolExpr Claim) LowerRelaxationSetup(ProofSession session)
    {
        var z = session.Context;
        ArithExpr alpha = session.Real("alpha"), x = session.Real("x");
        return (alpha, z.MkGe(session.Max(x, z.MkReal(0)), z.MkMul(alpha, x)));
    }

    // ---- 3. Back-substitution through a dense layer with interval parameters ----

    private const int Outputs = 2, Inputs = 2;

    /// <summary>The coefficients, parameters and inputs of claim 3, with their domain constraints.</summary>
    private sealed class DenseLayer
    {
        private readonly ProofSession _session;

        public DenseLayer(ProofSession session)
        {
            _session = session;
            var z = session.Context;
            Lambda = session.Reals("lambda", Outputs);
            WeightCentre = Enumerable.Range(0, Outputs).Select(k => session.Reals($"Wc{k}_", Inputs)).ToArray();
            WeightRadius = Enumerable.Range(0, Outputs).Select(k => session.Reals($"Wr{k}_", Inputs)).ToArray();
            Weight = Enumerable.Range(0, Outputs).Select(k => session.Reals($"W{k}_", Inputs)).ToArray();
            BiasCentre = session.Reals("bc", Outputs);
            BiasRadius = session.Reals("br", Outputs);
            Bias = session.Reals("b", Outputs);
            Input = session.Reals("h", Inputs);
            Magnitude = session.Reals("M", Inputs);
            var zero = z.MkReal(0);
            Domain = [];
            for (var k = 0; k < Outputs; k++)
            {
                Domain.Add(z.MkGe(BiasRadius[k], zero));
                Domain.Add(session.Within(Bias[k], z.MkSub(BiasCentre[k], BiasRadius[k]), z.MkAdd(BiasCentre[k], BiasRadius[k])));
                for (var j = 0; j < Inputs; j++)
                {
                    Domain.Add(z.MkGe(WeightRadius[k][j], zero));
                    Domain.Add(session.Within(Weight[k][j], z.MkSub(WeightCentre[k][j], WeightRadius[k][j]),
                        z.MkAdd(WeightCentre[k][j], WeightRadius[k][j])));
                }
            }
            for (var j = 0; j < Inputs; j++) Domain.Add(z.MkLe(session.Abs(Input[j]), Magnitude[j]));
        }

        public ArithExpr[] Lambda { get; }
        public ArithExpr[][] WeightCentre { get; } // [output][input]
        public ArithExpr[][] WeightRadius { get; }
        public ArithExpr[][] Weight { get; }
        public ArithExpr[] BiasCentre { get; }
        public ArithExpr[] BiasRadius { get; }
        public ArithExpr[] Bias { get; }
        public ArithExpr[] Input { get; }
        public ArithExpr[] Magnitude { get; }
        public List<BoolExpr> Domain { get; }

        private Context Z => _session.Context;

        /// <summary>z_k = Σ_j W_kj·h_j + b_k, the layer's output at these members.</summary>
        public ArithExpr Output(int k)
            => _session.Sum(Enumerable.Range(0, Inputs).Select(j => (ArithExpr)Z.MkMul(Weight[k][j], Input[j])).Append(Bias[k]));

        /// <summary>λ·z = Σ_k λ_k·z_k.</summary>
        public ArithExpr Value => _session.Sum(Enumerable.Range(0, Outputs).Select(k => (ArithExpr)Z.MkMul(Lambda[k], Output(k))));

        /// <summary>Σ_j Wc_kj·h_j + bc_k, the output at the parameters' centres.</summary>
        public ArithExpr CentreOutput(int k)
            => _session.Sum(Enumerable.Range(0, Inputs).Select(j => (ArithExpr)Z.MkMul(WeightCentre[k][j], Input[j])).Append(BiasCentre[k]));

        /// <summary>P_kj = λ_k·Wc_kj, the products the engine rounds.</summary>
        public ArithExpr CoefficientProduct(int k, int j) => Z.MkMul(Lambda[k], WeightCentre[k][j]);

        /// <summary>μ_j = Σ_k λ_k·Wc_kj.</summary>
        public ArithExpr Coefficient(int j) => _session.Sum(Enumerable.Range(0, Outputs).Select(k => CoefficientProduct(k, j)));

        /// <summary>Σ_j c_j·h_j for given coefficients c_j.</summary>
        public ArithExpr Linear(ArithExpr[] coefficients)
            => _session.Sum(Enumerable.Range(0, Inputs).Select(j => (ArithExpr)Z.MkMul(coefficients[j], Input[j])));

        /// <summary>Σ_k λ_k·bc_k.</summary>
        public ArithExpr BiasTerm => _session.Sum(Enumerable.Range(0, Outputs).Select(k => (ArithExpr)Z.MkMul(Lambda[k], BiasCentre[k])));

        /// <summary>S_k = Σ_j Wr_kj·M_j + br_k.</summary>
        public ArithExpr RowSlack(int k)
            => _session.Sum(Enumerable.Range(0, Inputs).Select(j => (ArithExpr)Z.MkMul(WeightRadius[k][j], Magnitude[j])).Append(BiasRadius[k]));

        /// <summary>Σ_k |λ_k|·S_k (absolute: false uses λ_k, for the twin).</summary>
        public ArithExpr Slack(bool absolute = true)
            => _session.Sum(Enumerable.Range(0, Outputs).Select(k => (ArithExpr)Z.MkMul(absolute ? _session.Abs(Lambda[k]) : Lambda[k], RowSlack(k))));

        /// <summary>Σ_k |λ_k|·Σ_j |Wc_kj|·M_j, the magnitude the rounding term of claim 3b scales.</summary>
        public ArithExpr CoefficientMagnitude
            => _session.Sum(Enumerable.Range(0, Outputs).Select(k => (ArithExpr)Z.MkMul(_session.Abs(Lambda[k]),
                _session.Sum(Enumerable.Range(0, Inputs).Select(j => (ArithExpr)Z.MkMul(_session.Abs(WeightCentre[k][j]), Magnitude[j]))))));
    }

    // A bound's conclusion: value ≤ linear + constant (upper) or value ≥ linear + constant (lower).
    private static BoolExpr Bound(ProofSession session, BoundSide side, ArithExpr value, ArithExpr linear, ArithExpr constant)
    {
        var z = session.Context;
        var bound = z.MkAdd(linear, constant);
        return side == BoundSide.Upper ? z.MkLe(value, bound) : z.MkGe(value, bound);
    }

    // The engine constant's hypothesis: constant ≥ centre + widening (upper) or ≤ centre − widening (lower).
    private static BoolExpr OutwardConstant(ProofSession session, BoundSide side, ArithExpr constant, ArithExpr centre, ArithExpr widening)
    {
        var z = session.Context;
        return side == BoundSide.Upper ? z.MkGe(constant, z.MkAdd(centre, widening)) : z.MkLe(constant, z.MkSub(centre, widening));
    }

    // The constant at its formula: centre + widening (upper) or centre − widening (lower), for the twins.
    private static ArithExpr ConstantFormula(ProofSession session, BoundSide side, ArithExpr centre, ArithExpr widening)
        => side == BoundSide.Upper ? session.Context.MkAdd(centre, widening) : session.Context.MkSub(centre, widening);

    // The row deviation's conclusion: |z_k − (Σ_j Wc_kj·h_j + bc_k)| ≤ S_k.
    private static BoolExpr RowDeviation(ProofSession session, DenseLayer layer, int k)
        => session.Context.MkLe(session.Abs(session.Context.MkSub(layer.Output(k), layer.CentreOutput(k))), layer.RowSlack(k));

    // The identity part: λ·z = Σ_j μ_j·h_j + Σ_k λ_k·bc_k + Σ_k λ_k·(z_k − (Σ_j Wc_kj·h_j + bc_k)) (polynomial algebra).
    private static BoolExpr LayerIdentity(ProofSession session, DenseLayer layer)
    {
        var z = session.Context;
        var coefficients = Enumerable.Range(0, Inputs).Select(layer.Coefficient).ToArray();
        var deviations = Enumerable.Range(0, Outputs).Select(k => (ArithExpr)z.MkMul(layer.Lambda[k], z.MkSub(layer.Output(k), layer.CentreOutput(k))));
        return z.MkEq(layer.Value, session.Sum(deviations.Prepend(layer.BiasTerm).Prepend(layer.Linear(coefficients))));
    }

    // Claim 3a in four parts: (i) the product part; (ii) per output k, the row deviation from the instances
    // |(W_kj − Wc_kj)·h_j| ≤ Wr_kj·M_j; (iii) the identity part; (iv) the combination, linear: λ·z, Σ_j μ_j·h_j,
    // Σ_k λ_k·bc_k, Y_k = λ_k·(z_k − Σ_j Wc_kj·h_j − bc_k) and Q_k = |λ_k|·S_k are names, constrained by (iii) and
    // by |Y_k| ≤ Q_k, which is (i) at x = λ_k, y = z_k − Σ_j Wc_kj·h_j − bc_k, X = |λ_k|, Y = S_k, whose premises
    // are |λ_k| ≤ |λ_k| and (ii); the constant's hypothesis is β ≥ Σ_k λ_k·bc_k + Σ_k Q_k (or ≤ … − Σ_k Q_k), the
    // claim's own with Σ_k Q_k = Σ_k |λ_k|·S_k. (With Y_k and Q_k as terms, the combination did not finish: Z3 ran
    // past the 60 s limit and did not return from the interrupt.)
    private static void ProveExactLayer(ProofSession session, DenseLayer layer, BoundSide side)
    {
        var z = session.Context;
        session.ProveProductBound();
        for (var k = 0; k < Outputs; k++)
        {
            var instances = new List<BoolExpr>(layer.Domain);
            for (var j = 0; j < Inputs; j++)
                instances.Add(session.ProductBound(z.MkSub(layer.Weight[k][j], layer.WeightCentre[k][j]), layer.Input[j],
                    layer.WeightRadius[k][j], layer.Magnitude[j]));
            session.Prove(RowDeviation(session, layer, k), instances);
        }
        session.Prove(LayerIdentity(session, layer), []);
        var (assumptions, claim) = ExactLayerCombination(session, side, constantSlack: true);
        session.Prove(claim, assumptions);
    }

    // Part (iv). constantSlack: false leaves Σ_k Q_k out of the constant, so the twin shows the premises satisfiable.
    private static (List<BoolExpr>, BoolExpr Claim) ExactLayerCombination(ProofSession session, BoundSide side, bool constantSlack)
    {
        var z = session.Context;
        ArithExpr value = session.Real("v"), linear = session.Real("L"), biasTerm = session.Real("Bc"), constant = session.Real("beta");
        var deviations = session.Reals("Y", Outputs);
        var slacks = session.Reals("Q", Outputs);
        var assumptions = new List<BoolExpr>
        {
            z.MkEq(value, session.Sum(deviations.Prepend(biasTerm).Prepend(linear))),
            OutwardConstant(session, side, constant, biasTerm, constantSlack ? session.Sum(slacks) : z.MkReal(0)),
        };
        for (var k = 0; k < Outputs; k++) assumptions.Add(z.MkLe(session.Abs(deviations[k]), slacks[k]));
        return (assumptions, Bound(session, side, value, linear, constant));
    }

    [Theory]
    [InlineData(BoundSide.Upper)]
    [InlineData(BoundSide.Lower)]
    public void CrownDense_AnyMembersOfIntervalLayer_WithinBackSubstitutedBound(BoundSide side)
    {
        using var session = new ProofSession();
        ProveExactLayer(session, new DenseLayer(session), side);
    }

    [Theory]
    [InlineData(BoundSide.Upper)]
    [InlineData(BoundSide.Lower)]
    public void CrownDense_SlackWithSignedCoefficients_IsRefuted(BoundSide side)
    {
        using var session = new ProofSession();
        var layer = new DenseLayer(session);
        var coefficients = Enumerable.Range(0, Inputs).Select(layer.Coefficient).ToArray();
        var constant = ConstantFormula(session, side, layer.BiasTerm, layer.Slack(absolute: false));
        session.Refute(Bound(session, side, layer.Value, layer.Linear(coefficients), constant), layer.Domain);

        // Part (iv) without the slack is refuted as well (its premises are not contradictory).
        var (premises, claim) = ExactLayerCombination(session, side, constantSlack: false);
        session.Refute(claim, premises);
    }

    [Theory]
    [InlineData(RoundingForm.Standard, false, BoundSide.Upper)]
    [InlineData(RoundingForm.Standard, false, BoundSide.Lower)]
    [InlineData(RoundingForm.Standard, true, BoundSide.Upper)]
    [InlineData(RoundingForm.Standard, true, BoundSide.Lower)]
    [InlineData(RoundingForm.Inverse, false, BoundSide.Upper)]
    [InlineData(RoundingForm.Inverse, false, BoundSide.Lower)]
    [InlineData(RoundingForm.Inverse, true, BoundSide.Upper)]
    [InlineData(RoundingForm.Inverse, true, BoundSide.Lower)]
    public void CrownDense_FloatCoefficients_WithinWidenedBound(RoundingForm form, bool doublePrecision, BoundSide side)
    {
        using var session = new ProofSession();
        var z = session.Context;
        var model = doublePrecision ? RoundingModel.Double(session) : RoundingModel.Single(session);
        var productAbsolute = model.ProductAbsolute(form);

        // Part 1: one rounding (the sum relative only; the products with their own model).
        {
            ArithExpr exact = session.Real("P"), rounded = session.Real("p");
            session.Prove(model.ErrorOfExact(exact, rounded, z.MkReal(0)), [model.Relative(form, exact, rounded, "one")]);
            session.Prove(model.ErrorOfExact(exact, rounded, productAbsolute), [model.Product(form, exact, rounded, "one")]);
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

        // Part 3: claim 3a with the product part (its conclusion at β = the formula is a premise of part 6).
        var layer = new DenseLayer(session);
        ProveExactLayer(session, layer, side);

        // Part 4: per input, the coefficient part, from part 2 at P_k = λ_k·Wc_kj and the product part.
        var computed = session.Reals("muTilde", Inputs);
        for (var j = 0; j < Inputs; j++)
        {
            var error = z.MkSub(computed[j], layer.Coefficient(j));
            var errorBound = CoefficientErrorBound(session, model, layer, j, productAbsolute);
            session.Prove(CoefficientDeviation(session, z.MkMul(computed[j], layer.Input[j]), z.MkMul(layer.Coefficient(j), layer.Input[j]),
                z.MkMul(errorBound, layer.Magnitude[j])),
            [
                .. layer.Domain,
                model.TwoTermSum(layer.CoefficientProduct(0, j), layer.CoefficientProduct(1, j), computed[j], productAbsolute),
                session.ProductBound(error, layer.Input[j], errorBound, layer.Magnitude[j]),
            ]);
        }

        // Part 5: the rounding term, Σ_j E_j·M_j ≤ γ_2·Σ_k |λ_k|·Σ_j |Wc_kj|·M_j + U.
        var deviations = Enumerable.Range(0, Inputs)
            .Select(j => (ArithExpr)z.MkMul(CoefficientErrorBound(session, model, layer, j, productAbsolute), layer.Magnitude[j]));
        session.Prove(z.MkLe(session.Sum(deviations), RoundingTerm(session, model, layer, form)), layer.Domain);

        // Part 6: the combination over named terms (linear).
        var (assumptions, claim) = FloatLayerCombination(session, side, withRoundingTerm: true);
        session.Prove(claim, assumptions);
    }

    [Theory]
    [InlineData(BoundSide.Upper)]
    [InlineData(BoundSide.Lower)]
    public void CrownDense_FloatCoefficientsWithoutRoundingTerm_IsRefuted(BoundSide side)
    {
        using var session = new ProofSession();
        var z = session.Context;
        var model = RoundingModel.Single(session);
        const RoundingForm standard = RoundingForm.Standard;
        var layer = new DenseLayer(session);
        var computed = session.Reals("muTilde", Inputs);
        var assumptions = new List<BoolExpr>(layer.Domain);
        for (var j = 0; j < Inputs; j++)
        {
            var products = session.Reals($"p{j}_", Outputs);
            for (var k = 0; k < Outputs; k++)
                assumptions.Add(model.Relative(standard, layer.CoefficientProduct(k, j), products[k], $"p{k}_{j}"));
            assumptions.Add(model.Relative(standard, z.MkAdd(products[0], products[1]), computed[j], $"mu{j}"));
        }
        // A fixed layer (λ_k = 1, centres 1, radii 1/2, h_j = M_j = 1) at the corner where claim 3a is tight
        // (W_kj = b_k = 3/2 for the upper bound, 1/2 for the lower); every δ stays free (with the layer fixed the
        // query is linear in the δ).
        var oneHalf = z.MkReal(1, 2);
        var corner = side == BoundSide.Upper ? z.MkReal(3, 2) : oneHalf;
        foreach (var x in layer.Lambda.Concat(layer.WeightCentre.SelectMany(w => w)).Concat(layer.BiasCentre).Concat(layer.Input).Concat(layer.Magnitude))
            assumptions.Add(z.MkEq(x, z.MkReal(1)));
        foreach (var x in layer.WeightRadius.SelectMany(w => w).Concat(layer.BiasRadius)) assumptions.Add(z.MkEq(x, oneHalf));
        foreach (var x in layer.Weight.SelectMany(w => w).Concat(layer.Bias)) assumptions.Add(z.MkEq(x, corner));
        var constant = ConstantFormula(session, side, layer.BiasTerm, layer.Slack());
        session.Refute(Bound(session, side, layer.Value, layer.Linear(computed), constant), assumptions);

        // Part 6 without the rounding term is refuted as well (its premises are not contradictory); a separate
        // query, so the fixed layer above does not apply.
        var (premises, claim) = FloatLayerCombination(session, side, withRoundingTerm: false);
        session.Refute(claim, premises);
    }

    // E_j, part 2's bound at P_k = λ_k·Wc_kj.
    private static ArithExpr CoefficientErrorBound(ProofSession session, RoundingModel model, DenseLayer layer, int j, ArithExpr productAbsolute)
        => model.TwoTermBound(layer.CoefficientProduct(0, j), layer.CoefficientProduct(1, j), productAbsolute);

    // The coefficient part's conclusion: |μ̃_j·h_j − μ_j·h_j| ≤ E_j·M_j (the terms in part 4, names in part 6).
    private static BoolExpr CoefficientDeviation(ProofSession session, ArithExpr programTerm, ArithExpr exactTerm, ArithExpr bound)
        => session.Context.MkLe(session.Abs(session.Context.MkSub(programTerm, exactTerm)), bound);

    // γ_2·Σ_k |λ_k|·Σ_j |Wc_kj|·M_j + U, U = 0 (standard form) or 2η·Σ_j M_j (products may be subnormal).
    private static ArithExpr RoundingTerm(ProofSession session, RoundingModel model, DenseLayer layer, RoundingForm form)
    {
        var z = session.Context;
        var rounding = z.MkMul(model.Gamma(2), layer.CoefficientMagnitude);
        if (form == RoundingForm.Standard) return rounding;
        return z.MkAdd(rounding, z.MkMul(z.MkReal(2), model.SmallestSubnormal, session.Sum(layer.Magnitude)));
    }

    // Part 6, linear: every nonlinear term is a named variable, constrained only by the earlier parts'
    // conclusions. The names and the terms they stand for (the substitution that gives claim 3b):
    //   v = λ·z, T_j = μ_j·h_j, Bx = Σ_k λ_k·bc_k ± Σ_k |λ_k|·S_k     (part 3 at β = Bx: v ≤ Σ_j T_j + Bx, or ≥)
    //   T̃_j = μ̃_j·h_j, G_j = E_j·M_j                                  (part 4: |T̃_j − T_j| ≤ G_j)
    //   K = γ_2·Σ_k |λ_k|·Σ_j |Wc_kj|·M_j + U                          (part 5: Σ_j G_j ≤ K)
    // and the engine's constant β̃ ≥ Bx + K (upper) or ≤ Bx − K (lower), which is the hypothesis of claim 3b.
    // withRoundingTerm: false drops K from the constant, for the twin.
    private static (List<BoolExpr>, BoolExpr Claim) FloatLayerCombination(ProofSession session, BoundSide side, bool withRoundingTerm)
    {
        var z = session.Context;
        ArithExpr value = session.Real("v"), exactConstant = session.Real("Bx"), roundingTerm = session.Real("K"), constant = session.Real("betaTilde");
        var exactTerms = session.Reals("T", Inputs);
        var programTerms = session.Reals("Ttilde", Inputs);
        var deviations = session.Reals("G", Inputs);
        var assumptions = new List<BoolExpr>
        {
            Bound(session, side, value, session.Sum(exactTerms), exactConstant),
            z.MkLe(session.Sum(deviations), roundingTerm),
            OutwardConstant(session, side, constant, exactConstant, withRoundingTerm ? roundingTerm : z.MkReal(0)),
        };
        for (var j = 0; j < Inputs; j++) assumptions.Add(CoefficientDeviation(session, programTerms[j], exactTerms[j], deviations[j]));
        return (assumptions, Bound(session, side, value, session.Sum(programTerms), constant));
    }

    // ---- 4. Back-substitution through a ReLU layer with a per-coefficient choice of relaxation ----

    private enum UnitState { Unstable, Any }

    /// <summary>One ReLU unit of claim 4: its pre-activation box and value, its coefficient and its relaxation.</summary>
    private sealed record ReluUnit(ArithExpr L, ArithExpr U, ArithExpr Z, ArithExpr Mu, ArithExpr A, ArithExpr D, ArithExpr Alpha, List<BoolExpr> Domain)
    {
        public static ReluUnit Create(ProofSession session, string name, UnitState state)
        {
            var z = session.Context;
            ArithExpr l = session.Real($"l{name}"), u = session.Real($"u{name}"), x = session.Real($"z{name}"), mu = session.Real($"mu{name}");
            ArithExpr a = session.Real($"a{name}"), d = session.Real($"d{name}"), alpha = session.Real($"alpha{name}");
            ArithExpr zero = z.MkReal(0), one = z.MkReal(1);
            var unstable = z.MkAnd(z.MkLt(l, zero), z.MkGt(u, zero), session.Within(a, zero, one), z.MkGe(d, UpperGap(session, l, u, a)),
                session.Within(alpha, zero, one));
            var relaxation = state == UnitState.Unstable
                ? unstable
                : z.MkOr(
                    unstable,
                    z.MkAnd(z.MkGe(l, zero), z.MkEq(a, one), z.MkEq(d, zero), z.MkEq(alpha, one)),
                    z.MkAnd(z.MkLe(u, zero), z.MkEq(a, zero), z.MkEq(d, zero), z.MkEq(alpha, zero)));
            return new(l, u, x, mu, a, d, alpha, [session.Within(x, l, u), relaxation]);
        }

        /// <summary>h = max(z, 0).</summary>
        public ArithExpr Activation(ProofSession session) => session.Max(Z, session.Context.MkReal(0));
    }

    private enum ReluChoice { BySign, UpperForEvery }

    [Theory]
    [InlineData(BoundSide.Upper)]
    [InlineData(BoundSide.Lower)]
    public void CrownRelu_RelaxationChosenByCoefficientSign_WithinBackSubstitutedBound(BoundSide side)
    {
        using var session = new ProofSession();
        var (assumptions, claim) = ReluLayerSetup(session, side, ReluChoice.BySign);
        session.Prove(claim, assumptions);
    }

    [Theory]
    [InlineData(BoundSide.Upper)]
    [InlineData(BoundSide.Lower)]
    public void CrownRelu_UpperRelaxationForEveryCoefficient_IsRefuted(BoundSide side)
    {
        using var session = new ProofSession();
        var (assumptions, claim) = ReluLayerSetup(session, side, ReluChoice.UpperForEvery);
        session.Refute(claim, assumptions);
    }

    // BySign: the engine's rule (upper relaxation where the bound needs h from above, lower where from below) and
    // an outward constant. UpperForEvery (the twin): c_j = μ_j·a_j and the constant Σ_j μ_j·d_j on both sides,
    // i.e. h_j ≤ a_j·z_j + d_j multiplied by μ_j whatever its sign. (The slope a_j alone with no offset would not
    // be a twin: h ≥ a·z holds for a ∈ [0, 1], claim 2.)
    private static (List<BoolExpr>, BoolExpr Claim) ReluLayerSetup(ProofSession session, BoundSide side, ReluChoice choice)
    {
        var z = session.Context;
        var zero = z.MkReal(0);
        var units = new[] { ReluUnit.Create(session, "0", UnitState.Unstable), ReluUnit.Create(session, "1", UnitState.Any) };
        var assumptions = units.SelectMany(unit => unit.Domain).ToList();
        var value = session.Sum(units.Select(unit => (ArithExpr)z.MkMul(unit.Mu, unit.Activation(session))));
        ArithExpr linear, constant;
        if (choice == ReluChoice.BySign)
        {
            // The upper relaxation is used where μ_j ≥ 0 (upper bound) or μ_j < 0 (lower bound).
            BoolExpr UsesUpper(ReluUnit unit) => side == BoundSide.Upper ? z.MkGe(unit.Mu, zero) : z.MkLt(unit.Mu, zero);
            linear = session.Sum(units.Select(unit => (ArithExpr)z.MkMul(
                (ArithExpr)z.MkITE(UsesUpper(unit), z.MkMul(unit.Mu, unit.A), z.MkMul(unit.Mu, unit.Alpha)), unit.Z)));
            var offset = session.Sum(units.Select(unit => (ArithExpr)z.MkMul(
                side == BoundSide.Upper ? session.Max(unit.Mu, zero) : session.Max(z.MkUnaryMinus(unit.Mu), zero), unit.D)));
            constant = session.Real("beta");
            assumptions.Add(OutwardConstant(session, side, constant, zero, offset));
        }
        else
        {
            linear = session.Sum(units.Select(unit => (ArithExpr)z.MkMul(z.MkMul(unit.Mu, unit.A), unit.Z)));
            constant = session.Sum(units.Select(unit => (ArithExpr)z.MkMul(unit.Mu, unit.D)));
        }
        return (assumptions, Bound(session, side, value, linear, constant));
    }

    // ---- 5. Concretisation over the input box ----

    private const int BoxInputs = 2;

    [Theory]
    [InlineData(BoundSide.Upper)]
    [InlineData(BoundSide.Lower)]
    public void CrownConcretisation_AnyInputInBox_WithinSignChosenEnds(BoundSide side)
    {
        using var session = new ProofSession();
        var (assumptions, claim) = ConcretisationSetup(session, side, swappedEnds: false);
        session.Prove(claim, assumptions);
    }

    [Theory]
    [InlineData(BoundSide.Upper)]
    [InlineData(BoundSide.Lower)]
    public void CrownConcretisation_SwappedEnds_IsRefuted(BoundSide side)
    {
        using var session = new ProofSession();
        var (assumptions, claim) = ConcretisationSetup(session, side, swappedEnds: true);
        session.Refute(claim, assumptions);
    }

    // The claim uses an outward constant B (≥ or ≤ the formula); the twin swaps the ends and uses the formula.
    private static (List<BoolExpr>, BoolExpr Claim) ConcretisationSetup(ProofSession session, BoundSide side, bool swappedEnds)
    {
        var z = session.Context;
        var zero = z.MkReal(0);
        var x = session.Reals("x", BoxInputs);
        var lower = session.Reals("xl", BoxInputs);
        var upper = session.Reals("xu", BoxInputs);
        var nu = session.Reals("nu", BoxInputs);
        var assumptions = Enumerable.Range(0, BoxInputs).Select(j => session.Within(x[j], lower[j], upper[j])).ToList();
        // For the upper bound a non-negative coefficient takes the upper end; for the lower bound the lower end.
        var takesUpper = (side == BoundSide.Upper) ^ swappedEnds;
        var formula = session.Sum(Enumerable.Range(0, BoxInputs).Select(j => (ArithExpr)z.MkITE(z.MkGe(nu[j], zero),
            z.MkMul(nu[j], takesUpper ? upper[j] : lower[j]), z.MkMul(nu[j], takesUpper ? lower[j] : upper[j]))));
        var value = session.Sum(Enumerable.Range(0, BoxInputs).Select(j => (ArithExpr)z.MkMul(nu[j], x[j])));
        ArithExpr constant = formula;
        if (!swappedEnds)
        {
            constant = session.Real("B");
            assumptions.Add(OutwardConstant(session, side, constant, formula, zero));
        }
        return (assumptions, Bound(session, side, value, zero, constant));
    }
}
