using System.Numerics;
using PoisonCert.Models;
using PoisonCert.Tests.Exact;
using PoisonCert.Training;

namespace PoisonCert.Tests.Training;

/// <summary>
/// The reference implementation's unsound optimizer bounds (ALGORITHM §6), as regressions at the IntervalOptimizer
/// level with the gradient box given directly: the true reachable range is computed exactly and must lie in the
/// certified box, and the old rule, recomputed here, is shown to miss it.
/// </summary>
public abstract class OptimizerRegressionTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    private static TrainingRecipe Recipe(double learningRate, OptimizerSettings optimizer)
        => new() { Loss = LossKind.MeanSquaredError, LearningRate = learningRate, Optimizer = optimizer };

    private static Rational Exact(double value) => Rational.From(T.CreateTruncating(value)); // the program's rounded constant

    /// <summary>
    /// SGD with momentum 0.9, weight decay 0.5, lr 0.1, θ₀ = 0, gradient box [−1, 1] for 80 steps. The dynamics
    /// dₜ = gₜ + λθₜ, vₜ = μvₜ₋₁ + dₜ (v₀ = d₀), θₜ₊₁ = θₜ − ηvₜ are linear, so θ₈₀ = Σ cₜgₜ and its extremes are ±Σ|cₜ|,
    /// attained by the bang-bang sequence gₜ = ±sign(cₜ). The coefficients are computed exactly (rationals, with
    /// the program's rounded constants); the range is about ±5.58, and the "other endpoint" shortcut (the upper
    /// bound of d from the LOWER θ and vice versa) gives about ±1.99.
    /// </summary>
    [Fact]
    public void MomentumWithWeightDecay_EightySteps_BoxContainsTheExactReachableRange()
    {
        const int steps = 80;
        var recipe = Recipe(0.1, new OptimizerSettings { Momentum = 0.9, WeightDecay = 0.5 });
        var (mu, lambda, eta) = (Exact(0.9), Exact(0.5), Exact(0.1));
        // θ and v as coefficient vectors over g₀ … g₇₉.
        var theta = new Rational[steps];
        var velocity = new Rational[steps];
        Array.Fill(theta, Rational.Zero);
        Array.Fill(velocity, Rational.Zero);
        for (var t = 0; t < steps; t++)
            for (var s = 0; s < steps; s++)
            {
                var d = (s == t ? Rational.One : Rational.Zero) + lambda * theta[s];
                velocity[s] = t == 0 ? d : mu * velocity[s] + d;
                theta[s] -= eta * velocity[s];
            }
        var reach = theta.Aggregate(Rational.Zero, (sum, c) => sum + c.Abs());
        Assert.True(new Rational(55, 10) < reach && reach < new Rational(57, 10), "the reachable range is about ±5.58");

        var (lower, upper) = (new T[1], new T[1]);
        var optimizer = new IntervalOptimizer<T>(recipe, 1, 0);
        for (var t = 0; t < steps; t++) optimizer.Step(t, lower, upper, [-T.One], [T.One]);
        ExactAssert.Contains(lower[0], upper[0], reach, "largest reachable θ₈₀");
        ExactAssert.Contains(lower[0], upper[0], -reach, "smallest reachable θ₈₀");

        // The program on the bang-bang sequences reaches about ±5.58 and stays inside.
        foreach (var sign in new[] { 1, -1 })
        {
            var point = new T[1];
            var program = new PointOptimizer<T>(recipe, 1, 0);
            for (var t = 0; t < steps; t++) program.Step(t, point, [T.CreateTruncating(sign * theta[t].Sign)]);
            Assert.True(lower[0] <= point[0] && point[0] <= upper[0], $"bang-bang θ₈₀ = {point[0]:R} outside [{lower[0]:R}, {upper[0]:R}]");
            Assert.InRange(sign * double.CreateTruncating(point[0]), 5.5, 5.7);
        }

        // The shortcut: v's upper bound pairs with θ's lower bound and vice versa.
        double thetaLower = 0, thetaUpper = 0, velocityLower = 0, velocityUpper = 0;
        for (var t = 0; t < steps; t++)
        {
            var (dLower, dUpper) = (-1 + 0.5 * thetaUpper, 1 + 0.5 * thetaLower);
            (velocityLower, velocityUpper) = t == 0 ? (dLower, dUpper) : (0.9 * velocityLower + dLower, 0.9 * velocityUpper + dUpper);
            (thetaLower, thetaUpper) = (thetaLower - 0.1 * velocityUpper, thetaUpper - 0.1 * velocityLower);
        }
        Assert.InRange(thetaUpper, 1.9, 2.1);
        Assert.True(Rational.FromDouble(thetaUpper) < reach && -reach < Rational.FromDouble(thetaLower), "the shortcut would have covered the range");
    }

    /// <summary>
    /// SGD with η·λ = 3 > 1 (η = 1, λ = 3): θ′ = θ − (g + 3θ) = −2θ − g, decreasing in θ. From θ₀ = 0 with g ∈ [−1, 1]
    /// the reachable θₜ is exactly [−(2ᵗ − 1), 2ᵗ − 1] (bang-bang, all values exact in float). The shortcut
    /// θ′ₗ = θₗ − η(gᵤ + λθₗ) inverts the box at the second step.
    /// </summary>
    [Fact]
    public void WeightDecayAboveOneOverLearningRate_TenSteps_BoxContainsTheExactReachableRange()
    {
        var recipe = Recipe(1, new OptimizerSettings { WeightDecay = 3 });
        var (lower, upper) = (new T[1], new T[1]);
        var optimizer = new IntervalOptimizer<T>(recipe, 1, 0);
        double shortcutLower = 0, shortcutUpper = 0;
        for (var t = 0; t < 10; t++)
        {
            optimizer.Step(t, lower, upper, [-T.One], [T.One]);
            var reach = Math.Pow(2, t + 1) - 1;
            Assert.True(double.CreateTruncating(lower[0]) <= -reach && reach <= double.CreateTruncating(upper[0]),
                $"step {t}: [{lower[0]:R}, {upper[0]:R}] misses ±{reach}");
            (shortcutLower, shortcutUpper) = (shortcutLower - (1 + 3 * shortcutLower), shortcutUpper - (-1 + 3 * shortcutUpper));
            if (t == 1) Assert.False(shortcutLower <= reach && reach <= shortcutUpper, "the shortcut would have contained θ₂ = 3");
        }
        // The bang-bang program trajectory g = (−1)ᵗ⁺¹·s reaches the end of the range.
        foreach (var s in new[] { 1, -1 })
        {
            var point = new T[1];
            var program = new PointOptimizer<T>(recipe, 1, 0);
            for (var t = 0; t < 10; t++) program.Step(t, point, [T.CreateTruncating(s * ((9 - t) % 2 == 0 ? -1 : 1))]);
            Assert.Equal(1023.0, Math.Abs(double.CreateTruncating(point[0])));
            Assert.True(lower[0] <= point[0] && point[0] <= upper[0]);
        }
    }

    /// <summary>
    /// Adam with a negative first-moment box. Gradient boxes [−1, 1] then [−5, −4]: after two steps
    /// m ∈ [−0.59, −0.31] (upper end at d = (1, −4)), v ∈ [0.016, 0.017] (lower end at d = (0, −4)). The real
    /// trajectory d = (1, −4) has m at its upper end but v above its lower end, so its quotient m̂/(√v̂ + ε) is
    /// −0.56, above the wrong rule's upper bound mᵤ/(√vₗ + ε) ≈ −0.58 (the smallest second moment): the wrong rule's
    /// θ box misses that trajectory; the sign-case rule (the LARGEST second moment for mᵤ &lt; 0) contains it.
    /// </summary>
    [Fact]
    public void AdamWithNegativeFirstMoment_RealTrajectory_InsideAndMissedByTheWrongDenominator()
    {
        var recipe = Recipe(0.1, new OptimizerSettings { Kind = OptimizerKind.Adam });
        T[][] gradientLower = [[-T.One], [T.CreateTruncating(-5)]];
        T[][] gradientUpper = [[T.One], [T.CreateTruncating(-4)]];
        T[] trajectory = [T.One, T.CreateTruncating(-4)];
        var (lower, upper) = (new T[1], new T[1]);
        var optimizer = new IntervalOptimizer<T>(recipe, 1, 0);
        var point = new T[1];
        var program = new PointOptimizer<T>(recipe, 1, 0);
        var thetaLowerBeforeLastStep = 0.0;
        for (var t = 0; t < 2; t++)
        {
            thetaLowerBeforeLastStep = double.CreateTruncating(lower[0]);
            optimizer.Step(t, lower, upper, gradientLower[t], gradientUpper[t]);
            program.Step(t, point, [trajectory[t]]);
            Assert.True(lower[0] <= point[0] && point[0] <= upper[0], $"step {t}: θ = {point[0]:R} outside [{lower[0]:R}, {upper[0]:R}]");
        }
        // The wrong rule at step 2, in double (its error is far beyond rounding): mᵤ/(√vₗ + ε) as the quotient's upper bound.
        var (b1, b2) = (0.9, 0.999);
        var firstUpper = (1 - b1) * (b1 * 1 + (-4));                       // d₀ = 1, d₁ = −4
        var secondLower = (1 - b2) * (b2 * 0 + 16);                        // d₀ = 0, d₁ = −4
        var wrongQuotientUpper = firstUpper / (1 - b1 * b1) / (Math.Sqrt(secondLower / (1 - b2 * b2)) + 1e-8);
        var wrongThetaLower = thetaLowerBeforeLastStep - 0.1 * wrongQuotientUpper;
        Assert.True(firstUpper < 0, "the first-moment box is negative");
        Assert.True(double.CreateTruncating(point[0]) < wrongThetaLower - 1e-4,
            $"the wrong rule's lower bound {wrongThetaLower:R} would have contained the real θ = {point[0]:R}");
    }
}

public sealed class SingleOptimizerRegressionTests : OptimizerRegressionTests<float> { }

public sealed class DoubleOptimizerRegressionTests : OptimizerRegressionTests<double> { }
