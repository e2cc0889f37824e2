using System.Numerics;
using PoisonCert.Models;
using PoisonCert.Numerics;

namespace PoisonCert.Training.Attacks;

/// <summary>A poisoned run that left the certified box: where, and the poisoned batches it trained on up to then.</summary>
public sealed record AuditEscape(int Run, string Goal, int Step, string Where, IReadOnlyList<PoisonedBatch> Batches);

/// <summary>One batch as a poisoned run trained on it.</summary>
public sealed record PoisonedBatch(int Step, int[] Rows, double[] Features, int[]? Labels, double[]? Targets);

/// <summary>How far an attack moved one quantity, next to how far the certificate allows.</summary>
public sealed record AuditMovement(string Quantity, string Goal, double Achieved, double Certified);

/// <summary>The outcome of an audit: every run checked at every step, the escapes (none for a sound certificate), the movements.</summary>
public sealed record AuditResult(int Runs, int StepsChecked, IReadOnlyList<AuditEscape> Escapes, IReadOnlyList<AuditMovement> Movements,
    double LargestParameterMovementRatio, double MeanParameterMovementRatio);

/// <summary>
/// The attack audit: certified training once (keeping the box of every step), then real poisoned trainings of
/// the program within the threat model — random poisons, adversarial pushes of chosen parameters, and adversarial
/// pushes of chosen test outputs — each checked against the box after EVERY step with zero slack. It reports the
/// largest movement the attacks achieved next to the certified bound (how loose the certificate is), and every
/// escape with the poisoned data that caused it. With <c>trainedRun</c>, every poisoned run that stayed inside is handed
/// over with the final certified box and its trained parameters (e.g. to measure its test metric).
/// </summary>
public static class Audit
{
    public static AuditResult Run<T>(TrainingSet<T> train, TrainingSet<T>? test, NetworkParameters<T> initial, TrainingRecipe recipe, ThreatModel threat,
        int runs, ulong seed, CertificationOptions? options = null, Action<int, int>? progress = null, BoundSettings? bounds = null,
        Action<ParameterBox<T>, int, T[]>? trainedRun = null)
        where T : IBinaryFloatingPointIeee754<T>
    {
        if (runs < 1) throw new InvalidConfigurationException($"--runs {runs}: an audit needs at least one poisoned run.");
        var boxes = new List<ParameterBox<T>>();
        new CertifiedTrainer<T>(recipe, threat, options, bounds).Train(train, initial, (_, box) => boxes.Add(box.Clone()));
        var final = boxes[^1];
        var architecture = initial.Architecture;
        var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var escapes = new List<AuditEscape>();
        var movements = new List<AuditMovement>();
        var achieved = new double[architecture.ParameterCount];
        var start = architecture.Layers[architecture.FirstTrainable].WeightOffset;
        var steps = 0;
        for (var r = 0; r < runs; r++)
        {
            var goal = Goal(r, runs, random, architecture, start, test);
            var batches = new List<PoisonedBatch>();
            var poisoner = new AdmissiblePoisoner<T>(threat, recipe, architecture, train.ClassCount, new Random(random.Next()), goal)
            {
                Poisoned = (step, batch) => batches.Add(Record(step, batch)),
            };
            AuditEscape? escape = null;
            try
            {
                var trained = PlainTrainer.Train(train, recipe, initial, poisoner, (step, parameters) =>
                {
                    steps++;
                    var where = boxes[step].FirstEscape(parameters);
                    if (where is null) return;
                    escape = new AuditEscape(r, Describe(goal, architecture), step, where, [.. batches]);
                    throw new OperationCanceledException(); // stop this run at its first escape
                });
                for (var e = start; e < achieved.Length; e++)
                    achieved[e] = Math.Max(achieved[e], Math.Abs(double.CreateTruncating(trained.Values[e]) - double.CreateTruncating(final.Nominal[e])));
                movements.AddRange(GoalMovement(goal, architecture, trained.Values, final));
                trainedRun?.Invoke(final, r, trained.Values);
            }
            catch (OperationCanceledException) when (escape is not null)
            {
                escapes.Add(escape);
            }
            progress?.Invoke(r + 1, runs);
        }
        double largest = 0, total = 0;
        var counted = 0;
        for (var e = start; e < achieved.Length; e++)
        {
            var radius = Math.Max(double.CreateTruncating(final.Upper[e]) - double.CreateTruncating(final.Nominal[e]),
                double.CreateTruncating(final.Nominal[e]) - double.CreateTruncating(final.Lower[e]));
            if (!(radius > 0)) continue;
            var ratio = achieved[e] / radius;
            largest = Math.Max(largest, ratio);
            total += ratio;
            counted++;
        }
        return new AuditResult(runs, steps, escapes, movements, largest, counted == 0 ? 0 : total / counted);
    }

