using System.Diagnostics;
using Microsoft.Z3;
using PoisonCert.Training;
using Xunit.Abstractions;

namespace PoisonCert.Proofs.Trajectories;

/// <summary>
/// Whole training runs of tiny networks (<see cref="TinyInstances"/>), encoded exactly over the reals
/// (<see cref="ExactTrajectory"/>), against the box the engine (CertifiedTrainer&lt;double&gt;) certifies for the same
/// data, initial parameters, recipe and threat model.
/// <para>
/// What is proved: for every step s and every parameter p, the EXACT REAL-ARITHMETIC value θ_s[p] of the training
/// program, on every poisoned dataset the threat model allows (every batch choosing its own poisoned rows and
/// values), lies in the engine's [lower_s[p], upper_s[p]] (endpoints as the exact rationals of their doubles, no
/// slack). The engine's box encloses both this real value and the program's floating-point value; these queries
/// check the enclosure of the real value. The float program itself is covered by the rounding lemmas
/// (<c>Lemmas/</c>) and the sampled suites (tests/, where real float poisoned runs must stay in the box).
/// </para>
/// <para>
/// Each claim is one query per (step, parameter, side): the negation "θ_s[p] &lt; lower" (or "&gt; upper") together
/// with the program's equalities and the threat model's constraints of steps 0..s must be UNSAT. The query for step
/// s also carries the facts already proved for the steps before it (θ_{s'} in its box for s' &lt; s): they are
/// consequences of the same assumptions, so adding them changes no answer; they only help the solver.
/// </para>
/// </summary>
public class TrajectoryProofs(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(TinyInstances.Names), MemberType = typeof(TinyInstances))]
    public void ExactTrajectory_EveryPoisoningEveryStep_WithinEngineBox(string name)
    {
        var instance = TinyInstances.Named(name);
        var boxes = instance.Certify();
        using var session = new ProofSession();
        var z = session.Context;
        var queries = 0;
        var slowest = 0.0;
        var total = Stopwatch.StartNew();
        for (var s = 0; s < instance.Steps; s++)
        {
            var box = boxes[s];
            var trajectory = s == 0
                ? new ExactTrajectory(session, instance, 1)
                : new ExactTrajectory(session, instance, s + 1, fromStep: s, fromBox: boxes[s - 1]);
            var assumptions = trajectory.Definitions(s).ToList();
            for (var p = 0; p < box.Lower.Length; p++)
            {
                var theta = trajectory.After[s][p];
                foreach (var (side, claim) in new[] { ("lower", z.MkLe(session.Exact(box.Lower[p]), theta)), ("upper", z.MkLe(theta, session.Exact(box.Upper[p]))) })
                {
                    var watch = Stopwatch.StartNew();
                    session.Prove(claim, assumptions, TrajectoryQueries.FastTimeoutMilliseconds);
                    slowest = Math.Max(slowest, watch.Elapsed.TotalSeconds);
                    QueryLog.Write($"{name} step {s} {instance.ParameterName(p)} {side}: {watch.Elapsed.TotalSeconds:F3} s");
                    queries++;
                }
            }
        }
        output.WriteLine($"{name}: {queries} queries (UNSAT), {total.Elapsed.TotalSeconds:F2} s, slowest {slowest:F2} s");
    }
}

/// <summary>Per-query wall times, appended to the file named by TRAJECTORY_QUERY_LOG when it is set (for tuning).</summary>
public static class QueryLog
{
    private static readonly string? Path = Environment.GetEnvironmentVariable("TRAJECTORY_QUERY_LOG");
    private static readonly Lock Gate = new();

    public static void Write(string line)
    {
        if (Path is null) return;
        lock (Gate) File.AppendAllText(Path, line + Environment.NewLine);
    }
}
