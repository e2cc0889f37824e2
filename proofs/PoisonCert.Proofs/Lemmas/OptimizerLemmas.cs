using Microsoft.Z3;
using Value = PoisonCert.Proofs.Lemmas.IntervalProgram.Value;

namespace PoisonCert.Proofs.Lemmas;

/// <summary>
/// One optimizer step on one coordinate, θ ∈ [θl, θu], velocity / moments in their boxes, gradient g ∈ [gl, gu],
/// all independent. The engine evaluates each update as interval arithmetic over independent occurrences, in the
/// program's operation order, every endpoint outward rounded (<see cref="IntervalProgram"/>). Each lemma proves
/// that both the exact update and the round-to-nearest program's update lie in the engine's interval: the exact
/// track in one query over the whole update (SGD, momentum, L1; for Adam that query timed out) and, for both
/// tracks, one query per operation (<see cref="IntervalProgram.ProveEachStep"/>), which the program track needs.
/// Hyper-parameters are symbolic point constants (the same floats in the program and the engine), each over its
/// whole range (η, λ ≥ 0; μ, τ, β ∈ [0, 1]; c1, c2 ∈ (0, 1]; ε &gt; 0). The learning-rate schedule
/// η_t = max(η₀/(1 + decay·t), η_min) is a point value computed before the step, so it needs no lemma: every lemma
/// holds for every η ≥ 0. The twins evaluate the exact update only, with tight endpoints, so their
/// counterexamples are real ones.
/// </summary>
public class OptimizerLemmas
{
    // ---- SGD with weight decay: θ' = θ − η·(g + λ·θ) ----

    public enum Hyperparameters { Symbolic, SymbolicLargeProduct, FixedLargeProduct }

    [Theory]
    [InlineData(Hyperparameters.Symbolic)]
    [InlineData(Hyperparameters.SymbolicLargeProduct)]
    [InlineData(Hyperparameters.FixedLargeProduct)]
    public void SgdWeightDecay_AnyMembers_WithinIntervalStep(Hyperparameters hyperparameters)
    {
        using var session = new ProofSession();
        var program = new IntervalProgram(session, tight: false);
        var (eta, lambda) = LearningRateAndDecay(session, program, hyperparameters);
        var theta = program.Box("theta");
        var gradient = program.Box("g");
        var direction = program.Add(gradient, program.Scale(lambda, theta));
        var next = program.Subtract(theta, program.Scale(eta, direction));
        session.Prove(program.EnclosesExact(next), program.Assumptions);
        program.ProveEachStep();
    }

    // The reference implementation's shortcut: θl' = θl − η·(gu + λ·θl), θu' = θu − η·(gl + λ·θu); η = 1, λ = 2.
    [Fact]
    public void SgdWeightDecay_EndpointShortcut_IsRefuted()
    {
        using var session = new ProofSession();
        var z = session.Context;
        ArithExpr eta = z.MkReal(1), lambda = z.MkReal(2);
        var program = new IntervalProgram(session, tight: true);
        var theta = program.Box("theta");
        var gradient = program.Box("g");
        var exact = z.MkSub(theta.Exact, z.MkMul(eta, z.MkAdd(gradient.Exact, z.MkMul(lambda, theta.Exact))));
        var lower = z.MkSub(theta.Lower, z.MkMul(eta, z.MkAdd(gradient.Upper, z.MkMul(lambda, theta.Lower))));
        var upper = z.MkSub(theta.Upper, z.MkMul(eta, z.MkAdd(gradient.Lower, z.MkMul(lambda, theta.Upper))));
        session.Refute(session.Within(exact, lower, upper), program.Assumptions);
    }

    private static (ArithExpr Eta, ArithExpr Lambda) LearningRateAndDecay(ProofSession session, IntervalProgram program, Hyperparameters hyperparameters)
    {
        var z = session.Context;
        if (hyperparameters == Hyperparameters.FixedLargeProduct) return (z.MkReal(1), z.MkReal(2));
        ArithExpr eta = session.Real("eta"), lambda = session.Real("lambda");
        if (hyperparameters == Hyperparameters.SymbolicLargeProduct) program.Assume(z.MkGt(z.MkMul(eta, lambda), z.MkReal(1)));
        return (eta, lambda);
    }

