using Microsoft.Z3;

namespace PoisonCert.Proofs.Lemmas;

/// <summary>
/// Per-coordinate aggregation of per-sample gradient bounds under bounded poisoning (the top-k accumulator and the
/// certified trainer's aggregation step). For a batch of B samples, of which the untrusted ones may be poisoned:
/// <code>
///   Δ_l = (1/B)·[ Σ_all wl_i + (sum of the k smallest (iwl_i − wl_i) over untrusted i) ]
///   Δ_u = (1/B)·[ Σ_all wu_i + (sum of the k largest  (iwu_i − wu_i) over untrusted i) ]
/// </code>
/// with wp(i) = [wl_i, wu_i] the clean gradient box and iwp(i) = [iwl_i, iwu_i] ⊇ wp(i) the poisoned one. Claim:
/// for EVERY set S of at most k poisoned samples and every choice g_i ∈ iwp(i) (i ∈ S), g_i ∈ wp(i) (i ∉ S), the
/// batch mean lies in [Δ_l, Δ_u]. The boxes are symbolic; the sets S are enumerated here (one linear query
/// each). "Sum of the k smallest" is encoded as the minimum over all k-subsets of the sum, the definition the
/// accumulator's property tests check the code against.
///
/// Also here: unbounded substitution (samples replaced by arbitrary points, gradients clipped to [−γ, γ]),
/// removal (samples deleted, the mean over those that remain), paired feature + label poisoning (k = max(n, m)),
/// unpaired feature and label poisoning (the exact selection table), and the a priori error of
/// the float program's sum of the B per-sample gradients in any order.
/// </summary>
public class AggregationLemmas
{
    [Theory]
    [InlineData(1, 3, 1)]
    [InlineData(2, 4, 2)]
    [InlineData(0, 5, 3)]
    [InlineData(1, 5, 5)]
    public void BoundedAggregation_EveryPoisonedSubset_MeanWithinBounds(int trusted, int untrusted, int budget)
    {
        using var session = new ProofSession();
        var batch = Batch.Create(session, trusted, untrusted);
        var (lower, upper) = batch.MeanBounds(budget);
        foreach (var poisoned in Subsets(untrusted, budget))
        {
            var (assumptions, mean) = batch.Realisation(poisoned);
            session.Prove(session.Within(mean, lower, upper), assumptions);
        }
    }

    // Unpaired feature and label poisoning: n samples with poisoned features and m OTHER samples with poisoned
    // labels, each covered by the joint box iwp(i). Charging k = n + m candidates is sound; charging max(n, m) —
    // the rule once used for the unpaired case by the reference implementation — is refuted.
    [Theory]
    [InlineData(1, 1, 4)]
    [InlineData(2, 1, 5)]
    public void UnpairedAggregation_BudgetSumOfBoth_MeanWithinBounds(int features, int labels, int untrusted)
    {
        using var session = new ProofSession();
        var batch = Batch.Create(session, 1, untrusted);
        var (lower, upper) = batch.MeanBounds(features + labels);
        foreach (var poisoned in UnpairedSets(untrusted, features, labels))
        {
            var (assumptions, mean) = batch.Realisation(poisoned);
            session.Prove(session.Within(mean, lower, upper), assumptions);
        }
    }

    [Fact]
    public void UnpairedAggregation_BudgetMaximumOfBoth_IsRefuted()
    {
        using var session = new ProofSession();
        var batch = Batch.Create(session, 1, 4);
        var (lower, upper) = batch.MeanBounds(Math.Max(1, 1));
        var refuted = UnpairedSets(4, 1, 1).Any(poisoned =>
        {
            var (assumptions, mean) = batch.Realisation(poisoned);
            return !session.Holds(session.Within(mean, lower, upper), assumptions);
        });
        Assert.True(refuted, "k = max(n, m) should admit a counterexample for unpaired poisoning");
    }

    [Fact]
    public void BoundedAggregation_BudgetSmallerThanPoisonedSet_IsRefuted()
    {
        using var session = new ProofSession();
        var batch = Batch.Create(session, 1, 3);
        var (lower, upper) = batch.MeanBounds(1);
        var (assumptions, mean) = batch.Realisation([0, 1]);
        session.Refute(session.Within(mean, lower, upper), assumptions);
    }

    // ---- Unbounded substitution: up to k untrusted samples replaced by arbitrary points ----
    // Per-sample gradients are clipped to [−γ, γ], so a replaced sample's gradient is anywhere in [−γ, γ], and
    //   Δ_u = (1/B)[Σ_all wu_i + (sum of the k largest (γ − wu_i), i untrusted)],
    //   Δ_l = (1/B)[Σ_all wl_i + (sum of the k smallest (−γ − wl_i), i untrusted)]:
    // the bounded rule with iwp(i) = [−γ, γ] and every clean box inside [−γ, γ].
    [Theory]
    [InlineData(1, 3, 1)]
    [InlineData(1, 4, 2)]
    [InlineData(0, 5, 3)]
    public void UnboundedAggregation_EveryReplacedSubset_MeanWithinBounds(int trusted, int untrusted, int budget)
    {
        using var session = new ProofSession();
        var batch = Batch.CreateUnbounded(session, trusted, untrusted);
        var (lower, upper) = batch.MeanBounds(budget);
        foreach (var replaced in Subsets(untrusted, budget))
        {
            var (assumptions, mean) = batch.Realisation(replaced);
            session.Prove(session.Within(mean, lower, upper), assumptions);
        }
    }

