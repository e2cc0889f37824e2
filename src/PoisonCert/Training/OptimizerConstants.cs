using System.Numerics;

namespace PoisonCert.Training;

/// <summary>
/// The point constants of one optimizer step, computed once in double and rounded to the working precision; the
/// program and the certified step use the same values, so they are not a source of uncertainty.
/// </summary>
internal readonly record struct OptimizerConstants<T>(T LearningRate, T WeightDecay, T L1, T Momentum, T DampingFactor,
    T Beta1, T OneMinusBeta1, T Beta2, T OneMinusBeta2, T BiasCorrection1, T BiasCorrection2, T Epsilon, T DecoupledDecayFactor)
    where T : IBinaryFloatingPointIeee754<T>
{
    /// <summary>Constants for step <paramref name="step"/> (0-based) of the recipe.</summary>
    public static OptimizerConstants<T> For(TrainingRecipe recipe, int step)
    {
        var o = recipe.Optimizer;
        var rate = recipe.Schedule.At(recipe.LearningRate, step);
        var t = step + 1;
        static T Of(double value) => T.CreateTruncating(value);
        return new OptimizerConstants<T>(Of(rate), Of(o.WeightDecay), Of(o.L1), Of(o.Momentum), Of(1 - o.Dampening),
            Of(o.Beta1), Of(1 - o.Beta1), Of(o.Beta2), Of(1 - o.Beta2), Of(1 - Math.Pow(o.Beta1, t)), Of(1 - Math.Pow(o.Beta2, t)),
            Of(o.Epsilon), Of(1 - rate * o.WeightDecay));
    }
}