    // ---- Momentum (PyTorch semantics): d = g + λθ; v' = μ·v + (1 − τ)·d; step = nesterov ? d + μ·v' : v' ----

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MomentumStep_AnyMembers_WithinIntervalStep(bool nesterov)
    {
        using var session = new ProofSession();
        var z = session.Context;
        var program = new IntervalProgram(session, tight: false);
        var (velocity, next) = Momentum(session, program, nesterov, dropDecayFromVelocity: false);
        session.Prove(z.MkAnd(program.EnclosesExact(velocity), program.EnclosesExact(next)), program.Assumptions);
        program.ProveEachStep();
    }

    [Fact]
    public void MomentumStep_WeightDecayDroppedFromVelocity_IsRefuted()
    {
        using var session = new ProofSession();
        var program = new IntervalProgram(session, tight: true);
        var (_, next) = Momentum(session, program, nesterov: false, dropDecayFromVelocity: true);
        session.Refute(program.EnclosesExact(next), program.Assumptions);
    }

    // μ, τ ∈ [0, 1], λ, η ≥ 0 symbolic. PyTorch's first step (v' = d) is the case μ = τ = 0. The twin's engine
    // computes the velocity interval from [g] instead of [d] while the update itself uses d.
    private static (Value Velocity, Value Next) Momentum(ProofSession session, IntervalProgram program, bool nesterov, bool dropDecayFromVelocity)
    {
        var z = session.Context;
        ArithExpr eta = session.Real("eta"), lambda = session.Real("lambda"), mu = session.Real("mu"), tau = session.Real("tau");
        ArithExpr zero = z.MkReal(0), one = z.MkReal(1);
        var dampened = z.MkSub(one, tau);
        program.Assume(session.Within(mu, zero, one));
        program.Assume(session.Within(tau, zero, one));
        var theta = program.Box("theta");
        var gradient = program.Box("g");
        var velocity = program.Box("v");
        var direction = program.Add(gradient, program.Scale(lambda, theta));
        var nextVelocity = program.Add(program.Scale(mu, velocity), program.Scale(dampened, direction));
        if (dropDecayFromVelocity)
        {
            var wrong = program.Add(program.Scale(mu, velocity), program.Scale(dampened, gradient));
            nextVelocity = nextVelocity with { Lower = wrong.Lower, Upper = wrong.Upper };
        }
        var step = nesterov ? program.Add(direction, program.Scale(mu, nextVelocity)) : nextVelocity;
        return (nextVelocity, program.Subtract(theta, program.Scale(eta, step)));
    }

    // ---- L1: d = g + λ₁·sign(θ), sign(0) = 0; the engine's [sign(θ)] = [sign(θl), sign(θu)] ----