    [Fact]
    public void UnboundedAggregation_OneCandidateTooFew_IsRefuted()
    {
        using var session = new ProofSession();
        var batch = Batch.CreateUnbounded(session, 1, 3);
        var (lower, upper) = batch.MeanBounds(1); // k − 1 = 1 largest, for k = 2 replaced samples
        var (assumptions, mean) = batch.Realisation([0, 1]);
        session.Refute(session.Within(mean, lower, upper), assumptions);
    }

    // ---- Removal: up to k untrusted samples deleted, the mean over the B − |S| that remain ----
    //   Δ_u = max over k' = 0..k of (Σ_all wu_i − (sum of the k' smallest wu_i, i untrusted)) / (B − k'),
    //   Δ_l = min over k' = 0..k of (Σ_all wl_i − (sum of the k' largest  wl_i, i untrusted)) / (B − k').
    // Budgets with k ≥ B (an empty batch) are an error in the engine and are not covered.
    [Theory]
    [InlineData(1, 2, 2)]
    [InlineData(1, 3, 2)]
    [InlineData(0, 4, 3)]
    [InlineData(2, 3, 3)]
    public void RemovalAggregation_EveryRemovedSubset_MeanWithinBounds(int trusted, int untrusted, int budget)
    {
        using var session = new ProofSession();
        var batch = Batch.Create(session, trusted, untrusted);
        var (lower, upper) = batch.RemovalBounds(budget, onlyFullBudget: false);
        foreach (var removed in Subsets(untrusted, budget))
        {
            var (assumptions, mean) = batch.RemovalRealisation(removed);
            session.Prove(session.Within(mean, lower, upper), assumptions);
        }
    }

    [Fact]
    public void RemovalAggregation_OnlyFullBudgetConsidered_IsRefuted()
    {
        using var session = new ProofSession();
        var batch = Batch.Create(session, 1, 2); // trusted {0}, untrusted {1, 2}, k = 2; nothing removed
        var (lower, upper) = batch.RemovalBounds(2, onlyFullBudget: true);
        var (assumptions, mean) = batch.RemovalRealisation([]);
        session.Refute(session.Within(mean, lower, upper), assumptions);
    }

    // ---- Paired feature + label poisoning: the same samples carry both ----
    // n samples with poisoned features and m with poisoned labels, the smaller set inside the larger, every
    // poisoned sample in the joint box iwp(i): charging k = max(n, m) is sound. (The unpaired twin above shows
    // that the same budget is unsound when the sets are disjoint.)
    [Theory]
    [InlineData(1, 1, 4)]
    [InlineData(2, 1, 4)]
    [InlineData(1, 3, 5)]
    public void PairedAggregation_BudgetMaximumOfBoth_MeanWithinBounds(int features, int labels, int untrusted)
    {
        using var session = new ProofSession();
        var batch = Batch.Create(session, 1, untrusted);
        var (lower, upper) = batch.MeanBounds(Math.Max(features, labels));
        foreach (var poisoned in PairedSets(untrusted, features, labels))
        {
            var (assumptions, mean) = batch.Realisation(poisoned);
            session.Prove(session.Within(mean, lower, upper), assumptions);
        }
    }

    // ---- A priori error of the program's sum, in any order (B = 3) ----
    // The float program sums the B per-sample gradients g_i ∈ [lo_i, hi_i] (each sample's widest admissible box)
    // in an order the engine does not control. The engine widens [Δ_l·B, Δ_u·B] ⊇ [Σ lo_i, Σ hi_i] by
    // γ_(B−1)·Σ mag_i (mag_i = max(|lo_i|, |hi_i|)), outward, before dividing by B. Claim: for each of the three
    // orders (a + b) + c of a 3-term sum (the others equal one of these by commutativity of rounded addition),
    // the float sum lies in the widened interval. Rounding of an addition of floats is relative only,
    // a + b = fl(a + b)·(1 + δ), |δ| ≤ u, with no absolute term: with gradual underflow a sum in the subnormal
    // range is exact (Higham, Accuracy and Stability of Numerical Algorithms, 2002, §2.1).
    // One query with the δ's takes ~45 s, so it is proved in two parts: (1) one rounding,
    // a + b = c·(1 + δ) ⇒ |c − (a + b)| ≤ γ_1·|a + b|; (2) each order with every rounded sum constrained only by
    // (1)'s conclusion (linear). The twin keeps the δ's.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FloatSum_AnyOrderOfThreeTerms_WithinWidenedInterval(bool doublePrecision)
    {
        using var session = new ProofSession();
        var z = session.Context;
        var model = doublePrecision ? RoundingModel.Double(session) : RoundingModel.Single(session);
        ArithExpr exact = session.Real("r"), rounded = session.Real("c"), delta = session.Real("delta");
        session.Prove(RelativeRoundingBound(session, model, exact, rounded),
            [session.RoundingError(delta, model.UnitRoundoff), z.MkEq(exact, z.MkMul(rounded, z.MkAdd(z.MkReal(1), delta)))]);
        foreach (var order in SummationOrders)
        {
            var (assumptions, sum, lower, upper) = SummationSetup(session, model, order, widened: true);
            session.Prove(session.Within(sum, lower, upper), assumptions);
        }
    }

