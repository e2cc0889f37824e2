using System.Numerics;
using FsCheck.Xunit;
using PoisonCert.Models;
using PoisonCert.Tests.Exact;
using PoisonCert.Training;

namespace PoisonCert.Tests.Models;

/// <summary>
/// IntervalLoss for the squared error, clean and with bounded target poisoning (ν): for random output boxes
/// (the sampler's mix of zero, subnormal, ordinary and 2⁶⁰-sized values), targets and ν, the box contains the
/// program's gradient fl(fl(z − ỹ)·2) for sampled members z and admissible targets ỹ of T, and the exact
/// gradient 2(z − ỹ) for every real ỹ ∈ [y − ν, y + ν] (both ends and the sampled ones), with zero slack.
/// </summary>
public abstract class MeanSquaredErrorLossBoundTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    [Property(MaxTest = 300)]
    public bool Gradient_RandomBoxesTargetsAndRadii_ContainProgramAndExactGradients(int seed)
    {
        var sampler = new BoxSampler<T>(seed);
        var random = sampler.Random;
        var width = random.Next(1, 5);
        var (zl, zu) = sampler.Box(width);
        var targets = Enumerable.Range(0, width).Select(_ => sampler.Value()).ToArray();
        var radius = random.Next(5) switch { 0 => 0.0, 1 => 0.1, 2 => 1e-3 * random.NextDouble(), 3 => Math.ScaleB(1, -60), _ => 4 * random.NextDouble() };
        var labels = random.Next(4) == 0 ? LabelBox.Clean : new LabelBox(LabelPoisoning.Bounded, radius, 0);
        var nu = labels.Kind == LabelPoisoning.Bounded ? radius : 0;
        var (gl, gu) = (new T[width], new T[width]);
        IntervalLoss.Gradient<T>(LossKind.MeanSquaredError, zl, zu, 0, targets, labels, gl, gu);

        var program = new T[width];
        for (var sample = 0; sample < 12; sample++)
        {
            var z = PointMembers.Of<T>(random, zl, zu);
            var moves = targets.Select(_ => random.Next(3) switch { 0 => -nu, 1 => nu, _ => (2 * random.NextDouble() - 1) * nu }).ToArray();
            var poisoned = targets.Select((y, j) => PointMembers.Moved(y, moves[j])).ToArray();
            PointLoss.Gradient<T>(LossKind.MeanSquaredError, z, 0, poisoned, program);
            for (var j = 0; j < width; j++)
            {
                var context = $"seed {seed}, output {j}: z = {z[j]:R}, ỹ = {poisoned[j]:R}, ν = {nu:R}";
                Assert.True(gl[j] <= program[j] && program[j] <= gu[j], $"{context}: program gradient {program[j]:R} outside [{gl[j]:R}, {gu[j]:R}]");
                var two = new Rational(2, 1);
                var exactZ = Rational.From(z[j]);
                var y = Rational.From(targets[j]);
                var radiusExact = Rational.FromDouble(nu);
                foreach (var target in new[] { Rational.From(poisoned[j]), y - radiusExact, y + radiusExact })
                    ExactAssert.Contains(gl[j], gu[j], two * (exactZ - target), context);
            }
        }
        return true;
    }
}

public sealed class SingleMeanSquaredErrorLossBoundTests : MeanSquaredErrorLossBoundTests<float> { }

public sealed class DoubleMeanSquaredErrorLossBoundTests : MeanSquaredErrorLossBoundTests<double> { }
