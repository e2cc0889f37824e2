using System.Numerics;
using PoisonCert.Models;
using PoisonCert.Training;
using PoisonCert.Training.Attacks;

namespace PoisonCert.Tests.Training;

/// <summary>
/// One end-to-end soundness scenario: a small random network, a recipe and a threat model, certified once; then
/// many REAL poisoned trainings (the plain trainer on batches changed by a poisoner within the threat model) whose
/// parameters are checked against the certified box after EVERY step, with zero slack.
/// </summary>
public sealed class SoundnessScenario<T> where T : IBinaryFloatingPointIeee754<T>
{
    public required string Name { get; init; }
    public required TrainingSet<T> Data { get; init; }
    public required NetworkParameters<T> Initial { get; init; }
    public required TrainingRecipe Recipe { get; init; }
    public required ThreatModel Threat { get; init; }
    public BoundSettings Bounds { get; init; } = new();

    /// <summary>Certifies, then runs <paramref name="randomRuns"/> random and <paramref name="adversarialRuns"/> adversarial
    /// poisoned trainings; returns the number of trajectories checked. Fails on the first escape.</summary>
    public int Check(int randomRuns, int adversarialRuns, int seed)
    {
        var boxes = new List<ParameterBox<T>>();
        var trainer = new CertifiedTrainer<T>(Recipe, Threat, new CertificationOptions { MaxDegreeOfParallelism = 1 }, Bounds);
        trainer.Train(Data, Initial, (_, box) => boxes.Add(box.Clone()));
        var random = new Random(seed);
        var runs = 0;
        for (var r = 0; r < randomRuns + adversarialRuns; r++, runs++)
        {
            var architecture = Initial.Architecture;
            var start = architecture.Layers[architecture.FirstTrainable].WeightOffset;
            var attackRandom = new Random(random.Next());
            AttackGoal goal = r < randomRuns ? AttackGoal.Random
                : new AttackGoal.Parameter(start + attackRandom.Next(architecture.ParameterCount - start), attackRandom.Next(2) == 0 ? 1 : -1);
            var poisoner = new AdmissiblePoisoner<T>(Threat, Recipe, architecture, Data.ClassCount, attackRandom, goal);
            PlainTrainer.Train(Data, Recipe, Initial, poisoner, (step, parameters) =>
            {
                var escape = boxes[step].FirstEscape(parameters);
                if (escape is not null)
                    Assert.Fail($"{Name}: poisoned run {r} ({(r >= randomRuns ? "adversarial" : "random")}, seed {seed}) escaped the box after step {step}: {escape}");
            });
        }
        return runs;
    }
}

/// <summary>Builds small scenarios from a seed.</summary>
public static class Scenarios
{
    public static TrainingSet<T> Classification<T>(int rows, int inputs, int classes, Random random) where T : IBinaryFloatingPointIeee754<T>
    {
        var features = new T[rows * inputs];
        for (var i = 0; i < features.Length; i++) features[i] = T.CreateTruncating(random.NextDouble() * 2 - 1);
        var labels = new int[rows];
        for (var i = 0; i < rows; i++) labels[i] = random.Next(classes);
        return TrainingSet<T>.Classification("random", inputs, features, labels, classes);
    }

    public static TrainingSet<T> Regression<T>(int rows, int inputs, int targets, Random random) where T : IBinaryFloatingPointIeee754<T>
    {
        var features = new T[rows * inputs];
        for (var i = 0; i < features.Length; i++) features[i] = T.CreateTruncating(random.NextDouble() * 2 - 1);
        var values = new T[rows * targets];
        for (var i = 0; i < values.Length; i++) values[i] = T.CreateTruncating(random.NextDouble() * 2 - 1);
        return TrainingSet<T>.Regression("random", inputs, features, values, targets);
    }
}
