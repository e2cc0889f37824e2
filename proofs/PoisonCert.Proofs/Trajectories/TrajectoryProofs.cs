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
/// with the program's equalities and the threat model's constraints must be UNSAT. Step 0 is the exact run from the
/// initial parameters. A step s ≥ 1 is proved as the engine's inductive step: θ_{s−1} is free in the engine's box
/// after step s − 1 (for momentum with the velocity the first step leaves, v₀ = (θ₀ − θ₁)/η₀), the batch of step s
/// is poisoned in every admissible way, and the exact update must lie in the box after step s. Since step s − 1 is
/// proved for every reachable θ_{s−1}, by induction every exact poisoned trajectory stays in every box. (The same
/// claims on the whole exact run from θ₀ took from 1 s to several minutes per query, some not finishing.)
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

    /// <summary>
    /// The encoding and the program agree: for the clean data and a few random admissible poisonings (fixed seed),
    /// the poisoned values are fixed in the exact encoding of the WHOLE run (every step from the initial
    /// parameters), Z3 solves for the parameters (a SAT answer is required: an admissible poisoning the encoding
    /// rejected would be a bug), and every parameter after every step must equal the float program's
    /// (PlainTrainer&lt;double&gt; on the same batches) up to float rounding (relative 1e-9; the observed differences
    /// are ~1e-16). This checks the semantics of the encoding, not soundness, so a tolerance is right here.
    /// </summary>
    [Theory]
    [MemberData(nameof(TinyInstances.Names), MemberType = typeof(TinyInstances))]
    public void ExactTrajectory_ConcretePoisonings_AgreesWithProgram(string name)
    {
        var instance = TinyInstances.Named(name);
        using var session = new ProofSession();
        var trajectory = new ExactTrajectory(session, instance, instance.Steps);
        var random = new Random(5);
        var worst = 0.0;
        for (var run = 0; run < 4; run++)
        {
            var batches = TrajectoryQueries.RandomPoisoning(session, instance, trajectory, random, clean: run == 0);
            var model = TrajectoryQueries.Solve(session, trajectory.Definitions(instance.Steps - 1).Concat(TrajectoryQueries.Fix(session, trajectory, batches)));
            Assert.True(model is not null, $"{name}: the encoding rejects an admissible poisoning (run {run}).");
            var program = instance.Train(new ReplayPoisoner(batches));
            for (var s = 0; s < instance.Steps; s++)
                for (var p = 0; p < program[s].Length; p++)
                {
                    var exact = TrajectoryQueries.Value(model!, trajectory.After[s][p]);
                    var difference = Math.Abs(exact - program[s][p]) / Math.Max(1, Math.Abs(program[s][p]));
                    worst = Math.Max(worst, difference);
                    Assert.True(difference <= 1e-9,
                        $"{name} run {run} step {s} {instance.ParameterName(p)}: exact {exact:R}, program {program[s][p]:R}");
                }
        }
        output.WriteLine($"{name}: largest relative difference exact vs float {worst:E2}");
    }

    /// <summary>
    /// Wrong twin of the containment proof, at step 0 (the exact run from the initial parameters), for the
    /// parameter with the widest box, on both sides: the box shrunk so that one endpoint lies strictly inside the
    /// exact reachable range must be REFUTED (SAT). The shrunk endpoint is nominal + (endpoint − nominal)/2^(k+1)
    /// for the first k at which Z3 finds a poisoning reaching nominal + (endpoint − nominal)/2^k (a margin, so the
    /// float replay cannot land on the wrong side by rounding). The witness (Z3's poisoned batch, rounded to doubles
    /// and moved into the threat model exactly) is then REPLAYED through PlainTrainer&lt;double&gt;: the real program's
    /// parameter must cross the shrunk endpoint, and stay inside the engine's box.
    /// </summary>
    [Theory]
    [MemberData(nameof(TinyInstances.Names), MemberType = typeof(TinyInstances))]
    public void ShrunkBox_FirstStep_RefutedAndWitnessReplayCrossesIt(string name)
    {
        var instance = TinyInstances.Named(name);
        var box = instance.Certify()[0];
        using var session = new ProofSession();
        var trajectory = new ExactTrajectory(session, instance, 1);
        var p = WidestParameter(box.Lower, box.Upper);
        foreach (var upper in new[] { true, false })
        {
            var endpoint = upper ? box.Upper[p] : box.Lower[p];
            var (shrunk, model) = TrajectoryQueries.Crossing(session, trajectory.Definitions(0), trajectory.After[0][p], box.Nominal[p], endpoint);
            Assert.True(model is not null, $"{name} {instance.ParameterName(p)}: no poisoning moves it toward {(upper ? "upper" : "lower")} {endpoint:R}.");
            var replayed = instance.Train(new ReplayPoisoner(TrajectoryQueries.Batches(session, instance, trajectory, model!)))[0][p];
            Assert.True(upper ? replayed > shrunk : replayed < shrunk,
                $"{name} {instance.ParameterName(p)}: the replayed witness gives {replayed:R}, which does not cross the shrunk endpoint {shrunk:R}.");
            Assert.True(box.Lower[p] <= replayed && replayed <= box.Upper[p], $"{name}: the replayed witness {replayed:R} left the engine's box.");
            output.WriteLine($"{name} {instance.ParameterName(p)} {(upper ? "upper" : "lower")}: box endpoint {endpoint:R}, shrunk {shrunk:R}, replay {replayed:R}");
        }
    }

    /// <summary>
    /// Wrong twin of the inductive steps (step ≥ 1, from the previous box): the same shrinking of one endpoint of the
    /// widest parameter must be refuted (SAT). Its witness starts from a point of the previous box, which need not be
    /// reachable, so it is not replayed.
    /// </summary>
    [Theory]
    [MemberData(nameof(MultiStepNames))]
    public void ShrunkBox_InductiveStep_Refuted(string name)
    {
        var instance = TinyInstances.Named(name);
        var boxes = instance.Certify();
        using var session = new ProofSession();
        var s = instance.Steps - 1;
        var trajectory = new ExactTrajectory(session, instance, s + 1, fromStep: s, fromBox: boxes[s - 1]);
        var box = boxes[s];
        var p = WidestParameter(box.Lower, box.Upper);
        foreach (var endpoint in new[] { box.Upper[p], box.Lower[p] })
        {
            var (_, model) = TrajectoryQueries.Crossing(session, trajectory.Definitions(s), trajectory.After[s][p], box.Nominal[p], endpoint);
            Assert.True(model is not null, $"{name} step {s} {instance.ParameterName(p)}: the shrunk box toward {endpoint:R} was not refuted.");
        }
    }

    public static TheoryData<string> MultiStepNames()
    {
        var data = new TheoryData<string>();
        foreach (var instance in TinyInstances.All.Where(i => i.Steps > 1)) data.Add(instance.Name);
        return data;
    }

    internal static int WidestParameter(double[] lower, double[] upper)
        => Enumerable.Range(0, lower.Length).MaxBy(p => upper[p] - lower[p]);
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