    [Fact]
    public void L1Step_AnyMembers_WithinIntervalStep()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var program = new IntervalProgram(session, tight: false);
        var (sign, next) = L1(session, program, wrongSign: false);
        session.Prove(z.MkAnd(program.EnclosesExact(sign), program.EnclosesExact(next)), program.Assumptions);
        program.ProveEachStep();
    }

    [Fact]
    public void L1Step_SignFromUpperEndOnly_IsRefuted()
    {
        using var session = new ProofSession();
        var program = new IntervalProgram(session, tight: true);
        var (_, next) = L1(session, program, wrongSign: true);
        session.Refute(program.EnclosesExact(next), program.Assumptions);
    }

    private static (Value Sign, Value Next) L1(ProofSession session, IntervalProgram program, bool wrongSign)
    {
        ArithExpr eta = session.Real("eta"), lambda = session.Real("lambda1");
        var theta = program.Box("theta");
        var gradient = program.Box("g");
        var sign = wrongSign
            ? program.Sign(theta, a => (program.SignOf(a.Upper), program.SignOf(a.Upper)))
            : program.Sign(theta);
        var direction = program.Add(gradient, program.Scale(lambda, sign));
        return (sign, program.Subtract(theta, program.Scale(eta, direction)));
    }

    // ---- Adam / AdamW, step t: c1 = 1 − β1^t, c2 = 1 − β2^t point constants ----
    // m' = β1·m + (1 − β1)·g; v' = β2·v + (1 − β2)·g², [g²] = [mig(g)², mag(g)²];
    // θ' = θ − η·(m'/c1)/(√(v'/c2) + ε); AdamW first applies θ ← θ·(1 − η·λ) (decoupled decay).
    // The quotient uses the sign-case division for a positive denominator. The engine's rounded-down v̂ and
    // √v̂ + ε stay ≥ 0 and > 0 (rounding down a non-negative value, or a value ≥ the float ε > 0, does not cross
    // them), so v_l ≥ 0, and the sqrt and division side conditions are assumptions. One query over the whole
    // update did not finish in 20 s; the lemma is proved one operation at a time (both tracks).

    public enum AdamVariant { Adam, AdamW }

    [Theory]
    [InlineData(AdamVariant.Adam)]
    [InlineData(AdamVariant.AdamW)]
    public void AdamStep_AnyMembers_WithinIntervalStep(AdamVariant variant)
    {
        using var session = new ProofSession();
        var program = new IntervalProgram(session, tight: false);
        Adam(session, program, variant); // every operation, moments included, one query each
        program.ProveEachStep();
    }

    // The early reference interval Adam: the upper quotient always divides by the smallest denominator, which is
    // wrong when the numerator's upper bound is negative.
    [Fact]
    public void AdamStep_UpperQuotientBySmallestDenominator_IsRefuted()
    {
        using var session = new ProofSession();
        var program = new IntervalProgram(session, tight: true) { UpperQuotientBySmallestDenominator = true };
        var next = Adam(session, program, AdamVariant.Adam);
        session.Refute(program.EnclosesExact(next), program.Assumptions);
    }

    private static Value Adam(ProofSession session, IntervalProgram program, AdamVariant variant)
    {
        var z = session.Context;
        ArithExpr zero = z.MkReal(0), one = z.MkReal(1);
        ArithExpr beta1 = session.Real("beta1"), beta2 = session.Real("beta2"), epsilon = session.Real("epsilon"), eta = session.Real("eta");
        ArithExpr correction1 = session.Real("c1"), correction2 = session.Real("c2");
        foreach (var constraint in new[] { session.Within(beta1, zero, one), session.Within(beta2, zero, one), z.MkGt(epsilon, zero),
                     session.Within(correction1, zero, one), session.Within(correction2, zero, one) })
            program.Assume(constraint);
        var theta = program.Box("theta");
        var gradient = program.Box("g");
        var first = program.Box("m");
        var second = program.Box("v");
        program.Assume(z.MkGe(second.Lower, zero));

        var nextFirst = program.Add(program.Scale(beta1, first), program.Scale(z.MkSub(one, beta1), gradient));
        var nextSecond = program.Add(program.Scale(beta2, second), program.Scale(z.MkSub(one, beta2), program.Square(gradient)));
        var firstHat = program.DivideByPoint(nextFirst, correction1);
        var secondHat = program.DivideByPoint(nextSecond, correction2);
        var denominator = program.Add(program.Sqrt(secondHat), IntervalProgram.Point(epsilon));
        var quotient = program.Divide(firstHat, denominator);
        var decayed = theta;
        if (variant == AdamVariant.AdamW)
        {
            var decay = session.Real("lambda");
            decayed = program.Multiply(theta, IntervalProgram.Point(z.MkSub(one, z.MkMul(eta, decay))));
        }
        return program.Subtract(decayed, program.Scale(eta, quotient));
    }
}
