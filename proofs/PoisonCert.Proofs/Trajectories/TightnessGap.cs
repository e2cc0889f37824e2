using System.Globalization;
using System.Text;
using Microsoft.Z3;
using Xunit.Abstractions;

namespace PoisonCert.Proofs.Trajectories;

/// <summary>
/// The tightness gap of the engine's box after the FIRST step of every <see cref="TinyInstances"/> instance: the
/// exact reachable minimum and maximum of a parameter (over every admissible poisoning, real arithmetic) bracketed by
/// bisection on thresholds t with SAT/UNSAT queries (SAT: a witness reaches ≥ t, and its value is a reached value;
/// UNSAT: nothing reaches t), each bracket down to 1e-3 of the box width. Z3's optimiser does not handle the
/// nonlinear encoding, hence the bisection. Later steps are not bracketed: the exact multi-step queries take ~15 s
/// each or time out (the containment proofs of later steps use the inductive step instead).
/// <para>
/// Regenerate the table of docs/soundness.md ("Exact small instances and the tightness gap"):
/// <c>TRAJECTORY_GAP_TABLE=gap.md dotnet test proofs/PoisonCert.Proofs -c Release --filter "FullyQualifiedName~Trajectories&amp;Category=Slow"</c>
/// (the table is also in the test output). The test asserts only the SAT/UNSAT answers (UNKNOWN fails).
/// </para>
/// </summary>
public class TightnessGap(ITestOutputHelper output)
{
    private const int ParametersPerInstance = 3;
    private const double RelativeBracket = 1e-3;

    [Fact]
    [Trait("Category", "Slow")]
    public void FirstStep_ExactReachableRange_BracketedAgainstEngineBox()
    {
        var c = CultureInfo.InvariantCulture;
        var table = new StringBuilder();
        table.AppendLine("| instance | parameter | engine box [lo, hi] | exact reachable [min, max] | box width / reachable width |");
        table.AppendLine("| --- | --- | --- | --- | --- |");
        var queries = 0;
        foreach (var instance in TinyInstances.All)
        {
            var box = instance.Certify()[0];
            using var session = new ProofSession();
            var trajectory = new ExactTrajectory(session, instance, 1);
            var assumptions = trajectory.Definitions(0).ToList();
            var chosen = Enumerable.Range(0, box.Lower.Length).OrderByDescending(p => box.Upper[p] - box.Lower[p]).Take(ParametersPerInstance);
            foreach (var p in chosen)
            {
                var width = box.Upper[p] - box.Lower[p];
                var theta = trajectory.After[0][p];
                var (maxReached, maxBound, upperQueries) = Bracket(session, assumptions, theta, box.Upper[p], width * RelativeBracket, upper: true);
                var (minReached, minBound, lowerQueries) = Bracket(session, assumptions, theta, box.Lower[p], width * RelativeBracket, upper: false);
                queries += upperQueries + lowerQueries;
                // reached values: minReached ≥ inf > minBound, maxReached ≤ sup < maxBound (or the box endpoint)
                var inner = maxReached - minReached;
                var outer = maxBound - minBound;
                // a reachable range narrower than the bracket resolution: only its enclosure and a lower bound on the ratio
                var narrow = inner <= 2 * width * RelativeBracket;
                table.AppendLine(narrow
                    ? string.Format(c, "| {0} | {1} | [{2:G6}, {3:G6}] | inside [{4:G6}, {5:G6}] (narrower than the bracket) | ≥ {6:F0} |",
                        instance.Name, instance.ParameterName(p), box.Lower[p], box.Upper[p], minBound, maxBound, width / outer)
                    : string.Format(c, "| {0} | {1} | [{2:G6}, {3:G6}] | [{4:G6}, {5:G6}] | {6:F3}–{7:F3} |",
                        instance.Name, instance.ParameterName(p), box.Lower[p], box.Upper[p], minReached, maxReached, width / outer, width / inner));
            }
        }
        output.WriteLine(table.ToString());
        output.WriteLine($"{queries} queries");
        if (Environment.GetEnvironmentVariable("TRAJECTORY_GAP_TABLE") is { Length: > 0 } path) File.WriteAllText(path, table.ToString());
    }

    /// <summary>
    /// Upper side: (reached, bound, queries) with reached ≤ sup θ ≤ bound; reached is the value of a witness (rounded
    /// toward the inside), bound a threshold nothing reaches or the engine's endpoint (proved by the containment
    /// test). Lower side mirrored. Bisects until bound − reached ≤ <paramref name="tolerance"/>.
    /// </summary>
    private static (double Reached, double Bound, int Queries) Bracket(ProofSession session, List<BoolExpr> assumptions, ArithExpr theta,
        double endpoint, double tolerance, bool upper)
    {
        var z = session.Context;
        var any = TrajectoryQueries.Solve(session, assumptions) ?? throw new LemmaFailedException("The encoding has no trajectory at all.");
        double Inside(double value) => upper ? Math.BitDecrement(value) : Math.BitIncrement(value);
        var reached = Inside(TrajectoryQueries.Value(any, theta));
        var bound = endpoint;
        var queries = 1;
        while (Math.Abs(bound - reached) > tolerance)
        {
            var t = reached + (bound - reached) / 2;
            var beyond = upper ? z.MkGe(theta, session.Exact(t)) : z.MkLe(theta, session.Exact(t));
            var model = TrajectoryQueries.Solve(session, assumptions.Append(beyond), 120_000);
            queries++;
            if (model is null) bound = t;
            else
            {
                var value = Inside(TrajectoryQueries.Value(model, theta));
                reached = upper ? Math.Max(reached, value) : Math.Min(reached, value);
                if (upper ? reached < t : reached > t) reached = t; // the witness reaches t; rounding moved it inside
            }
        }
        return (reached, bound, queries);
    }
}
