using Microsoft.Z3;
using PoisonCert.Models;
using PoisonCert.Training;

namespace PoisonCert.Proofs.Trajectories;

/// <summary>One sample of a step's batch as the program sees it after poisoning: features x̃ and targets ỹ (Z3 terms).</summary>
public sealed record PoisonedSample(int Row, ArithExpr[] Features, ArithExpr[] Targets);

/// <summary>
/// The training program of a <see cref="TinyInstance"/> over Z3's REAL numbers, step by step, with the attacker's
/// choices as free variables constrained exactly as the threat model allows. Every operation is the program's
/// (<see cref="TrainingProgram{T}"/>, <see cref="PointNetwork{T}"/>, <see cref="PointLoss"/>,
/// <see cref="PointOptimizer{T}"/>) evaluated without rounding:
/// <list type="bullet">
/// <item>batches: the rows of <see cref="BatchSchedule.EpochOrder"/> (the library's own schedule), batch j of an epoch
/// is order[jB, (j+1)B);</item>
/// <item>forward: z = W·x̃ + b per layer (W row-major [outputs, inputs], the engine's flat layout), ReLU as
/// ite(z &gt; 0, z, 0); MSE gradient 2(z − ỹ) per output (no division by the number of outputs);</item>
/// <item>backward: G_{l−1} = (G_l·W_l) ⊙ 1{z_{l−1} &gt; 0}; per-sample gradients G_l[o]·h_{l−1}[j] (weights), G_l[o]
/// (biases); with clamp clipping every per-sample entry is clamped to [−γ, γ] (ite), as the program does for every
/// sample, clean or not;</item>
/// <item>the mean: the sum over the batch divided by the batch size;</item>
/// <item>optimizers (PyTorch semantics, the program's constants <see cref="OptimizerConstants{T}"/> as exact
/// rationals of their doubles): SGD with weight decay and momentum (v = d at step 0, v = μv + (1 − τ)d after,
/// Nesterov d + μv); Adam/AdamW with m, v from 0, m̂ = m/c1, √(v/c2) as a fresh r ≥ 0 with r² = v/c2, and the
/// quotient as a fresh q with q·(r + ε) = m̂ (r + ε ≥ ε &gt; 0, so q is the quotient).</item>
/// </list>
/// Poisoning, per batch (the engine's threat model lets every batch choose its own rows and values): a Boolean
/// selector per untrusted row and kind, at most k of them true (one clause per (k+1)-subset), and
/// <list type="bullet">
/// <item>features: x̃ = x + δ with −ε ≤ δ ≤ ε per coordinate, δ = 0 unless selected;</item>
/// <item>bounded labels: ỹ = y + λ with −ν ≤ λ ≤ ν per target coordinate, λ = 0 unless selected (unpaired with
/// features: separate selectors, at most n and at most m);</item>
/// <item>unbounded: x̃, ỹ free reals, equal to the clean row unless selected.</item>
/// </list>
/// The parameters after step s are fresh constants θ_s defined by equalities (<see cref="Definitions"/>), so a query
/// about step s carries the definitions of steps 0..s only.
/// </summary>
public sealed class ExactTrajectory
{
    private readonly ProofSession _session;
    private readonly Context _z;
    private readonly TinyInstance _instance;
    private readonly List<List<BoolExpr>> _definitions = [];
    private readonly List<BoolExpr> _start = [];

