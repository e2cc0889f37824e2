using System.Numerics;

namespace PoisonCert.Training;

/// <summary>
/// The training program's optimizer step (PyTorch semantics; see <see cref="OptimizerSettings"/>), element by element
/// in the order written here. <see cref="IntervalOptimizer{T}"/> mirrors every operation with an interval one.
/// </summary>
public sealed class PointOptimizer<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly TrainingRecipe _recipe;
    private readonly T[] _first, _second; // velocity (SGD) or first moment (Adam); second moment (Adam)
    private readonly int _start;

    /// <summary>State for <paramref name="parameterCount"/> parameters; those before <paramref name="start"/> are frozen.</summary>
    public PointOptimizer(TrainingRecipe recipe, int parameterCount, int start)
    {
        _recipe = recipe;
        _first = new T[parameterCount];
        _second = new T[parameterCount];
        _start = start;
    }

    /// <summary>θ ← step(θ, g) for step number <paramref name="step"/> (0-based), g the mean batch gradient.</summary>
    public void Step(int step, Span<T> parameters, ReadOnlySpan<T> gradient)
    {
        var c = OptimizerConstants<T>.For(_recipe, step);
        var settings = _recipe.Optimizer;
        for (var e = _start; e < parameters.Length; e++)
        {
            var theta = parameters[e];
            var d = gradient[e];
            if (settings.Kind == OptimizerKind.Sgd)
            {
                if (settings.WeightDecay != 0) d = d + c.WeightDecay * theta;
                if (settings.L1 != 0) d = d + c.L1 * T.CreateTruncating(T.Sign(theta));
                if (settings.Momentum != 0)
                {
                    _first[e] = step == 0 ? d : _first[e] * c.Momentum + d * c.DampingFactor;
                    d = settings.Nesterov ? d + c.Momentum * _first[e] : _first[e];
                }
                parameters[e] = theta - c.LearningRate * d;
                continue;
            }
            if (settings.Kind == OptimizerKind.AdamW) theta = theta * c.DecoupledDecayFactor;
            else if (settings.WeightDecay != 0) d = d + c.WeightDecay * theta;
            _first[e] = _first[e] * c.Beta1 + d * c.OneMinusBeta1;
            _second[e] = _second[e] * c.Beta2 + d * d * c.OneMinusBeta2;
            var corrected = _first[e] / c.BiasCorrection1;
            var denominator = T.Sqrt(_second[e] / c.BiasCorrection2) + c.Epsilon;
            parameters[e] = theta - c.LearningRate * (corrected / denominator);
        }
    }
}