    [Fact]
    public void FloatSum_WithoutSummationErrorTerm_IsRefuted()
    {
        using var session = new ProofSession();
        var (assumptions, sum, lower, upper) = SummationSetup(session, RoundingModel.Single(session), SummationOrders[0], widened: false);
        session.Refute(session.Within(sum, lower, upper), assumptions);
    }

    // ---- The bound's own nearest-rounded sums and differences (B = 3, k = 1 and 2) ----
    // The fused kernel forms the clean-endpoint sum S = fl(Σ wu_i), the magnitude sum M = fl(Σ mag_i) and the
    // differences d_i = fl(xu_i − wu_i) ≥ 0 (xu_i ≥ wu_i the hull's upper endpoint) rounded to NEAREST; the engine's
    // upper numerator is N = S + (1 + 2u)·H + 2γ/(1 − γ)·M, with H ≥ the sum of the k largest d_i (the accumulator's
    // outward sum) and γ = γ_B. Claim: N ≥ Σ wu_i + Σ_{i∈P} (xu_i − wu_i) + γ·Σ mag_i for every set P of at most k
    // samples: the exact rule's numerator (BoundedAggregation above) plus the program's summation error
    // (FloatSum above). The lower side is the mirror image. Premises: |wu_i| ≤ mag_i; |S − Σ wu_i| ≤ γ·Σ mag_i and
    // |M − Σ mag_i| ≤ γ·Σ mag_i (FloatSum: a float sum of three terms in any order, the kernel's order among
    // them, is within γ_2 ≤ γ_3 of Σ mag); and (1), proved here: one rounding of a difference,
    // x = d·(1 + δ), |δ| ≤ u, d ≥ 0 ⇒ x ≤ (1 + 2u)·d. Part (2) is then linear, one query per set P.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void NearestRoundedBoundSums_WithScaledDifferencesAndDoubledErrorTerm_CoverExactRule(int budget)
    {
        using var session = new ProofSession();
        var z = session.Context;
        var model = RoundingModel.Single(session);
        ArithExpr x = session.Real("x"), d = session.Real("d"), delta = session.Real("delta");
        var scale = z.MkAdd(z.MkReal(1), z.MkMul(z.MkReal(2), model.UnitRoundoff));
        session.Prove(z.MkLe(x, z.MkMul(scale, d)),
            [session.RoundingError(delta, model.UnitRoundoff), z.MkGe(d, z.MkReal(0)), z.MkEq(x, z.MkMul(d, z.MkAdd(z.MkReal(1), delta)))]);
        var setup = new OwnSums(session, model, budget, differenceScale: scale, errorTerms: 2, exactDifferences: false);
        foreach (var poisoned in Subsets(OwnSums.Size, budget))
            session.Prove(setup.Covers(poisoned), setup.Assumptions);
    }

    // Differences summed unscaled: with x = d(1 + δ) exactly, the top-k sum of the rounded d can fall short.
    [Fact]
    public void NearestRoundedBoundSums_WithoutDifferenceScaling_IsRefuted()
    {
        using var session = new ProofSession();
        var setup = new OwnSums(session, RoundingModel.Single(session), 1, differenceScale: session.Context.MkReal(1), errorTerms: 2, exactDifferences: true);
        session.Refute(setup.Covers([0]), setup.Assumptions);
    }