    /// <summary>
    /// The run from the initial parameters (<paramref name="fromStep"/> = 0), or from step <paramref name="fromStep"/> on
    /// with the parameters before it free in <paramref name="fromBox"/> (the engine's box after step fromStep − 1):
    /// the inductive step. With momentum (not Nesterov) from step 1, the velocity is the one the first step left,
    /// v₀ = d₀ = (θ₀ − θ₁)/η₀ exactly; Adam and later momentum starts are not encoded.
    /// </summary>
    public ExactTrajectory(ProofSession session, TinyInstance instance, int steps, int fromStep = 0, ParameterBox<double>? fromBox = null)
    {
        _session = session;
        _z = session.Context;
        _instance = instance;
        var architecture = instance.Architecture;
        var recipe = instance.Recipe;
        var data = instance.Data;
        if (recipe.Optimizer.L1 != 0) throw new NotSupportedException("L1 is not encoded.");
        if (recipe.Clipping is { Kind: ClipKind.Norm }) throw new NotSupportedException("Norm clipping is not encoded.");
        if (instance.Threat.IsRemoval || instance.Threat.Pairing == Pairing.Paired) throw new NotSupportedException("Removal and paired poisoning are not encoded.");
        var count = architecture.ParameterCount;
        var theta = instance.Initial.Values.Select(v => (ArithExpr)session.Exact(v)).ToArray();
        var first = Enumerable.Repeat((ArithExpr)_z.MkReal(0), count).ToArray();
        var second = Enumerable.Repeat((ArithExpr)_z.MkReal(0), count).ToArray();
        if (fromStep > 0)
        {
            if (fromBox is null) throw new ArgumentNullException(nameof(fromBox));
            var settings = recipe.Optimizer;
            if (settings.Kind != OptimizerKind.Sgd || (settings.Momentum != 0 && (fromStep != 1 || settings.Nesterov)))
                throw new NotSupportedException("An inductive step is encoded for SGD, and for momentum (not Nesterov) from step 1 only.");
            var initial = theta;
            var rate = session.Exact(OptimizerConstants<double>.For(recipe, 0).LearningRate);
            theta = new ArithExpr[count];
            for (var e = 0; e < count; e++)
            {
                theta[e] = session.Real($"b{fromStep}_{e}");
                _start.Add(session.Within(theta[e], session.Exact(fromBox.Lower[e]), session.Exact(fromBox.Upper[e])));
                if (settings.Momentum != 0) first[e] = _z.MkDiv(_z.MkSub(initial[e], theta[e]), rate);
            }
        }
        var batches = recipe.BatchesPerEpoch(data.Rows);
        var step = 0;
        for (var epoch = 0; epoch < recipe.Epochs && step < steps; epoch++)
        {
            var order = BatchSchedule.EpochOrder(data.Rows, recipe.ShuffleSeed, epoch);
            for (var j = 0; j < batches && step < steps; j++, step++)
            {
                if (step < fromStep)
                {
                    After.Add([]);
                    Batches.Add([]);
                    _definitions.Add([]);
                    continue;
                }
                var definitions = new List<BoolExpr>();
                var samples = PoisonBatch(step, data, order.AsSpan(j * recipe.BatchSize, recipe.BatchSize), definitions);
                var gradient = MeanGradient(theta, samples);
                theta = OptimizerStep(step, theta, gradient, first, second, definitions);
                After.Add(theta);
                Batches.Add(samples);
                _definitions.Add(definitions);
            }
        }
        if (step != steps) throw new ArgumentException($"{instance.Name} has {step} steps, not {steps}.");
    }

    /// <summary>The parameter terms after step s (fresh constants, defined in <see cref="Definitions"/>).</summary>
    public List<ArithExpr[]> After { get; } = [];

    /// <summary>The poisoned batch of step s.</summary>
    public List<PoisonedSample[]> Batches { get; } = [];

    /// <summary>The threat-model constraints and the program's equalities of steps 0..<paramref name="step"/>.</summary>
    public IEnumerable<BoolExpr> Definitions(int step) => _start.Concat(_definitions.Take(step + 1).SelectMany(d => d));

    // ---- poisoning ----

