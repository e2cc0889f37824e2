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