    // One error term only (the program's), so the bound's own summation error is not covered.
    [Fact]
    public void NearestRoundedBoundSums_WithSingleErrorTerm_IsRefuted()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var model = RoundingModel.Single(session);
        var scale = z.MkAdd(z.MkReal(1), z.MkMul(z.MkReal(2), model.UnitRoundoff));
        var setup = new OwnSums(session, model, 1, differenceScale: scale, errorTerms: 1, exactDifferences: false);
        session.Refute(setup.Covers([0]), setup.Assumptions);
    }

    private sealed class OwnSums
    {
        public const int Size = 3;
        private readonly ProofSession _session;
        private readonly ArithExpr[] _clean, _hull, _magnitude;
        private readonly ArithExpr _gamma, _numerator;
        public List<BoolExpr> Assumptions { get; } = new();

        public OwnSums(ProofSession session, RoundingModel model, int budget, ArithExpr differenceScale, int errorTerms, bool exactDifferences)
        {
            _session = session;
            var z = session.Context;
            var zero = z.MkReal(0);
            var one = z.MkReal(1);
            _clean = session.Reals("wu", Size);
            _hull = session.Reals("xu", Size);
            _magnitude = session.Reals("mag", Size);
            var differences = session.Reals("d", Size);
            var u = model.UnitRoundoff;
            var three = z.MkReal(Size);
            _gamma = z.MkDiv(z.MkMul(three, u), z.MkSub(one, z.MkMul(three, u)));
            var magnitudeSum = session.Sum(_magnitude);
            for (var i = 0; i < Size; i++)
            {
                Assumptions.Add(z.MkGe(_hull[i], _clean[i]));
                Assumptions.Add(z.MkLe(session.Abs(_clean[i]), _magnitude[i]));
                Assumptions.Add(z.MkGe(differences[i], zero));
                var exact = z.MkSub(_hull[i], _clean[i]);
                if (exactDifferences)
                {
                    var delta = session.Real($"delta{i}");
                    Assumptions.Add(session.RoundingError(delta, u));
                    Assumptions.Add(z.MkEq(exact, z.MkMul(differences[i], z.MkAdd(one, delta))));
                }
                else Assumptions.Add(z.MkLe(exact, z.MkMul(z.MkAdd(one, z.MkMul(z.MkReal(2), u)), differences[i]))); // part (1)
            }
            ArithExpr cleanSum = session.Real("S"), roundedMagnitude = session.Real("M"), top = session.Real("H");
            Assumptions.Add(z.MkLe(session.Abs(z.MkSub(cleanSum, session.Sum(_clean))), z.MkMul(_gamma, magnitudeSum)));
            Assumptions.Add(z.MkLe(session.Abs(z.MkSub(roundedMagnitude, magnitudeSum)), z.MkMul(_gamma, magnitudeSum)));
            foreach (var chosen in Subsets(Size, budget))
                Assumptions.Add(z.MkGe(top, session.Sum(chosen.Select(i => differences[i]))));
            var errorFactor = z.MkDiv(z.MkMul(z.MkReal(errorTerms), _gamma), z.MkSub(one, _gamma));
            _numerator = z.MkAdd(cleanSum, z.MkMul(differenceScale, top), z.MkMul(errorFactor, roundedMagnitude));
        }

        public BoolExpr Covers(int[] poisoned)
        {
            var z = _session.Context;
            var required = z.MkAdd(_session.Sum(_clean), _session.Sum(poisoned.Select(i => (ArithExpr)z.MkSub(_hull[i], _clean[i]))),
                z.MkMul(_gamma, _session.Sum(_magnitude)));
            return z.MkGe(_numerator, required);
        }
    }

    // Every kind assignment to the untrusted samples (0 clean, 1 features, 2 labels, 3 both) within the budgets:
    // at most n samples with kind 1 or 3, at most m with kind 2 or 3.
    private static IEnumerable<int[]> KindAssignments(int untrusted, int features, int labels)
    {
        var total = (int)Math.Pow(4, untrusted);
        for (var code = 0; code < total; code++)
        {
            var kinds = new int[untrusted];
            for (int c = code, i = 0; i < untrusted; i++, c /= 4) kinds[i] = c % 4;
            var featureCount = kinds.Count(k => k is 1 or 3);
            var labelCount = kinds.Count(k => k is 2 or 3);
            if (featureCount <= features && labelCount <= labels) yield return kinds;
        }
    }

    // ---- Exact unpaired aggregation (the selection table over the samples in stream order) ----
    // Features of ≤ n samples and labels of ≤ m samples poisoned, the sets unrelated. Each untrusted sample has a
    // clean box w, a feature-only box F, a label-only box L and a joint box J, hulled as the kernel hulls them
    // (F, L ⊇ w; J ⊇ F ∪ L), and the differences dF_i = Fu_i − wu_i, dL_i = Lu_i − wu_i, dJ_i = Ju_i − wu_i (lower side: wl_i − Fl_i etc.). The
    // table V[a, b], 0 ≤ a ≤ n, 0 ≤ b ≤ m, starts at 0 and each untrusted sample, in order, replaces it by
    //   V'[a, b] = max(V[a, b], V[a − 1, b] + dF_i, V[a, b − 1] + dL_i, V[a − 1, b − 1] + dJ_i)   (V'[0, 0] = 0),
    // the options with a negative index dropped. The engine's upper bound of the batch sum is
    //   Σ wu + min(H_J, V_u[n, m]),   H_J ≥ every sum of at most n + m of the dJ_i,
    // and the lower one Σ wl − min(G_J, V_l[n, m]). V is built as one symbolic expression (nested maxima) of the
    // boxes' endpoints; the assignments of kinds are enumerated (one query each).
    [Theory]
    [InlineData(1, 1, 0, 3)]
    [InlineData(2, 1, 1, 3)]
    [InlineData(1, 2, 0, 4)]
    [InlineData(2, 2, 0, 4)]
    public void ExactUnpairedAggregation_EveryFeatureAndLabelSet_MeanWithinBounds(int features, int labels, int trusted, int untrusted)
    {
        using var session = new ProofSession();
        var batch = new UnpairedTableBatch(session, features, labels, trusted, untrusted, TableUpdate.Exact);
        foreach (var kinds in batch.Assignments())
            session.Prove(batch.MeanWithin(kinds), batch.Assumptions);
    }

    // Exactness: V[n, m] equals the largest Σ_A dF + Σ_B dL + Σ_C dJ over the admissible assignments (A, B, C), on
    // both sides. "≥" is the soundness above at the boxes' endpoints; "≤" says that every value in the table is the
    // sum of some admissible assignment, so the table's bound is attained by a poisoning and cannot be lowered.
    [Theory]
    [InlineData(1, 1, 0, 3)]
    [InlineData(2, 1, 1, 3)]
    [InlineData(2, 2, 0, 4)]
    public void ExactUnpairedAggregation_IsAttained(int features, int labels, int trusted, int untrusted)
    {
        using var session = new ProofSession();
        var batch = new UnpairedTableBatch(session, features, labels, trusted, untrusted, TableUpdate.Exact);
        foreach (var upperSide in new[] { true, false })
            session.Prove(session.Context.MkEq(batch.TableValue(upperSide), batch.BestAssignment(upperSide)), batch.Assumptions);
    }

    // Without the joint transition V[a − 1, b − 1] + dJ_i the table only pairs a feature poisoning and a label
    // poisoning on different samples: a doubly poisoned sample whose joint difference exceeds its single ones escapes.
    [Fact]
    public void ExactUnpairedAggregation_WithoutJointTransition_IsRefuted()
    {
        using var session = new ProofSession();
        var batch = new UnpairedTableBatch(session, 1, 1, 0, 2, TableUpdate.WithoutJoint);
        session.Refute(batch.MeanWithin([3, 0]), batch.Assumptions);
    }

    // Updated in place in increasing (a, b), the right side reads entries the same sample has already updated, so one
    // sample is counted as feature-only and label-only at once (V'[1, 1] ≥ V'[0, 1] + dF_i = dL_i + dF_i): the table
    // exceeds every admissible assignment's sum (dJ_i may be as small as max(dF_i, dL_i)).
    [Fact]
    public void ExactUnpairedAggregation_InPlaceIncreasingUpdate_IsRefuted()
    {
        using var session = new ProofSession();
        var batch = new UnpairedTableBatch(session, 1, 1, 0, 2, TableUpdate.InPlaceIncreasing);
        session.Refute(session.Context.MkLe(batch.TableValue(true), batch.BestAssignment(true)), batch.Assumptions);
    }

    private enum TableUpdate { Exact, WithoutJoint, InPlaceIncreasing }

    private sealed class UnpairedTableBatch
    {
        private readonly ProofSession _session;
        private readonly int _features, _labels, _trusted, _untrusted;
        private readonly ArithExpr[] _lower, _upper; // [kind][sample] flattened: kind 0 clean, 1 F, 2 L, 3 J
        private readonly ArithExpr _tableUpper, _tableLower, _meanLower, _meanUpper;
        public List<BoolExpr> Assumptions { get; } = new();

        public UnpairedTableBatch(ProofSession session, int features, int labels, int trusted, int untrusted, TableUpdate update)
        {
            (_session, _features, _labels, _trusted, _untrusted) = (session, features, labels, trusted, untrusted);
            var z = session.Context;
            var size = trusted + untrusted;
            _lower = new ArithExpr[4 * size];
            _upper = new ArithExpr[4 * size];
            for (var kind = 0; kind < 4; kind++)
                for (var i = 0; i < size; i++)
                {
                    _lower[kind * size + i] = session.Real($"lo{kind}_{i}");
                    _upper[kind * size + i] = session.Real($"hi{kind}_{i}");
                    Assumptions.Add(z.MkLe(_lower[kind * size + i], _upper[kind * size + i]));
                }
            for (var i = trusted; i < size; i++)
                foreach (var kind in new[] { 1, 2 })
                {
                    Assumptions.Add(z.MkLe(L(kind, i), L(0, i)));
                    Assumptions.Add(z.MkGe(U(kind, i), U(0, i)));
                    Assumptions.Add(z.MkLe(L(3, i), L(kind, i)));
                    Assumptions.Add(z.MkGe(U(3, i), U(kind, i)));
                }
            var samples = Enumerable.Range(trusted, untrusted).ToArray();
            ArithExpr Bound(string name, Func<int, ArithExpr> term, int k)
            {
                var bound = session.Real(name);
                foreach (var chosen in Subsets(untrusted, k))
                    Assumptions.Add(z.MkGe(bound, session.Sum(chosen.Select(c => term(samples[c])))));
                return bound;
            }
            var hj = Bound("HJu", i => Difference(3, i, upperSide: true), features + labels);
            var gj = Bound("HJl", i => Difference(3, i, upperSide: false), features + labels);
            _tableUpper = Table(update, upperSide: true);
            _tableLower = Table(update, upperSide: false);
            var cleanUpper = session.Sum(Enumerable.Range(0, size).Select(i => U(0, i)));
            var cleanLower = session.Sum(Enumerable.Range(0, size).Select(i => L(0, i)));
            var batch = z.MkReal(size);
            _meanUpper = z.MkDiv(z.MkAdd(cleanUpper, session.Min(hj, _tableUpper)), batch);
            _meanLower = z.MkDiv(z.MkSub(cleanLower, session.Min(gj, _tableLower)), batch);
        }

        private int Size => _trusted + _untrusted;
        private ArithExpr L(int kind, int i) => _lower[kind * Size + i];
        private ArithExpr U(int kind, int i) => _upper[kind * Size + i];

        // The poisoned-minus-clean difference of kind 1 (F), 2 (L) or 3 (J), ≥ 0 by the hull assumptions.
        private ArithExpr Difference(int kind, int i, bool upperSide)
            => upperSide ? _session.Context.MkSub(U(kind, i), U(0, i)) : _session.Context.MkSub(L(0, i), L(kind, i));

        // V[n, m] after the untrusted samples in order. InPlaceIncreasing reads the entries (a − 1, b), (a, b − 1),
        // (a − 1, b − 1) from the table being written (those entries precede (a, b) in increasing order).
        private ArithExpr Table(TableUpdate update, bool upperSide)
        {
            var z = _session.Context;
            var zero = z.MkReal(0);
            var table = new ArithExpr[_features + 1, _labels + 1];
            for (var a = 0; a <= _features; a++)
                for (var b = 0; b <= _labels; b++)
                    table[a, b] = zero;
            for (var i = _trusted; i < Size; i++)
            {
                ArithExpr dF = Difference(1, i, upperSide), dL = Difference(2, i, upperSide), dJ = Difference(3, i, upperSide);
                var next = new ArithExpr[_features + 1, _labels + 1];
                next[0, 0] = zero;
                var read = update == TableUpdate.InPlaceIncreasing ? next : table;
                for (var a = 0; a <= _features; a++)
                    for (var b = 0; b <= _labels; b++)
                    {
                        if (a == 0 && b == 0) continue;
                        var best = table[a, b];
                        if (a > 0) best = _session.Max(best, z.MkAdd(read[a - 1, b], dF));
                        if (b > 0) best = _session.Max(best, z.MkAdd(read[a, b - 1], dL));
                        if (a > 0 && b > 0 && update != TableUpdate.WithoutJoint)
                            best = _session.Max(best, z.MkAdd(read[a - 1, b - 1], dJ));
                        next[a, b] = best;
                    }
                table = next;
            }
            return table[_features, _labels];
        }

        public IEnumerable<int[]> Assignments() => KindAssignments(_untrusted, _features, _labels);

        public ArithExpr TableValue(bool upperSide) => upperSide ? _tableUpper : _tableLower;

        // max over the admissible assignments of Σ_A dF + Σ_B dL + Σ_C dJ (the empty assignment included).
        public ArithExpr BestAssignment(bool upperSide)
            => Assignments()
                .Select(kinds => _session.Sum(kinds.Select((kind, j) => kind == 0 ? null : Difference(kind, _trusted + j, upperSide)).OfType<ArithExpr>()))
                .Aggregate(_session.Max);

        public BoolExpr MeanWithin(int[] kinds)
        {
            var z = _session.Context;
            var gradients = _session.Reals($"g{string.Concat(kinds)}", Size);
            var within = new List<BoolExpr>();
            for (var i = 0; i < Size; i++)
            {
                var kind = i < _trusted ? 0 : kinds[i - _trusted];
                within.Add(_session.Within(gradients[i], L(kind, i), U(kind, i)));
            }
            var mean = z.MkDiv(_session.Sum(gradients), z.MkReal(Size));
            return z.MkImplies(z.MkAnd(within), _session.Within(mean, _meanLower, _meanUpper));
        }
    }

    // |c − r| ≤ γ_1·|r| for c a relative-only rounding of r.
    private static BoolExpr RelativeRoundingBound(ProofSession session, RoundingModel model, ArithExpr exact, ArithExpr rounded)
    {
        var z = session.Context;
        var gamma = z.MkDiv(model.UnitRoundoff, z.MkSub(z.MkReal(1), model.UnitRoundoff));
        return z.MkLe(session.Abs(z.MkSub(rounded, exact)), z.MkMul(gamma, session.Abs(exact)));
    }

    private static readonly int[][] SummationOrders = [[0, 1, 2], [0, 2, 1], [1, 2, 0]];

    private static (List<BoolExpr>, ArithExpr Sum, ArithExpr Lower, ArithExpr Upper) SummationSetup(
        ProofSession session, RoundingModel model, int[] order, bool widened)
    {
        var z = session.Context;
        const int size = 3;
        var tag = string.Concat(order);
        var lo = session.Reals("lo", size);
        var hi = session.Reals("hi", size);
        var gradients = session.Reals("g", size);
        var assumptions = new List<BoolExpr>();
        for (var i = 0; i < size; i++) assumptions.Add(session.Within(gradients[i], lo[i], hi[i]));
        ArithExpr Rounded(ArithExpr exact, string name)
        {
            ArithExpr result = session.Real($"{name}_{tag}"), delta = session.Real($"delta_{name}_{tag}");
            if (widened)
            {
                assumptions.Add(RelativeRoundingBound(session, model, exact, result));
            }
            else
            {
                assumptions.Add(session.RoundingError(delta, model.UnitRoundoff));
                assumptions.Add(z.MkEq(exact, z.MkMul(result, z.MkAdd(z.MkReal(1), delta))));
            }
            return result;
        }
        var partial = Rounded(z.MkAdd(gradients[order[0]], gradients[order[1]]), "s1");
        var sum = Rounded(z.MkAdd(partial, gradients[order[2]]), "s2");

        ArithExpr lower = session.Real($"L_{tag}"), upper = session.Real($"U_{tag}");
        var mu = z.MkMul(z.MkReal(size - 1), model.UnitRoundoff);
        var gamma = z.MkDiv(mu, z.MkSub(z.MkReal(1), mu));
        var magnitude = session.Sum(Enumerable.Range(0, size).Select(i => session.Max(session.Abs(lo[i]), session.Abs(hi[i]))));
        var widening = widened ? z.MkMul(gamma, magnitude) : z.MkReal(0);
        var lowerFormula = z.MkSub(session.Sum(lo), widening);
        var upperFormula = z.MkAdd(session.Sum(hi), widening);
        assumptions.Add(widened ? z.MkLe(lower, lowerFormula) : z.MkEq(lower, lowerFormula));
        assumptions.Add(widened ? z.MkGe(upper, upperFormula) : z.MkEq(upper, upperFormula));
        return (assumptions, sum, lower, upper);
    }

    private static IEnumerable<int[]> Subsets(int count, int maximumSize)
    {
        for (var mask = 0; mask < 1 << count; mask++)
        {
            var members = Enumerable.Range(0, count).Where(i => (mask & (1 << i)) != 0).ToArray();
            if (members.Length <= maximumSize) yield return members;
        }
    }

    private static IEnumerable<int[]> UnpairedSets(int count, int features, int labels)
        => from featureSet in Subsets(count, features)
           where featureSet.Length == features
           from labelSet in Subsets(count, labels)
           where labelSet.Length == labels && !labelSet.Intersect(featureSet).Any()
           select featureSet.Concat(labelSet).ToArray();

    // The smaller of the feature and label sets lies inside the larger; the poisoned samples are their union.
    private static IEnumerable<int[]> PairedSets(int count, int features, int labels)
        => (from featureSet in Subsets(count, features)
            where featureSet.Length == features
            from labelSet in Subsets(count, labels)
            where labelSet.Length == labels && (labelSet.All(featureSet.Contains) || featureSet.All(labelSet.Contains))
            select featureSet.Union(labelSet).OrderBy(i => i).ToArray())
           .DistinctBy(set => string.Join(",", set));

    private sealed class Batch
    {
        private readonly ProofSession _session;
        private readonly int _trusted, _untrusted;
        private readonly ArithExpr[] _cleanLower, _cleanUpper, _poisonedLower, _poisonedUpper;
        private readonly List<BoolExpr> _boxes = new();

        private Batch(ProofSession session, int trusted, int untrusted)
        {
            _session = session;
            _trusted = trusted;
            _untrusted = untrusted;
            var size = trusted + untrusted;
            _cleanLower = session.Reals("wl", size);
            _cleanUpper = session.Reals("wu", size);
            _poisonedLower = session.Reals("iwl", size);
            _poisonedUpper = session.Reals("iwu", size);
            var z = session.Context;
            for (var i = 0; i < size; i++)
            {
                _boxes.Add(z.MkLe(_cleanLower[i], _cleanUpper[i]));
                _boxes.Add(z.MkLe(_poisonedLower[i], _cleanLower[i]));
                _boxes.Add(z.MkGe(_poisonedUpper[i], _cleanUpper[i]));
            }
        }

        public static Batch Create(ProofSession session, int trusted, int untrusted) => new(session, trusted, untrusted);

        // Unbounded substitution: clean boxes inside [−γ, γ], the poisoned box of every sample exactly [−γ, γ].
        public static Batch CreateUnbounded(ProofSession session, int trusted, int untrusted)
        {
            var batch = new Batch(session, trusted, untrusted);
            var z = session.Context;
            var gamma = session.Real("gamma");
            var minusGamma = z.MkUnaryMinus(gamma);
            for (var i = 0; i < batch.Size; i++)
            {
                batch._boxes.Add(z.MkGe(batch._cleanLower[i], minusGamma));
                batch._boxes.Add(z.MkLe(batch._cleanUpper[i], gamma));
                batch._boxes.Add(z.MkEq(batch._poisonedLower[i], minusGamma));
                batch._boxes.Add(z.MkEq(batch._poisonedUpper[i], gamma));
            }
            return batch;
        }

        private int Size => _trusted + _untrusted;

        // Untrusted samples are the indices trusted .. size−1.
        public (ArithExpr Lower, ArithExpr Upper) MeanBounds(int budget)
        {
            var z = _session.Context;
            var untrusted = Enumerable.Range(_trusted, _untrusted).ToArray();
            var take = Math.Min(budget, _untrusted);
            var lowerDifferences = untrusted.Select(i => (ArithExpr)z.MkSub(_poisonedLower[i], _cleanLower[i])).ToArray();
            var upperDifferences = untrusted.Select(i => (ArithExpr)z.MkSub(_poisonedUpper[i], _cleanUpper[i])).ToArray();
            var kSubsets = Subsets(_untrusted, take).Where(s => s.Length == take).ToList();
            var smallest = kSubsets.Select(s => _session.Sum(s.Select(j => lowerDifferences[j]))).Aggregate(_session.Min);
            var largest = kSubsets.Select(s => _session.Sum(s.Select(j => upperDifferences[j]))).Aggregate(_session.Max);
            var size = z.MkReal(Size);
            var lower = z.MkDiv(z.MkAdd(_session.Sum(_cleanLower), smallest), size);
            var upper = z.MkDiv(z.MkAdd(_session.Sum(_cleanUpper), largest), size);
            return (lower, upper);
        }

        // Removal: max (min) over k' = 0..k (only k' = k for the twin) of the remaining sum bound over B − k'.
        public (ArithExpr Lower, ArithExpr Upper) RemovalBounds(int budget, bool onlyFullBudget)
        {
            var z = _session.Context;
            var untrusted = Enumerable.Range(_trusted, _untrusted).ToArray();
            var lowers = new List<ArithExpr>();
            var uppers = new List<ArithExpr>();
            for (var removed = onlyFullBudget ? budget : 0; removed <= budget; removed++)
            {
                var subsets = Subsets(_untrusted, removed).Where(s => s.Length == removed).ToList();
                var largestLower = subsets.Select(s => _session.Sum(s.Select(j => _cleanLower[untrusted[j]]))).Aggregate(_session.Max);
                var smallestUpper = subsets.Select(s => _session.Sum(s.Select(j => _cleanUpper[untrusted[j]]))).Aggregate(_session.Min);
                var remaining = z.MkReal(Size - removed);
                lowers.Add(z.MkDiv(z.MkSub(_session.Sum(_cleanLower), largestLower), remaining));
                uppers.Add(z.MkDiv(z.MkSub(_session.Sum(_cleanUpper), smallestUpper), remaining));
            }
            return (lowers.Aggregate(_session.Min), uppers.Aggregate(_session.Max));
        }

        // A run with the given untrusted samples deleted: the others' gradients in wp, the mean over those left.
        public (List<BoolExpr> Assumptions, ArithExpr Mean) RemovalRealisation(int[] removedUntrusted)
        {
            var z = _session.Context;
            var gradients = _session.Reals("g", Size);
            var assumptions = new List<BoolExpr>(_boxes);
            var kept = Enumerable.Range(0, Size).Where(i => i < _trusted || !removedUntrusted.Contains(i - _trusted)).ToArray();
            foreach (var i in kept) assumptions.Add(_session.Within(gradients[i], _cleanLower[i], _cleanUpper[i]));
            return (assumptions, z.MkDiv(_session.Sum(kept.Select(i => gradients[i])), z.MkReal(kept.Length)));
        }

        // A training run's gradients: poisoned samples (indices into the untrusted part) anywhere in iwp, others in wp.
        public (List<BoolExpr> Assumptions, ArithExpr Mean) Realisation(int[] poisonedUntrusted)
        {
            var z = _session.Context;
            var gradients = _session.Reals("g", Size);
            var assumptions = new List<BoolExpr>(_boxes);
            for (var i = 0; i < Size; i++)
            {
                var poisoned = i >= _trusted && poisonedUntrusted.Contains(i - _trusted);
                assumptions.Add(poisoned
                    ? _session.Within(gradients[i], _poisonedLower[i], _poisonedUpper[i])
                    : _session.Within(gradients[i], _cleanLower[i], _cleanUpper[i]));
            }
            return (assumptions, z.MkDiv(_session.Sum(gradients), z.MkReal(Size)));
        }
    }
}
