using System.Numerics;
using PoisonCert.Tests.Exact;
using PoisonCert.Training;

namespace PoisonCert.Tests.Training;

/// <summary>
/// IntervalOptimizer against the program's PointOptimizer, for every optimizer the recipe offers: random parameter
/// boxes (some zero-width, some straddling 0), a random gradient box per step and a point gradient drawn inside it
/// (corners and interior), a frozen prefix; over 12 steps the point parameters, the point velocity or moments stay
/// inside the interval ones after EVERY step, with zero slack, and frozen parameters never move. The vector SGD
/// step gives the scalar step's bits on boxes with every kind of magnitude (zeros, subnormals, huge values).
/// </summary>
public abstract class OptimizerSoundnessTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    // More than one Vector512 of either precision plus a tail, so that the vector SGD step is checked too.
    private const int Parameters = 37;
    private const int Steps = 12;

    public static TheoryData<string> Names => [.. Settings.Keys];

    private static readonly Dictionary<string, (OptimizerSettings Optimizer, double LearningRate, LearningRateSchedule Schedule)> Settings = new()
    {
        ["sgd"] = (new OptimizerSettings(), 0.1, new LearningRateSchedule()),
        ["sgd weight decay"] = (new OptimizerSettings { WeightDecay = 0.01 }, 0.1, new LearningRateSchedule()),
        ["sgd weight decay, lr·λ > 1"] = (new OptimizerSettings { WeightDecay = 3 }, 1, new LearningRateSchedule()),
        ["sgd l1"] = (new OptimizerSettings { L1 = 0.2 }, 0.1, new LearningRateSchedule()),
        ["momentum"] = (new OptimizerSettings { Momentum = 0.9 }, 0.1, new LearningRateSchedule()),
        ["momentum weight decay"] = (new OptimizerSettings { Momentum = 0.9, WeightDecay = 0.5 }, 0.1, new LearningRateSchedule()),
        ["momentum dampening l1"] = (new OptimizerSettings { Momentum = 0.5, Dampening = 0.3, L1 = 0.05 }, 0.2, new LearningRateSchedule()),
        ["nesterov"] = (new OptimizerSettings { Momentum = 0.8, Nesterov = true }, 0.1, new LearningRateSchedule()),
        ["nesterov weight decay, lr·λ > 1"] = (new OptimizerSettings { Momentum = 0.8, Nesterov = true, WeightDecay = 4 }, 0.5, new LearningRateSchedule()),
        ["momentum schedule"] = (new OptimizerSettings { Momentum = 0.9 }, 0.3, new LearningRateSchedule(0.5, 0.02)),
        ["adam"] = (new OptimizerSettings { Kind = OptimizerKind.Adam }, 0.01, new LearningRateSchedule()),
        ["adam weight decay"] = (new OptimizerSettings { Kind = OptimizerKind.Adam, WeightDecay = 0.1 }, 0.05, new LearningRateSchedule()),
        ["adam betas epsilon schedule"] = (new OptimizerSettings { Kind = OptimizerKind.Adam, Beta1 = 0.5, Beta2 = 0.9, Epsilon = 1e-3 }, 0.1, new LearningRateSchedule(0.2)),
        ["adamw"] = (new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = 0.1 }, 0.01, new LearningRateSchedule()),
        ["adamw lr·λ > 1"] = (new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = 4 }, 0.5, new LearningRateSchedule()),
    };

    private static TrainingRecipe Recipe(string name)
    {
        var (optimizer, rate, schedule) = Settings[name];
        return new TrainingRecipe { Loss = PoisonCert.Models.LossKind.MeanSquaredError, LearningRate = rate, Optimizer = optimizer, Schedule = schedule };
    }

    private static (T Lower, T Upper) Interval(Random random, double scale, double[] radii)
    {
        var center = (2 * random.NextDouble() - 1) * scale;
        var radius = radii[random.Next(radii.Length)] * random.NextDouble();
        var (lower, upper) = (T.CreateTruncating(center - radius), T.CreateTruncating(center + radius));
        return random.Next(8) == 0 ? (T.Zero, T.Zero) : (lower, upper);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Trajectories_RandomBoxesAndGradientsInside_StayInsideAfterEveryStep(string name)
    {
        var recipe = Recipe(name);
        var adam = recipe.Optimizer.Kind != OptimizerKind.Sgd;
        for (var run = 0; run < 40; run++)
        {
            var random = new Random(run * 7919 + name.Length);
            var start = random.Next(3);
            var boxes = Enumerable.Range(0, Parameters).Select(_ => Interval(random, 2, [0, 0.01, 0.5])).ToArray();
            var (lower, upper) = (boxes.Select(b => b.Lower).ToArray(), boxes.Select(b => b.Upper).ToArray());
            for (var e = 0; e < start; e++) upper[e] = lower[e];
            var theta = PointMembers.Of<T>(random, lower, upper);
            var frozen = theta[..start];
            var certified = new IntervalOptimizer<T>(recipe, Parameters, start);
            var program = new PointOptimizer<T>(recipe, Parameters, start);
            for (var step = 0; step < Steps; step++)
            {
                var gradients = Enumerable.Range(0, Parameters).Select(_ => Interval(random, 3, [0, 0.01, 1, 5])).ToArray();
                var (gl, gu) = (gradients.Select(g => g.Lower).ToArray(), gradients.Select(g => g.Upper).ToArray());
                var g = PointMembers.Of<T>(random, gl, gu);
                certified.Step(step, lower, upper, gl, gu);
                program.Step(step, theta, g);
                var first = Internals.Field<T[]>(program, "_first");
                var second = Internals.Field<T[]>(program, "_second");
                for (var e = 0; e < Parameters; e++)
                {
                    var where = $"{name}/{typeof(T).Name}, run {run}, step {step}, parameter {e}";
                    Assert.True(lower[e] <= theta[e] && theta[e] <= upper[e], $"{where}: θ = {theta[e]:R} outside [{lower[e]:R}, {upper[e]:R}]");
                    if (e < start)
                    {
                        Assert.True(theta[e] == frozen[e] && lower[e] == frozen[e] && upper[e] == frozen[e], $"{where}: a frozen parameter moved");
                        continue;
                    }
                    var (fl, fu) = certified.FirstState(e);
                    if (adam || recipe.Optimizer.Momentum != 0)
                        Assert.True(fl <= first[e] && first[e] <= fu, $"{where}: velocity or first moment {first[e]:R} outside [{fl:R}, {fu:R}]");
                    if (!adam) continue;
                    var (sl, su) = (Internals.Field<T[]>(certified, "_secondLower")[e], Internals.Field<T[]>(certified, "_secondUpper")[e]);
                    Assert.True(sl <= second[e] && second[e] <= su, $"{where}: second moment {second[e]:R} outside [{sl:R}, {su:R}]");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Step_Vector512_EqualsScalar(string name)
    {
        var recipe = Recipe(name);
        var sampler = new BoxSampler<T>(name.Length * 31 + 5);
        foreach (var start in new[] { 0, 3 })
        {
            var boxes = sampler.Box(Parameters);
            var (vectorLower, vectorUpper) = (boxes.Lower.ToArray(), boxes.Upper.ToArray());
            var (scalarLower, scalarUpper) = (boxes.Lower.ToArray(), boxes.Upper.ToArray());
            var vector = new IntervalOptimizer<T>(recipe, Parameters, start, PoisonCert.Kernels.KernelPath.Vector512);
            var scalar = new IntervalOptimizer<T>(recipe, Parameters, start, PoisonCert.Kernels.KernelPath.Scalar);
            for (var step = 0; step < Steps; step++)
            {
                var (gl, gu) = sampler.Box(Parameters);
                vector.Step(step, vectorLower, vectorUpper, gl, gu);
                scalar.Step(step, scalarLower, scalarUpper, gl, gu);
                for (var e = 0; e < Parameters; e++)
                {
                    var where = $"{name}/{typeof(T).Name}, start {start}, step {step}, parameter {e}";
                    Assert.True(vectorLower[e].Equals(scalarLower[e]) && vectorUpper[e].Equals(scalarUpper[e]),
                        $"{where}: vector [{vectorLower[e]:R}, {vectorUpper[e]:R}], scalar [{scalarLower[e]:R}, {scalarUpper[e]:R}]");
                    Assert.True(vector.FirstState(e).Equals(scalar.FirstState(e)), $"{where}: velocity {vector.FirstState(e)} against {scalar.FirstState(e)}");
                }
            }
        }
    }

    /// <summary>
    /// Adam's a priori ratio bound R (|m̂/(√v̂ + ε)| ≤ R by Cauchy–Schwarz) is attained, up to ε and rounding, by
    /// gradients dₛ ∝ (β₁/β₂)^(t−s). The program runs t − 1 such steps; then the interval optimizer is given the
    /// program's moments as point state boxes (written into its state) and θ = 0 on both sides, and the last step
    /// has the tight gradient inside a wide box, so the interval quotient is clipped to ±R and the program's θ is
    /// exactly −η·(its quotient): it must not pass −R, i.e. R's rounding factor is enough.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(20)]
    public void Adam_GradientsThatAttainTheRatioBound_StayInside(int steps)
    {
        var recipe = new TrainingRecipe { Loss = PoisonCert.Models.LossKind.MeanSquaredError, LearningRate = 1, Optimizer = new OptimizerSettings { Kind = OptimizerKind.Adam } };
        var random = new Random(steps);
        for (var run = 0; run < 3000; run++)
        {
            var scale = (random.Next(2) == 0 ? 1 : -1) * Math.ScaleB(1 + random.NextDouble(), random.Next(-10, 40));
            T Gradient(int step) => T.CreateTruncating(scale * Math.Pow(0.9 / 0.999, steps - 1 - step));
            var theta = new T[1];
            var program = new PointOptimizer<T>(recipe, 1, 0);
            for (var step = 0; step < steps - 1; step++) program.Step(step, theta, [Gradient(step)]);
            var certified = new IntervalOptimizer<T>(recipe, 1, 0);
            foreach (var (state, programState) in new[] { ("_first", "_first"), ("_second", "_second") })
            {
                Internals.Field<T[]>(certified, state + "Lower")[0] = Internals.Field<T[]>(program, programState)[0];
                Internals.Field<T[]>(certified, state + "Upper")[0] = Internals.Field<T[]>(program, programState)[0];
            }
            theta[0] = T.Zero;
            var (lower, upper) = (new T[1], new T[1]);
            var wide = T.CreateTruncating(4 * Math.Abs(scale));
            certified.Step(steps - 1, lower, upper, [-wide], [wide]);
            program.Step(steps - 1, theta, [Gradient(steps - 1)]);
            Assert.True(lower[0] <= theta[0] && theta[0] <= upper[0], $"run {run}, scale {scale:R}: θ = {theta[0]:R} outside [{lower[0]:R}, {upper[0]:R}]");
        }
    }
}

public sealed class SingleOptimizerSoundnessTests : OptimizerSoundnessTests<float> { }

public sealed class DoubleOptimizerSoundnessTests : OptimizerSoundnessTests<double> { }
