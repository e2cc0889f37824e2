using System.Numerics;
using PoisonCert.Models;
using PoisonCert.Training;

namespace PoisonCert.Tests.Training;

/// <summary>
/// A poisoner that stays inside the threat model in every batch: it picks at most the budget of untrusted samples
/// (never the trusted first samples of the batch) and changes them as allowed. Random mode draws the victims and
/// the poison (feature moves anywhere in the ε-box, corners included; label flips; target shifts). Adversarial mode
/// picks a parameter coordinate and a direction once per run and, in every batch, poisons the samples whose best
/// admissible poison (over the corners of the ε-box and the label choices) moves that coordinate's gradient the
/// most — the attack that pushes one parameter as hard as the threat model allows, greedily per step.
/// </summary>
public sealed class ScenarioPoisoner<T> : IBatchPoisoner<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly ThreatModel _threat;
    private readonly TrainingRecipe _recipe;
    private readonly TrainingSet<T> _data;
    private readonly NetworkArchitecture _architecture;
    private readonly Random _random;
    private readonly bool _adversarial;
    private readonly int _targetCoordinate;
    private readonly int _direction;
    private readonly PointNetwork<T> _probe;
    private readonly T[] _probeGradient;

    public ScenarioPoisoner(ThreatModel threat, TrainingRecipe recipe, TrainingSet<T> data, NetworkArchitecture architecture, Random random, bool adversarial)
    {
        _threat = threat;
        _recipe = recipe;
        _data = data;
        _architecture = architecture;
        _random = random;
        _adversarial = adversarial;
        var start = architecture.Layers[architecture.FirstTrainable].WeightOffset;
        _targetCoordinate = start + random.Next(architecture.ParameterCount - start);
        _direction = random.Next(2) == 0 ? 1 : -1;
        _probe = new PointNetwork<T>(architecture, 1);
        _probeGradient = new T[architecture.ParameterCount];
    }

    public void Poison(int step, BatchData<T> batch, ReadOnlySpan<T> parameters)
    {
        var trusted = Math.Min(_threat.TrustedPerBatch, batch.Count);
        var untrusted = Enumerable.Range(trusted, batch.Count - trusted).ToList();
        if (_threat.IsRemoval)
        {
            var removeCount = _random.Next(_threat.RemovalCount + 1);
            var victims = untrusted.OrderBy(_ => _random.Next()).Take(removeCount).OrderByDescending(i => i).ToList();
            foreach (var victim in victims) batch.RemoveAt(victim);
            return;
        }
        if (_threat.IsUnbounded)
        {
            foreach (var victim in untrusted.OrderBy(_ => _random.Next()).Take(_random.Next(_threat.UnboundedCount + 1)))
            {
                var features = batch.FeaturesOf(victim);
                var scale = _random.Next(3) switch { 0 => 1.0, 1 => 100.0, _ => 1e4 };
                for (var j = 0; j < features.Length; j++) features[j] = T.CreateTruncating((_random.NextDouble() * 2 - 1) * scale);
                if (batch.Labels is not null) batch.Labels[victim] = _random.Next(_data.ClassCount);
                else foreach (ref var target in batch.TargetsOf(victim)) target = T.CreateTruncating((_random.NextDouble() * 2 - 1) * scale);
            }
            return;
        }
        if (_threat.Budget == 0) return;
        if (_adversarial) ApplyAdversarialPoison(batch, untrusted, parameters);
        else ApplyRandomPoison(batch, untrusted);
    }

    // Feature victims: at most n; label victims: at most m; paired: all victims among one set of max(n, m).
    private void ApplyRandomPoison(BatchData<T> batch, List<int> untrusted)
    {
        var n = _threat.PoisonsFeatures ? _threat.FeatureCount : 0;
        var m = _threat.PoisonsLabels ? _threat.LabelCount : 0;
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
        foreach (var victim in labelVictims) ApplyLabel(batch, victim, _random.Next());
    }

    private void ApplyLabel(BatchData<T> batch, int victim, int choice)
    {
        switch (_threat.Labels)
        {
            case LabelPoisoning.AnyFlip:
                batch.Labels![victim] = choice % _data.ClassCount;
                break;
            case LabelPoisoning.TargetFlip:
                if (choice % 2 == 0) batch.Labels![victim] = _threat.TargetClass;
                break;
            case LabelPoisoning.Bounded:
                foreach (ref var target in batch.TargetsOf(victim))
                {
                    var move = (choice % 3) switch { 0 => -1.0, 1 => 1.0, _ => _random.NextDouble() * 2 - 1 };
                    target = Moved(target, move * _threat.LabelRadius);
                }
                break;
        }
    }

    /// <summary>x + δ rounded to T, pulled back inside [x − |δ|, x + |δ|] if rounding pushed it out (stays admissible).</summary>
    private static T Moved(T x, double delta)
    {
        var exact = double.CreateTruncating(x) + delta;
        var moved = T.CreateTruncating(exact);
        var distance = Math.Abs(double.CreateTruncating(moved) - double.CreateTruncating(x));
        while (distance > Math.Abs(delta))
        {
            moved = delta > 0 ? T.BitDecrement(moved) : T.BitIncrement(moved);
            distance = Math.Abs(double.CreateTruncating(moved) - double.CreateTruncating(x));
        }
        return moved;
    }

    // For each untrusted sample and each kind of poison (features only, label only, both): the best candidate
    // (corners of the feature box × label choices) for the chosen coordinate; then greedily the largest gains while
    // the counts allow (n feature victims, m label victims, and max(n, m) victims in all when paired).
    private void ApplyAdversarialPoison(BatchData<T> batch, List<int> untrusted, ReadOnlySpan<T> parameters)
    {
        var n = _threat.PoisonsFeatures ? _threat.FeatureCount : 0;
        var m = _threat.PoisonsLabels ? _threat.LabelCount : 0;
        var candidates = new List<(int Sample, bool Features, bool Label, double Gain, T[] X, int Y, T[]? Targets)>();
        var inputs = batch.Inputs;
        foreach (var sample in untrusted)
        {
            var original = batch.FeaturesOf(sample).ToArray();
            var label = batch.Labels?[sample] ?? 0;
            var targets = batch.Targets is null ? null : batch.TargetsOf(sample).ToArray();
            var baseline = CoordinateGradient(parameters, original, label, targets);
            var corners = n > 0 ? Math.Min(1 << inputs, 64) : 1;
            for (var corner = 0; corner < corners; corner++)
            {
                var features = original.ToArray();
                if (n > 0)
                    for (var j = 0; j < inputs; j++) features[j] = Moved(features[j], ((corner >> (j % 6)) & 1) == 1 ? _threat.FeatureEpsilon : -_threat.FeatureEpsilon);
                foreach (var (choice, choiceTargets, changed) in LabelChoices(batch, sample))
                {
                    if (n == 0 && !changed) continue;
                    var gain = -_direction * (CoordinateGradient(parameters, features, choice, choiceTargets) - baseline); // θ −= η·g
                    candidates.Add((sample, n > 0, changed, gain, features, choice, choiceTargets));
                }
            }
            if (m > 0 && n > 0)
                foreach (var (choice, choiceTargets, changed) in LabelChoices(batch, sample))
                    if (changed)
                        candidates.Add((sample, false, true, -_direction * (CoordinateGradient(parameters, original, choice, choiceTargets) - baseline), original, choice, choiceTargets));
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

    private IEnumerable<(int Label, T[]? Targets, bool Changed)> LabelChoices(BatchData<T> batch, int sample)
    {
        var label = batch.Labels?[sample] ?? 0;
        var targets = batch.Targets is null ? null : batch.TargetsOf(sample).ToArray();
        yield return (label, targets, false);
        if (!_threat.PoisonsLabels) yield break;
        switch (_threat.Labels)
        {
            case LabelPoisoning.AnyFlip:
                for (var c = 0; c < _data.ClassCount; c++) if (c != label) yield return (c, null, true);
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

    private double CoordinateGradient(ReadOnlySpan<T> parameters, ReadOnlySpan<T> features, int label, T[]? targets)
    {
        Array.Clear(_probeGradient);
        _probe.Forward(parameters, features, 1);
        _probe.Backward(parameters, _recipe.Loss, [label], targets ?? [], _recipe.Clipping, _probeGradient);
        return double.CreateTruncating(_probeGradient[_targetCoordinate]);
    }
}