    // 40 % random, 30 % parameter pushes, 30 % test-output pushes (parameter pushes when no test data).
    private static AttackGoal Goal<T>(int run, int runs, Random random, NetworkArchitecture architecture, int start, TrainingSet<T>? test)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var fraction = (double)run / runs;
        var direction = random.Next(2) == 0 ? 1 : -1;
        if (fraction < 0.4) return AttackGoal.Random;
        if (fraction < 0.7 || test is null || test.Rows == 0) return new AttackGoal.Parameter(start + random.Next(architecture.ParameterCount - start), direction);
        var point = random.Next(test.Rows);
        return new AttackGoal.TestOutput([.. test.Row(point).ToArray().Select(float.CreateTruncating)], random.Next(architecture.Outputs), direction);
    }

    private static string Describe(AttackGoal goal, NetworkArchitecture architecture) => goal switch
    {
        AttackGoal.Parameter p => $"push {Name(architecture, p.Index)} {(p.Direction > 0 ? "up" : "down")}",
        AttackGoal.TestOutput o => $"push output {o.Output} on a test point {(o.Direction > 0 ? "up" : "down")}",
        _ => "random poisons",
    };

    private static string Name(NetworkArchitecture architecture, int index)
    {
        var (entry, at) = architecture.Locate(index);
        return $"{entry.Name}[{string.Join(", ", at)}]";
    }

    private static IEnumerable<AuditMovement> GoalMovement<T>(AttackGoal goal, NetworkArchitecture architecture, T[] trained, ParameterBox<T> box)
        where T : IBinaryFloatingPointIeee754<T>
    {
        double D(T value) => double.CreateTruncating(value);
        switch (goal)
        {
            case AttackGoal.Parameter p:
                var certified = p.Direction > 0 ? D(box.Upper[p.Index]) - D(box.Nominal[p.Index]) : D(box.Nominal[p.Index]) - D(box.Lower[p.Index]);
                yield return new AuditMovement(Name(architecture, p.Index), Describe(goal, architecture),
                    p.Direction * (D(trained[p.Index]) - D(box.Nominal[p.Index])), certified);
                break;
            case AttackGoal.TestOutput o:
                var (lower, upper, nominal, value) = OutputRange(box, trained, o);
                yield return new AuditMovement($"output {o.Output} on a test point", Describe(goal, architecture),
                    o.Direction * (value - nominal), o.Direction > 0 ? upper - nominal : nominal - lower);
                break;
        }
    }

    // The certified interval of the output (over the box), the nominal model's output and the poisoned model's output.
    private static (double Lower, double Upper, double Nominal, double Value) OutputRange<T>(ParameterBox<T> box, T[] trained, AttackGoal.TestOutput goal)
        where T : IBinaryFloatingPointIeee754<T>
    {
        var architecture = box.Architecture;
        var input = goal.Input.Select(T.CreateTruncating).ToArray();
        var track = new IntervalNetwork<T>(architecture, 1);
        track.Begin(1);
        input.CopyTo(track.InputLower);
        input.CopyTo(track.InputUpper);
        var transposedLower = architecture.Layers.Select(l => new T[l.WeightCount]).ToArray();
        var transposedUpper = architecture.Layers.Select(l => new T[l.WeightCount]).ToArray();
        for (var l = 0; l < architecture.Layers.Count; l++)
        {
            var layer = architecture.Layers[l];
            PointNetwork<T>.Transpose(box.Lower.AsSpan(layer.WeightOffset, layer.WeightCount), layer.Outputs, layer.Inputs, transposedLower[l]);
            PointNetwork<T>.Transpose(box.Upper.AsSpan(layer.WeightOffset, layer.WeightCount), layer.Outputs, layer.Inputs, transposedUpper[l]);
        }
        track.Forward(box.Lower, box.Upper, transposedLower, transposedUpper);
        var network = new PointNetwork<T>(architecture, 1);
        network.Forward(box.Nominal, input, 1);
        var nominal = double.CreateTruncating(network.Outputs[goal.Output]);
        network.Forward(trained, input, 1);
        return (double.CreateTruncating(track.OutputLower[goal.Output]), double.CreateTruncating(track.OutputUpper[goal.Output]), nominal,
            double.CreateTruncating(network.Outputs[goal.Output]));
    }

    private static PoisonedBatch Record<T>(int step, BatchData<T> batch) where T : IBinaryFloatingPointIeee754<T>
        => new(step, batch.Rows.AsSpan(0, batch.Count).ToArray(),
            [.. batch.Features.AsSpan(0, batch.Count * batch.Inputs).ToArray().Select(double.CreateTruncating)],
            batch.Labels?.AsSpan(0, batch.Count).ToArray(),
            batch.Targets is null ? null : [.. batch.Targets.AsSpan(0, batch.Count * batch.TargetWidth).ToArray().Select(double.CreateTruncating)]);
}
