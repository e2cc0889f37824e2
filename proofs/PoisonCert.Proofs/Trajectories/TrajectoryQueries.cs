using System.Globalization;
using Microsoft.Z3;
using PoisonCert.Models;
using PoisonCert.Training;

namespace PoisonCert.Proofs.Trajectories;

/// <summary>
/// Queries about an <see cref="ExactTrajectory"/>: the per-parameter containment claims, satisfiability with a
/// model (for witnesses and bisection), and the conversion of a model back into a poisoned run of the real program.
/// </summary>
public static class TrajectoryQueries
{
    /// <summary>A fast query must answer well inside this; a timeout fails the test (never a pass).</summary>
    public const uint FastTimeoutMilliseconds = 60_000;

    /// <summary>
    /// Satisfiability of <paramref name="constraints"/>: the model when SAT, null when UNSAT; UNKNOWN and timeouts
    /// throw <see cref="LemmaFailedException"/> (the same discipline as <see cref="ProofSession"/>, including its
    /// wall-clock interrupt).
    /// </summary>
    public static Model? Solve(ProofSession session, IEnumerable<BoolExpr> constraints, uint timeoutMilliseconds = FastTimeoutMilliseconds)
    {
        var z = session.Context;
        var solver = z.MkSolver();
        var parameters = z.MkParams();
        parameters.Add("timeout", timeoutMilliseconds);
        solver.Parameters = parameters;
        foreach (var constraint in constraints) solver.Assert(constraint);
        using var guard = new Timer(_ => z.Interrupt(), null, (int)timeoutMilliseconds + 1_000, Timeout.Infinite);
        return solver.Check() switch
        {
            Status.SATISFIABLE => solver.Model,
            Status.UNSATISFIABLE => null,
            _ => throw new LemmaFailedException($"Z3 answered UNKNOWN ({solver.ReasonUnknown}); an unknown is a failure, not an answer."),
        };
    }

    /// <summary>The value of <paramref name="term"/> in <paramref name="model"/> as a decimal string (40 digits).</summary>
    public static string Decimal(Model model, ArithExpr term)
    {
        var value = model.Eval(term, true);
        var text = value switch
        {
            RatNum rational => rational.ToDecimalString(40),
            AlgebraicNum algebraic => algebraic.ToDecimal(40),
            IntNum integer => integer.ToString(),
            _ => throw new InvalidOperationException($"The model gives {term} no numeral value: {value}."),
        };
        return text.TrimEnd('?');
    }

    /// <summary>The value of <paramref name="term"/> in <paramref name="model"/>, rounded to a double.</summary>
    public static double Value(Model model, ArithExpr term) => double.Parse(Decimal(model, term), CultureInfo.InvariantCulture);

    /// <summary>x ≤ y exactly, for doubles x, y given as exact rationals.</summary>
    public static bool AtMost(ProofSession session, ArithExpr x, ArithExpr y) => ((BoolExpr)session.Context.MkLe(x, y).Simplify()).IsTrue;

    /// <summary>
    /// The poisoned batches of a model as doubles, each value moved toward the clean one (one ulp at a time) until it
    /// lies EXACTLY inside the threat model (|x̃ − x| ≤ ε, |ỹ − y| ≤ ν), so the replay is an admissible poisoning.
    /// </summary>
    public static PoisonedBatches Batches(ProofSession session, TinyInstance instance, ExactTrajectory trajectory, Model model)
    {
        var data = instance.Data;
        var threat = instance.Threat;
        var features = new List<double[][]>();
        var targets = new List<double[][]>();
        foreach (var batch in trajectory.Batches)
        {
            features.Add(batch.Select(s => s.Features.Select((f, c) =>
                Admissible(session, Value(model, f), data.Row(s.Row)[c], threat.IsUnbounded ? null : threat.FeatureEpsilon)).ToArray()).ToArray());
            targets.Add(batch.Select(s => s.Targets.Select((t, o) =>
                Admissible(session, Value(model, t), data.Targets![s.Row * instance.Outputs + o], threat.IsUnbounded ? null : threat.LabelRadius)).ToArray()).ToArray());
        }
        return new PoisonedBatches(features, targets);
    }

    private static double Admissible(ProofSession session, double value, double clean, double? radius)
    {
        if (radius is not { } r) return value;
        var z = session.Context;
        while (!(AtMost(session, z.MkSub(session.Exact(value), session.Exact(clean)), session.Exact(r))
                 && AtMost(session, z.MkSub(session.Exact(clean), session.Exact(value)), session.Exact(r))))
            value = value > clean ? Math.BitDecrement(value) : Math.BitIncrement(value);
        return value;
    }

