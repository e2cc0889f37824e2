using System.Numerics;
using PoisonCert.Models;

namespace PoisonCert.Training.Attacks;

/// <summary>
/// A poisoner that stays inside a threat model in every batch (for audits: real poisoned trainings to hold
/// against a certificate). It never touches the trusted first samples of a batch, and changes at most the budget
/// of the others: feature moves within the ε-box (corners included), label flips or target shifts within ν,
/// replacement by arbitrary points (unbounded), or removal. Random goal: victims and poisons drawn at random.
/// Adversarial goal: in every batch, for each untrusted sample and each admissible kind of poison (features only,
/// label only, both) the best candidate over the corners of the ε-box (all corners of the first six features, the
/// others moved to ±ε one by one, or in 32 groups beyond 134 features) and the label choices is scored by how far
/// it moves the program's gradient against the goal's direction; the best-scoring samples are poisoned while the
/// counts allow (n feature victims, m label victims, max(n, m) victims in all when paired) — the attack that pushes
/// the goal as hard as the threat model allows, greedily per step.
/// </summary>
public sealed class AdmissiblePoisoner<T> : IBatchPoisoner<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly ThreatModel _threat;
    private readonly TrainingRecipe _recipe;
    private readonly int _classCount;
    private readonly Random _random;
    private readonly AttackGoal _goal;
    private readonly GoalDirection<T> _direction;
    private readonly PointNetwork<T> _probe;
    private readonly T[] _probeGradient;

    public AdmissiblePoisoner(ThreatModel threat, TrainingRecipe recipe, NetworkArchitecture architecture, int classCount, Random random, AttackGoal goal)
    {
        _threat = threat;
        _recipe = recipe;
        _classCount = classCount;
        _random = random;
        _goal = goal;
        _direction = new GoalDirection<T>(goal, architecture);
        _probe = new PointNetwork<T>(architecture, 1);
        _probeGradient = new T[architecture.ParameterCount];
    }

    /// <summary>Called after a batch was poisoned, with the step and the batch as trained on (for records of an attack).</summary>
    public Action<int, BatchData<T>>? Poisoned { get; init; }

    public void Poison(int step, BatchData<T> batch, ReadOnlySpan<T> parameters)
    {
        var trusted = Math.Min(_threat.TrustedPerBatch, batch.Count);
        var untrusted = Enumerable.Range(trusted, batch.Count - trusted).ToList();
        if (_threat.IsRemoval)
        {
            var victims = untrusted.OrderBy(_ => _random.Next()).Take(_random.Next(_threat.RemovalCount + 1)).OrderByDescending(i => i).ToList();
            foreach (var victim in victims) batch.RemoveAt(victim);
        }
        else if (_threat.IsUnbounded) Replace(batch, untrusted);
        else if (_threat.Budget > 0)
        {
            if (_goal is AttackGoal.RandomGoal) ApplyRandomPoison(batch, untrusted);
            else ApplyAdversarialPoison(batch, untrusted, parameters);
        }
        Poisoned?.Invoke(step, batch);
    }

    private void Replace(BatchData<T> batch, List<int> untrusted)
    {
        foreach (var victim in untrusted.OrderBy(_ => _random.Next()).Take(_random.Next(_threat.UnboundedCount + 1)))
        {
            var features = batch.FeaturesOf(victim);
            var scale = _random.Next(3) switch { 0 => 1.0, 1 => 100.0, _ => 1e4 };
            for (var j = 0; j < features.Length; j++) features[j] = T.CreateTruncating((_random.NextDouble() * 2 - 1) * scale);
            if (batch.Labels is not null) batch.Labels[victim] = _random.Next(_classCount);
            else foreach (ref var target in batch.TargetsOf(victim)) target = T.CreateTruncating((_random.NextDouble() * 2 - 1) * scale);
        }
    }

    // Feature victims: at most n; label victims: at most m; paired: all victims among one set of max(n, m).
    private void ApplyRandomPoison(BatchData<T> batch, List<int> untrusted)
    {
        var (n, m) = Counts();
        var shuffled = untrusted.OrderBy(_ => _random.Next()).ToList();
        List<int> featureVictims, labelVictims;
        if (_threat.Pairing == Pairing.Paired)
        {
            var pool = shuffled.Take(_random.Next(Math.Max(n, m) + 1)).ToList();
            featureVictims = pool.OrderBy(_ => _random.Next()).Take(Math.Min(n, pool.Count)).ToList();
            labelVictims = pool.OrderBy(_ => _random.Next()).Take(Math.Min(m, pool.Count)).ToList();
        }
        else
        {
            featureVictims = shuffled.Take(_random.Next(n + 1)).ToList();
            labelVictims = untrusted.OrderBy(_ => _random.Next()).Take(_random.Next(m + 1)).ToList();
        }
        foreach (var victim in featureVictims)
        {
            var features = batch.FeaturesOf(victim);
            for (var j = 0; j < features.Length; j++)
            {
                var move = _random.Next(3) switch { 0 => -1.0, 1 => 1.0, _ => _random.NextDouble() * 2 - 1 };
                features[j] = Moved(features[j], move * _threat.FeatureEpsilon);
            }
        }
        foreach (var victim in labelVictims) ApplyRandomLabel(batch, victim);
    }

    private (int Features, int Labels) Counts() => (_threat.PoisonsFeatures ? _threat.FeatureCount : 0, _threat.PoisonsLabels ? _threat.LabelCount : 0);

    private void ApplyRandomLabel(BatchData<T> batch, int victim)
    {
        switch (_threat.Labels)
        {
            case LabelPoisoning.AnyFlip:
                batch.Labels![victim] = _random.Next(_classCount);
                break;
            case LabelPoisoning.TargetFlip:
                if (_random.Next(2) == 0) batch.Labels![victim] = _threat.TargetClass;
                break;
            case LabelPoisoning.Bounded:
                foreach (ref var target in batch.TargetsOf(victim))
                {
                    var move = _random.Next(3) switch { 0 => -1.0, 1 => 1.0, _ => _random.NextDouble() * 2 - 1 };
                    target = Moved(target, move * _threat.LabelRadius);
                }
                break;
        }
    }

    /// <summary>x + δ rounded to T, pulled back toward x while rounding left it farther than |δ| (stays admissible).</summary>
    public static T Moved(T x, double delta)
    {
        var moved = T.CreateTruncating(double.CreateTruncating(x) + delta);
        while (Math.Abs(double.CreateTruncating(moved) - double.CreateTruncating(x)) > Math.Abs(delta))
            moved = delta > 0 ? T.BitDecrement(moved) : T.BitIncrement(moved);
        return moved;
    }

    private void ApplyAdversarialPoison(BatchData<T> batch, List<int> untrusted, ReadOnlySpan<T> parameters)
    {
        var (n, m) = Counts();
        var direction = _direction.At(parameters).ToArray();
        var candidates = new List<(int Sample, bool Features, bool Label, double Gain, T[] X, int Y, T[]? Targets)>();
        var inputs = batch.Inputs;
        foreach (var sample in untrusted)
        {
            var original = batch.FeaturesOf(sample).ToArray();
            var label = batch.Labels?[sample] ?? 0;
            var targets = batch.Targets is null ? null : batch.TargetsOf(sample).ToArray();
            var baseline = Score(parameters, direction, original, label, targets);
            var corners = n > 0 ? 1 << Math.Min(inputs, CornerFeatures) : 1;
            var tail = n > 0 ? TailMoves(original, direction, parameters, label, targets) : original;
            for (var corner = 0; corner < corners; corner++)
            {
                var features = tail.ToArray();
                if (n > 0)
                    for (var j = 0; j < Math.Min(inputs, CornerFeatures); j++)
                        features[j] = Moved(original[j], ((corner >> j) & 1) == 1 ? _threat.FeatureEpsilon : -_threat.FeatureEpsilon);
                foreach (var (choice, choiceTargets, changed) in LabelChoices(batch, sample))
                {
                    if (n == 0 && !changed) continue;
                    candidates.Add((sample, n > 0, changed, baseline - Score(parameters, direction, features, choice, choiceTargets), features, choice, choiceTargets));
                }
            }
            if (m > 0 && n > 0)
                foreach (var (choice, choiceTargets, changed) in LabelChoices(batch, sample))
                    if (changed)
                        candidates.Add((sample, false, true, baseline - Score(parameters, direction, original, choice, choiceTargets), original, choice, choiceTargets));
        }
        var used = new HashSet<int>();
        int featureVictims = 0, labelVictims = 0;
        foreach (var c in candidates.Where(c => c.Gain > 0).OrderByDescending(c => c.Gain))
        {
            if (used.Contains(c.Sample)) continue;
            if (c.Features && featureVictims >= n || c.Label && labelVictims >= m) continue;
            if (_threat.Pairing == Pairing.Paired && used.Count >= Math.Max(n, m)) break;
            used.Add(c.Sample);
            if (c.Features) featureVictims++;
            if (c.Label) labelVictims++;
            c.X.CopyTo(batch.FeaturesOf(c.Sample));
            if (batch.Labels is not null) batch.Labels[c.Sample] = c.Y;
            else c.Targets!.CopyTo(batch.TargetsOf(c.Sample));
        }
    }

    // Every corner of the ε-box is tried for the first CornerFeatures features; each further feature is moved by ±ε,
    // the sign chosen once per sample by comparing the two one-feature moves. Beyond TailGroupsFrom further features
    // (images) they move in TailGroups contiguous groups, each group's sign chosen by comparing its two joint moves:
    // 2·TailGroups gradient evaluations per sample instead of two per feature, every move still within ε.
    private const int CornerFeatures = 6;
    private const int TailGroupsFrom = 128;
    private const int TailGroups = 32;

    private T[] TailMoves(T[] original, T[] direction, ReadOnlySpan<T> parameters, int label, T[]? targets)
    {
        var result = original.ToArray();
        var tail = original.Length - CornerFeatures;
        var groups = tail > TailGroupsFrom ? TailGroups : Math.Max(tail, 0);
        for (var g = 0; g < groups; g++)
        {
            var start = CornerFeatures + (int)((long)tail * g / groups);
            var end = CornerFeatures + (int)((long)tail * (g + 1) / groups);
            var plus = original.ToArray();
            var minus = original.ToArray();
            for (var j = start; j < end; j++)
            {
                plus[j] = Moved(original[j], _threat.FeatureEpsilon);
                minus[j] = Moved(original[j], -_threat.FeatureEpsilon);
            }
            var chosen = Score(parameters, direction, plus, label, targets) <= Score(parameters, direction, minus, label, targets) ? plus : minus;
            for (var j = start; j < end; j++) result[j] = chosen[j];
        }
        return result;
    }

    private IEnumerable<(int Label, T[]? Targets, bool Changed)> LabelChoices(BatchData<T> batch, int sample)
    {
        var label = batch.Labels?[sample] ?? 0;
        var targets = batch.Targets is null ? null : batch.TargetsOf(sample).ToArray();
        yield return (label, targets, false);
        if (!_threat.PoisonsLabels) yield break;
        switch (_threat.Labels)
        {
            case LabelPoisoning.AnyFlip:
                for (var c = 0; c < _classCount; c++) if (c != label) yield return (c, null, true);
                break;
            case LabelPoisoning.TargetFlip:
                if (_threat.TargetClass != label) yield return (_threat.TargetClass, null, true);
                break;
            case LabelPoisoning.Bounded:
                foreach (var sign in new[] { -1.0, 1.0 })
                    yield return (0, [.. targets!.Select(t => Moved(t, sign * _threat.LabelRadius))], true);
                break;
        }
    }

    // g·d for the sample's clipped gradient g (the program's), d the goal direction; poisons want it small.
    private double Score(ReadOnlySpan<T> parameters, T[] direction, T[] features, int label, T[]? targets)
    {
        Array.Clear(_probeGradient);
        _probe.Forward(parameters, features, 1);
        _probe.Backward(parameters, _recipe.Loss, [label], targets ?? [], _recipe.Clipping, _probeGradient);
        var score = 0.0;
        for (var e = 0; e < direction.Length; e++)
            if (!T.IsZero(direction[e])) score += double.CreateTruncating(direction[e]) * double.CreateTruncating(_probeGradient[e]);
        return score;
    }
}