    private PoisonedSample[] PoisonBatch(int step, TrainingSet<double> data, ReadOnlySpan<int> rows, List<BoolExpr> constraints)
    {
        var threat = _instance.Threat;
        var outputs = _instance.Outputs;
        var samples = new PoisonedSample[rows.Length];
        var featureSelectors = new List<BoolExpr>();
        var labelSelectors = new List<BoolExpr>();
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            var x = data.Row(row).ToArray().Select(v => (ArithExpr)_session.Exact(v)).ToArray();
            var y = data.Targets!.AsSpan(row * outputs, outputs).ToArray().Select(v => (ArithExpr)_session.Exact(v)).ToArray();
            var trusted = i < threat.TrustedPerBatch;
            if (!trusted && threat.IsUnbounded)
            {
                var selected = _z.MkBoolConst($"s{step}_replace{i}");
                featureSelectors.Add(selected);
                x = Replaced(x, selected, $"s{step}_x{i}_", constraints);
                y = Replaced(y, selected, $"s{step}_y{i}_", constraints);
            }
            if (!trusted && threat.PoisonsFeatures)
            {
                var selected = _z.MkBoolConst($"s{step}_feature{i}");
                featureSelectors.Add(selected);
                x = Moved(x, selected, _session.Exact(threat.FeatureEpsilon), $"s{step}_dx{i}_", constraints);
            }
            if (!trusted && threat.PoisonsLabels)
            {
                if (threat.Labels != LabelPoisoning.Bounded) throw new NotSupportedException("Only bounded target poisoning is encoded.");
                var selected = _z.MkBoolConst($"s{step}_label{i}");
                labelSelectors.Add(selected);
                y = Moved(y, selected, _session.Exact(threat.LabelRadius), $"s{step}_dy{i}_", constraints);
            }
            samples[i] = new PoisonedSample(row, x, y);
        }
        var featureBudget = threat.IsUnbounded ? threat.UnboundedCount : threat.FeatureCount;
        constraints.AddRange(AtMost(featureSelectors, featureBudget));
        constraints.AddRange(AtMost(labelSelectors, threat.LabelCount));
        return samples;
    }

    // x + δ, −r ≤ δ ≤ r, δ = 0 unless selected.
    private ArithExpr[] Moved(ArithExpr[] values, BoolExpr selected, ArithExpr radius, string prefix, List<BoolExpr> constraints)
    {
        var moved = new ArithExpr[values.Length];
        for (var c = 0; c < values.Length; c++)
        {
            var delta = _session.Real(prefix + c);
            constraints.Add(_session.Within(delta, _z.MkUnaryMinus(radius), radius));
            constraints.Add(_z.MkImplies(_z.MkNot(selected), _z.MkEq(delta, _z.MkReal(0))));
            moved[c] = _z.MkAdd(values[c], delta);
        }
        return moved;
    }

    // A free value, equal to the clean one unless selected.
    private ArithExpr[] Replaced(ArithExpr[] values, BoolExpr selected, string prefix, List<BoolExpr> constraints)
    {
        var replaced = new ArithExpr[values.Length];
        for (var c = 0; c < values.Length; c++)
        {
            replaced[c] = _session.Real(prefix + c);
            constraints.Add(_z.MkImplies(_z.MkNot(selected), _z.MkEq(replaced[c], values[c])));
        }
        return replaced;
    }

    // At most k selectors true: no k + 1 of them together.
    private IEnumerable<BoolExpr> AtMost(List<BoolExpr> selectors, int k)
    {
        if (selectors.Count <= k) yield break;
        foreach (var subset in Subsets(selectors.Count, k + 1))
            yield return _z.MkNot(_z.MkAnd(subset.Select(i => selectors[i])));
    }

    private static IEnumerable<int[]> Subsets(int n, int size)
    {
        if (size == 0) { yield return []; yield break; }
        for (var last = size - 1; last < n; last++)
            foreach (var rest in Subsets(last, size - 1)) yield return [.. rest, last];
    }

    // ---- the program ----

    // The batch mean of the (clipped) per-sample gradients.
    private ArithExpr[] MeanGradient(ArithExpr[] theta, PoisonedSample[] samples)
    {
        var architecture = _instance.Architecture;
        var clip = _instance.Recipe.Clipping;
        var sums = new List<ArithExpr>[architecture.ParameterCount];
        for (var e = 0; e < sums.Length; e++) sums[e] = [];
        foreach (var sample in samples)
        {
            var perSample = SampleGradient(theta, sample);
            for (var e = 0; e < perSample.Length; e++)
                sums[e].Add(clip is null ? perSample[e] : Clamp(perSample[e], _session.Exact(clip.Bound)));
        }
        var size = _z.MkReal(samples.Length);
        return sums.Select(terms => (ArithExpr)_z.MkDiv(_session.Sum(terms), size)).ToArray();
    }

    // T.Clamp(x, −γ, γ): −γ if x < −γ, γ if x > γ, else x.
    private ArithExpr Clamp(ArithExpr x, ArithExpr bound)
    {
        var minus = _z.MkUnaryMinus(bound);
        return (ArithExpr)_z.MkITE(_z.MkLt(x, minus), minus, _z.MkITE(_z.MkGt(x, bound), bound, x));
    }

    private ArithExpr[] SampleGradient(ArithExpr[] theta, PoisonedSample sample)
    {
        var architecture = _instance.Architecture;
        var layers = architecture.Layers;
        var zero = _z.MkReal(0);
        ArithExpr Weight(DenseLayer layer, int o, int j) => theta[layer.WeightOffset + o * layer.Inputs + j];
        // forward: inputs of every layer, pre-activations and the ReLU tests
        var inputs = new ArithExpr[layers.Count][];
        var positive = new BoolExpr[layers.Count][];
        var h = sample.Features;
        ArithExpr[] z = [];
        for (var l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            inputs[l] = h;
            z = new ArithExpr[layer.Outputs];
            for (var o = 0; o < layer.Outputs; o++)
                z[o] = _z.MkAdd(_session.Sum(Enumerable.Range(0, layer.Inputs).Select(j => (ArithExpr)_z.MkMul(Weight(layer, o, j), h[j]))),
                    theta[layer.BiasOffset + o]);
            if (layer.Relu)
            {
                positive[l] = z.Select(v => _z.MkGt(v, zero)).ToArray();
                h = z.Select((v, o) => (ArithExpr)_z.MkITE(positive[l][o], v, zero)).ToArray();
            }
            else h = z;
        }
        // loss gradient 2(z − ỹ), then backward
        var two = _z.MkReal(2);
        var g = z.Select((v, o) => (ArithExpr)_z.MkMul(_z.MkSub(v, sample.Targets[o]), two)).ToArray();
        var gradient = new ArithExpr[architecture.ParameterCount];
        for (var e = 0; e < gradient.Length; e++) gradient[e] = zero;
        for (var l = layers.Count - 1; l >= architecture.FirstTrainable; l--)
        {
            var layer = layers[l];
            for (var o = 0; o < layer.Outputs; o++)
            {
                for (var j = 0; j < layer.Inputs; j++) gradient[layer.WeightOffset + o * layer.Inputs + j] = _z.MkMul(g[o], inputs[l][j]);
                gradient[layer.BiasOffset + o] = g[o];
            }
            if (l == architecture.FirstTrainable) break;
            var previous = layers[l - 1];
            var back = new ArithExpr[layer.Inputs];
            for (var j = 0; j < layer.Inputs; j++)
            {
                var sum = _session.Sum(Enumerable.Range(0, layer.Outputs).Select(o => (ArithExpr)_z.MkMul(g[o], Weight(layer, o, j))));
                back[j] = previous.Relu ? (ArithExpr)_z.MkITE(positive[l - 1][j], sum, zero) : sum;
            }
            g = back;
        }
        return gradient;
    }

    private ArithExpr[] OptimizerStep(int step, ArithExpr[] theta, ArithExpr[] gradient, ArithExpr[] first, ArithExpr[] second, List<BoolExpr> definitions)
    {
        var recipe = _instance.Recipe;
        var settings = recipe.Optimizer;
        var c = OptimizerConstants<double>.For(recipe, step);
        RatNum Q(double value) => _session.Exact(value);
        var next = new ArithExpr[theta.Length];
        for (var e = 0; e < theta.Length; e++)
        {
            var current = theta[e];
            var d = gradient[e];
            ArithExpr updated;
            if (settings.Kind == OptimizerKind.Sgd)
            {
                if (settings.WeightDecay != 0) d = _z.MkAdd(d, _z.MkMul(Q(c.WeightDecay), current));
                if (settings.Momentum != 0)
                {
                    first[e] = Define($"v{step}_{e}", step == 0 ? d : _z.MkAdd(_z.MkMul(first[e], Q(c.Momentum)), _z.MkMul(d, Q(c.DampingFactor))), definitions);
                    d = settings.Nesterov ? _z.MkAdd(d, _z.MkMul(Q(c.Momentum), first[e])) : first[e];
                }
                updated = _z.MkSub(current, _z.MkMul(Q(c.LearningRate), d));
            }
            else
            {
                if (settings.Kind == OptimizerKind.AdamW) current = _z.MkMul(current, Q(c.DecoupledDecayFactor));
                else if (settings.WeightDecay != 0) d = _z.MkAdd(d, _z.MkMul(Q(c.WeightDecay), current));
                first[e] = Define($"m{step}_{e}", _z.MkAdd(_z.MkMul(first[e], Q(c.Beta1)), _z.MkMul(d, Q(c.OneMinusBeta1))), definitions);
                second[e] = Define($"w{step}_{e}", _z.MkAdd(_z.MkMul(second[e], Q(c.Beta2)), _z.MkMul(_z.MkMul(d, d), Q(c.OneMinusBeta2))), definitions);
                var corrected = _z.MkDiv(first[e], Q(c.BiasCorrection1));
                var root = _session.Real($"r{step}_{e}"); // √(v / c2)
                definitions.Add(_z.MkGe(root, _z.MkReal(0)));
                definitions.Add(_z.MkEq(_z.MkMul(root, root), _z.MkDiv(second[e], Q(c.BiasCorrection2))));
                var quotient = _session.Real($"q{step}_{e}"); // m̂ / (√(v/c2) + ε)
                definitions.Add(_z.MkEq(_z.MkMul(quotient, _z.MkAdd(root, Q(c.Epsilon))), corrected));
                updated = _z.MkSub(current, _z.MkMul(Q(c.LearningRate), quotient));
            }
            next[e] = Define($"t{step}_{e}", updated, definitions);
        }
        return next;
    }

    private ArithExpr Define(string name, ArithExpr value, List<BoolExpr> definitions)
    {
        var constant = _session.Real(name);
        definitions.Add(_z.MkEq(constant, value));
        return constant;
    }
}