    /// <summary>Constraints fixing every poisoned value of the trajectory to the given doubles (exact rationals).</summary>
    public static IEnumerable<BoolExpr> Fix(ProofSession session, ExactTrajectory trajectory, PoisonedBatches batches)
    {
        var z = session.Context;
        for (var s = 0; s < trajectory.Batches.Count; s++)
            for (var i = 0; i < trajectory.Batches[s].Length; i++)
            {
                var sample = trajectory.Batches[s][i];
                for (var c = 0; c < sample.Features.Length; c++) yield return z.MkEq(sample.Features[c], session.Exact(batches.Features[s][i][c]));
                for (var o = 0; o < sample.Targets.Length; o++) yield return z.MkEq(sample.Targets[o], session.Exact(batches.Targets[s][i][o]));
            }
    }

    /// <summary>
    /// A threshold inside the exact reachable range on the side of <paramref name="endpoint"/>: for k = 1, 2, …, 30
    /// asks for a poisoning with θ beyond nominal + (endpoint − nominal)/2^k; at the first SAT returns the shrunk
    /// endpoint nominal + (endpoint − nominal)/2^(k+1) (strictly between nominal and the reached value, so the box
    /// shrunk to it is wrong) and the model. (NaN, null) when nothing moves θ from its nominal value that way.
    /// </summary>
    public static (double Shrunk, Model? Model) Crossing(ProofSession session, IEnumerable<BoolExpr> assumptions, ArithExpr theta, double nominal, double endpoint)
    {
        var z = session.Context;
        var list = assumptions.ToList();
        var upper = endpoint > nominal;
        for (var k = 1; k <= 30 && endpoint != nominal; k++)
        {
            var reached = nominal + (endpoint - nominal) * Math.ScaleB(1, -k);
            var shrunk = nominal + (endpoint - nominal) * Math.ScaleB(1, -k - 1);
            var beyond = upper ? z.MkGe(theta, session.Exact(reached)) : z.MkLe(theta, session.Exact(reached));
            if (Solve(session, list.Append(beyond)) is { } model) return (shrunk, model);
        }
        return (double.NaN, null);
    }

    /// <summary>
    /// A random admissible poisoning of every batch of the trajectory (or the clean data): per batch and kind a random
    /// set of at most k untrusted rows; features moved within ε, targets within ν (then moved into the threat model
    /// exactly), replaced rows drawn from [−2, 2].
    /// </summary>
    public static PoisonedBatches RandomPoisoning(ProofSession session, TinyInstance instance, ExactTrajectory trajectory, Random random, bool clean)
    {
        var data = instance.Data;
        var threat = instance.Threat;
        var features = new List<double[][]>();
        var targets = new List<double[][]>();
        foreach (var batch in trajectory.Batches)
        {
            var x = batch.Select(s => data.Row(s.Row).ToArray()).ToArray();
            var y = batch.Select(s => data.Targets!.AsSpan(s.Row * instance.Outputs, instance.Outputs).ToArray()).ToArray();
            int[] Pick(int k) => Enumerable.Range(threat.TrustedPerBatch, batch.Length - threat.TrustedPerBatch).OrderBy(_ => random.Next()).Take(clean ? 0 : random.Next(1, k + 1)).ToArray();
            if (threat.IsUnbounded)
                foreach (var i in Pick(threat.UnboundedCount))
                {
                    for (var c = 0; c < x[i].Length; c++) x[i][c] = random.NextDouble() * 4 - 2;
                    for (var o = 0; o < y[i].Length; o++) y[i][o] = random.NextDouble() * 4 - 2;
                }
            if (threat.PoisonsFeatures)
                foreach (var i in Pick(threat.FeatureCount))
                    for (var c = 0; c < x[i].Length; c++)
                        x[i][c] = Admissible(session, x[i][c] + threat.FeatureEpsilon * (random.NextDouble() * 2 - 1), x[i][c], threat.FeatureEpsilon);
            if (threat.PoisonsLabels)
                foreach (var i in Pick(threat.LabelCount))
                    for (var o = 0; o < y[i].Length; o++)
                        y[i][o] = Admissible(session, y[i][o] + threat.LabelRadius * (random.NextDouble() * 2 - 1), y[i][o], threat.LabelRadius);
            features.Add(x);
            targets.Add(y);
        }
        return new PoisonedBatches(features, targets);
    }
}

/// <summary>Per step, per sample: the features and targets the program trains on.</summary>
public sealed record PoisonedBatches(List<double[][]> Features, List<double[][]> Targets);

/// <summary>Replaces every sample of every batch by the given values (a replay of a Z3 witness through the real program).</summary>
public sealed class ReplayPoisoner(PoisonedBatches batches) : IBatchPoisoner<double>
{
    public void Poison(int step, BatchData<double> batch, ReadOnlySpan<double> parameters)
    {
        if (step >= batches.Features.Count) return; // steps after the witness's train on clean batches
        for (var i = 0; i < batch.Count; i++)
        {
            batches.Features[step][i].CopyTo(batch.FeaturesOf(i));
            batches.Targets[step][i].CopyTo(batch.TargetsOf(i));
        }
    }
}
